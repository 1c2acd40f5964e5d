using System.Collections;

namespace Lumen.NN;

/// <summary>
/// An int or a tuple of ints, the type of PyTorch's <c>kernel_size</c>, <c>stride</c>, <c>padding</c> and
/// <c>dilation</c> arguments (<c>_size_2_t</c> and friends). C# call sites read like PyTorch's:
/// <code>
/// new Conv2d(3, 16, kernelSize: 3);                                  // kernel_size=3 → (3, 3)
/// new Conv2d(3, 16, kernelSize: (3, 2), stride: (2, 1));             // a tuple per spatial dimension
/// new Conv3d(1, 8, kernelSize: (1, 2, 5), stride: (2, 4, 3));
/// F.Pad(x, (1, 1, 2, 0), mode: "reflect");                           // 2-, 4- and 6-tuples; int[] works too
/// </code>
/// A single int stays a scalar (<see cref="IsScalar"/>) until <see cref="Expand(int, int, string, string)"/> repeats it for N dimensions, so a
/// layer can print it the way PyTorch does (<c>MaxPool2d(kernel_size=2, ...)</c> vs <c>kernel_size=(3, 3)</c>).
/// <c>default(IntTuple)</c> means "not given": <see cref="IsDefault"/> is true and <see cref="Expand(int, int, string, string)"/> uses the
/// caller's default value, which lets optional parameters be written <c>IntTuple stride = default</c>.
/// </summary>
public readonly struct IntTuple : IReadOnlyList<int>, IEquatable<IntTuple>
{
    private readonly int[]? _values;

    /// <summary>A scalar: one value that <see cref="Expand(int, int, string, string)"/> repeats for every dimension.</summary>
    public IntTuple(int value) { _values = new[] { value }; IsScalar = true; }

    /// <summary>A tuple of the given values (copied), printed as Python prints a tuple: <c>(3, 3)</c>, <c>(5,)</c>.</summary>
    public IntTuple(params int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = (int[])values.Clone();
        IsScalar = false;
    }

    /// <summary>True for a single int (as opposed to a one-element tuple).</summary>
    public bool IsScalar { get; }

    /// <summary>True for <c>default(IntTuple)</c>: the argument was not given.</summary>
    public bool IsDefault => _values == null;

    /// <summary>Number of values (1 for a scalar, 0 when not given).</summary>
    public int Count => _values?.Length ?? 0;

    /// <summary>The value at <paramref name="index"/>.</summary>
    public int this[int index] => (_values ?? Array.Empty<int>())[index];

    /// <summary>A tuple holding <paramref name="value"/> <paramref name="n"/> times, PyTorch's <c>_ntuple(n)(value)</c>.</summary>
    public static IntTuple Repeat(int value, int n) => new(Enumerable.Repeat(value, n).ToArray());

    /// <summary>The values for <paramref name="n"/> dimensions: a scalar repeated <paramref name="n"/> times, a tuple
    /// as it is (it must have <paramref name="n"/> values), and <paramref name="defaultValue"/> repeated when not given.</summary>
    /// <param name="n">Number of dimensions wanted.</param>
    /// <param name="defaultValue">Used for every dimension when this value is <see cref="IsDefault"/>.</param>
    /// <param name="name">The parameter's name, for the error message (<c>kernelSize</c>).</param>
    /// <param name="owner">Who asks, for the error message (<c>Conv2d</c>).</param>
    /// <exception cref="ArgumentException">A tuple with a number of values other than <paramref name="n"/>.</exception>
    public int[] Expand(int n, int defaultValue, string name, string owner)
    {
        if (_values == null) return Enumerable.Repeat(defaultValue, n).ToArray();
        if (IsScalar) return Enumerable.Repeat(_values[0], n).ToArray();
        if (_values.Length != n)
            throw new ArgumentException($"{owner}: {name} must be an int or a tuple of {n} ints, got {this} ({_values.Length} values).");
        return (int[])_values.Clone();
    }

    /// <summary>As <see cref="Expand(int, int, string, string)"/> for an argument that has no default.</summary>
    public int[] Expand(int n, string name, string owner)
    {
        if (_values == null) throw new ArgumentException($"{owner}: {name} must be given.");
        return Expand(n, 0, name, owner);
    }

    /// <summary>The values as an array (one value for a scalar, none when not given).</summary>
    public int[] ToArray() => _values == null ? Array.Empty<int>() : (int[])_values.Clone();

    public static implicit operator IntTuple(int value) => new(value);
    public static implicit operator IntTuple(int[] values) => new(values);
    public static implicit operator IntTuple(ValueTuple<int> v) => new(new[] { v.Item1 });
    public static implicit operator IntTuple((int, int) v) => new(new[] { v.Item1, v.Item2 });
    public static implicit operator IntTuple((int, int, int) v) => new(new[] { v.Item1, v.Item2, v.Item3 });
    public static implicit operator IntTuple((int, int, int, int) v) => new(new[] { v.Item1, v.Item2, v.Item3, v.Item4 });
    public static implicit operator IntTuple((int, int, int, int, int, int) v) =>
        new(new[] { v.Item1, v.Item2, v.Item3, v.Item4, v.Item5, v.Item6 });

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_values ?? Array.Empty<int>())).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Same values and the same scalar-ness.</summary>
    public bool Equals(IntTuple other) =>
        IsScalar == other.IsScalar && IsDefault == other.IsDefault && this.SequenceEqual(other);
    public override bool Equals(object? obj) => obj is IntTuple t && Equals(t);
    public override int GetHashCode() { var h = new HashCode(); h.Add(IsScalar); foreach (var v in this) h.Add(v); return h.ToHashCode(); }
    public static bool operator ==(IntTuple a, IntTuple b) => a.Equals(b);
    public static bool operator !=(IntTuple a, IntTuple b) => !a.Equals(b);

    /// <summary>Python's repr: <c>3</c> for a scalar, <c>(3, 3)</c> for a tuple, <c>(5,)</c> for a one-element tuple.</summary>
    public override string ToString()
    {
        if (_values == null) return "None";
        if (IsScalar) return _values[0].ToString();
        return _values.Length == 1 ? $"({_values[0]},)" : "(" + string.Join(", ", _values) + ")";
    }
}
