using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Lumen.NN;

namespace Lumen.Serialization.Pickle;

/// <summary>
/// Emits the protocol-2 pickle that PyTorch's <c>torch.save</c> writes for an object tree: tensors become
/// <c>torch._utils._rebuild_tensor_v2(persistent_id, offset, size, stride, requires_grad, OrderedDict())</c> with
/// persistent id <c>('storage', torch.FloatStorage, key, 'cpu', numel)</c>, one key per distinct storage (so views
/// that share a buffer still share it after loading). Supported values: Tensor, Parameter, null, bool, int/long,
/// float/double, string, <c>object?[]</c> and value tuples (tuple), an <see cref="Optim.OptimizerStateDict"/> (as
/// PyTorch's <c>optimizer.state_dict()</c> dict), any IDictionary (OrderedDictionary → collections.OrderedDict, others
/// → dict) and any other IEnumerable (list).
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _out = new();
    private readonly Dictionary<string, int> _globalMemo = new();
    private readonly Dictionary<Storage, string> _storageKeys = new(ReferenceEqualityComparer.Instance);

    /// <summary>The storages to write as <c>data/&lt;key&gt;</c>, in key order.</summary>
    public List<(string Key, Storage Storage)> Storages { get; } = new();

    public byte[] Pickle(object? root)
    {
        _out.WriteByte(0x80); _out.WriteByte(2); // PROTO 2
        Write(root, depth: 0);
        _out.WriteByte((byte)'.'); // STOP
        return _out.ToArray();
    }

    private void Write(object? v, int depth)
    {
        if (depth > 100) throw new ArgumentException("PyTorchFile.Save: the object tree is nested more than 100 levels deep (a cycle?).");
        switch (v)
        {
            case null: Op('N'); break;
            case bool b: _out.WriteByte(b ? (byte)0x88 : (byte)0x89); break;
            case int i: Int(i); break;
            case long l: Int(l); break;
            case short s: Int(s); break;
            case byte by: Int(by); break;
            case float f: Float(f); break;
            case double d: Float(d); break;
            case string s: Str(s); break;
            case Parameter p:
                Global("torch._utils", "_rebuild_parameter");
                Op('(');
                WriteTensor(p);
                _out.WriteByte(p.RequiresGrad ? (byte)0x88 : (byte)0x89);
                EmptyOrderedDict();
                Op('t'); Op('R');
                break;
            case Tensor t: WriteTensor(t); break;
            case object?[] tuple:
                Op('(');
                foreach (var e in tuple) Write(e, depth + 1);
                Op('t');
                break;
            case System.Runtime.CompilerServices.ITuple vt:   // (0.9, 0.999) → a Python tuple
                Op('(');
                for (int k = 0; k < vt.Length; k++) Write(vt[k], depth + 1);
                Op('t');
                break;
            case Optim.OptimizerStateDict osd: Write(osd.ToPyTorch(), depth); break;   // optimizer.state_dict()
            case Module m:
                throw new ArgumentException($"PyTorchFile.Save: cannot write a whole module ({m.GetType().Name}); save its StateDict() " +
                                            "(PyTorch's recommended torch.save(model.state_dict(), path)).");
            case IDictionary dict:
                if (IsOrderedDictionary(dict)) EmptyOrderedDict(); else Op('}');
                if (dict.Count == 0) break;
                Op('(');
                foreach (DictionaryEntry e in dict) { Write(e.Key, depth + 1); Write(e.Value, depth + 1); }
                Op('u'); // SETITEMS
                break;
            case IEnumerable seq:
                Op(']');
                Op('(');
                foreach (var e in seq) Write(e, depth + 1);
                Op('e'); // APPENDS
                break;
            default:
                throw new ArgumentException($"PyTorchFile.Save: cannot write a value of type {v.GetType().Name} " +
                                            "(supported: tensors, numbers, bools, strings, null, tuples, dictionaries, lists).");
        }
    }

    private static bool IsOrderedDictionary(IDictionary d)
    {
        var t = d.GetType();
        return t.IsGenericType && t.GetGenericTypeDefinition() == typeof(OrderedDictionary<,>);
    }

    private void WriteTensor(Tensor t)
    {
        var storage = t.Storage;
        if (!_storageKeys.TryGetValue(storage, out var key))
        {
            key = Storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _storageKeys[storage] = key;
            Storages.Add((key, storage));
        }
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        // persistent id ('storage', torch.FloatStorage, key, 'cpu', numel) then BINPERSID
        Op('(');
        Str("storage");
        Global("torch", storage.DType switch
        {
            DType.Float32 => "FloatStorage",
            DType.Int64 => "LongStorage",
            DType.UInt8 => "ByteStorage",
            _ => "BoolStorage",
        });
        Str(key);
        Str("cpu");
        Int(storage.Length);
        Op('t');
        Op('Q');
        Int(t.StorageOffset);
        IntTuple(t.Shape.ToArray());
        IntTuple(t.Strides);
        _out.WriteByte(t.RequiresGrad ? (byte)0x88 : (byte)0x89);
        EmptyOrderedDict(); // backward_hooks
        Op('t');
        Op('R');
    }

    private void EmptyOrderedDict()
    {
        Global("collections", "OrderedDict");
        Op(')');
        Op('R');
    }

    private void IntTuple(int[] values)
    {
        if (values.Length == 0) { Op(')'); return; }
        Op('(');
        foreach (var v in values) Int(v);
        Op('t');
    }

    /// <summary>GLOBAL the first time (memoized with BINPUT/LONG_BINPUT), BINGET/LONG_BINGET afterwards.</summary>
    private void Global(string module, string name)
    {
        var full = module + "\n" + name + "\n";
        if (_globalMemo.TryGetValue(full, out int slot))
        {
            if (slot < 256) { Op('h'); _out.WriteByte((byte)slot); }
            else { Op('j'); U32((uint)slot); }
            return;
        }
        Op('c');
        _out.Write(Encoding.ASCII.GetBytes(full));
        slot = _globalMemo.Count;
        _globalMemo[full] = slot;
        if (slot < 256) { Op('q'); _out.WriteByte((byte)slot); }
        else { Op('r'); U32((uint)slot); }
    }

    private void Int(long v)
    {
        if (v >= 0 && v < 256) { Op('K'); _out.WriteByte((byte)v); }
        else if (v >= 0 && v < 65536) { Op('M'); Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); _out.Write(b); }
        else if (v >= int.MinValue && v <= int.MaxValue) { Op('J'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); _out.Write(b); }
        else
        {
            // LONG1: minimal two's-complement little-endian bytes
            var bytes = new System.Numerics.BigInteger(v).ToByteArray();
            _out.WriteByte(0x8a); _out.WriteByte((byte)bytes.Length); _out.Write(bytes);
        }
    }

    private void Float(double v)
    {
        Op('G');
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, v);
        _out.Write(b);
    }

    private void Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        U32((uint)bytes.Length);
        _out.Write(bytes);
    }

    private void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); _out.Write(b); }

    private void Op(char c) => _out.WriteByte((byte)c);
}
