namespace Lumen.Serialization.Pickle;

/// <summary>A reference to a Python global (<c>module.name</c>) that passed the allow-list. It is only a name:
/// the unpickler interprets the few allowed ones itself and never looks anything up or calls it.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => Module + "." + Name;
}

/// <summary>Dict-key equality with Python's semantics for the key types a checkpoint holds: str, int, float, bool and
/// tuples of those (tuples arrive as <c>object?[]</c> and compare element-wise). Integers and floats hash all 64 bits
/// through <see cref="HashCode"/>'s per-process random seed, so a crafted file cannot choose keys that collide (a dict
/// of colliding keys takes quadratic time to build). The unpickler bounds a key's size and nesting before it gets here.</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    public new bool Equals(object? x, object? y)
    {
        if (x is object?[] a && y is object?[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (!(a[i] == null ? b[i] == null : b[i] != null && Equals(a[i], b[i]))) return false;
            return true;
        }
        return object.Equals(x, y);
    }

    public int GetHashCode(object obj)
    {
        if (obj is object?[] a)
        {
            var h = new HashCode();
            foreach (var e in a) h.Add(e == null ? 0 : GetHashCode(e));
            return h.ToHashCode();
        }
        return obj switch
        {
            long l => HashCode.Combine((int)l, (int)(l >> 32)),
            double d => HashCode.Combine(BitConverter.DoubleToInt64Bits(d)),
            System.Numerics.BigInteger b => HashBytes(b.ToByteArray()),
            _ => obj.GetHashCode(),
        };
    }

    private static int HashBytes(byte[] bytes)
    {
        var h = new HashCode();
        h.AddBytes(bytes);
        return h.ToHashCode();
    }
}
