using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Lumen.Serialization.Pickle;

/// <summary>
/// A restricted pickle reader for PyTorch checkpoints. It interprets the opcodes of protocols 2–4 that describe
/// data (ints, floats, strings, bytes, tuples, lists, dicts, memo, persistent ids) and resolves every GLOBAL against
/// <see cref="TorchGlobals"/>' allow-list the moment it is read: an unknown global (<c>os.system</c>,
/// <c>builtins.eval</c>, …) throws <see cref="UnsafePickleException"/> before any later opcode runs. REDUCE only
/// "calls" allow-listed globals, which this class implements itself (building dicts and tensor views); nothing is
/// ever looked up by name or executed. Python values map to: None → null, bool, int → long (BigInteger beyond
/// 64 bits), float → double, str → string, bytes → byte[], tuple → object?[], list → List&lt;object?&gt;,
/// dict / OrderedDict → OrderedDictionary&lt;object, object?&gt;, tensor → <see cref="Tensor"/>.
/// <para>Limits (a crafted pickle must fail with <see cref="CheckpointFormatException"/>, never exhaust the stack, the heap
/// or the CPU): the interpreter itself has no recursion; every length field is checked against the bytes that remain,
/// so strings, bytes and the stack, the marks and the memo grow at most one entry per opcode byte; a dict key is a
/// hashable value (str, int, float, bool, bytes, None inside a tuple, tuples of those) of at most
/// <see cref="MaxKeyNodes"/> values, nested at most <see cref="MaxNesting"/> deep; and the loaded value must be
/// acyclic and nested at most <see cref="MaxNesting"/> containers deep, so code that walks it recursively is safe.</para>
/// </summary>
internal sealed class Unpickler
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Deepest nesting of tuples, lists and dicts accepted in a loaded value (a state dict nests 1–3 deep,
    /// a training checkpoint under 10). Python's own unpickler has no limit, but printing or comparing such a value
    /// in Python hits its recursion limit of 1,000; a .NET consumer that recurses would overflow the stack.</summary>
    public const int MaxNesting = 200;

    /// <summary>Most values (counted as a tree: a tuple shared twice counts twice) in one dict key. Hashing and
    /// comparing a key walks it, so a key of shared tuples nested n deep would otherwise cost 2^n steps.</summary>
    public const int MaxKeyNodes = 4096;

    private readonly byte[] _data;
    private readonly string _file;
    private readonly Func<object?[], object> _persistentLoad;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;
    private long _expandedLeft = TorchGlobals.MaxExpandedElements;

    /// <param name="data">The pickle bytes (may hold more pickles after this one: see <see cref="Position"/>).</param>
    /// <param name="file">The file named in error messages.</param>
    /// <param name="persistentLoad">Resolves a persistent id (a tuple) to an object, PyTorch's <c>persistent_load</c>.</param>
    /// <param name="start">Offset of the pickle in <paramref name="data"/>.</param>
    public Unpickler(byte[] data, string file, Func<object?[], object>? persistentLoad = null, int start = 0)
    {
        _data = data;
        _file = file;
        _persistentLoad = persistentLoad ?? (_ => throw Bad("the pickle holds a persistent id where none is expected."));
        _pos = start;
    }

    /// <summary>Offset just after the last STOP read.</summary>
    public int Position => _pos;

    /// <summary>Reads one pickle (up to its STOP) and returns its value.</summary>
    public object? Load()
    {
        _stack.Clear(); _marks.Clear(); _memo.Clear();
        while (true)
        {
            int at = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                {
                    int proto = ReadByte();
                    if (proto > 5) throw Bad($"pickle protocol {proto} is not supported (at byte {at}).");
                    break;
                }
                case 0x95: Take(8); break; // FRAME: a length hint only
                case (byte)'.': // STOP
                {
                    var v = Pop("STOP");
                    CheckNesting(v, at);
                    return v;
                }
                case (byte)'(': _marks.Push(_stack.Count); break; // MARK
                case (byte)'0': Pop("POP"); break;
                case (byte)'1': PopMark("POP_MARK"); break;
                case (byte)'2': Push(Peek("DUP")); break;
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: // LONG4
                {
                    int n = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
                    if (n < 0 || n > 64) throw Bad($"LONG4 of {n} bytes at byte {at} is not a plausible checkpoint integer.");
                    Push(ReadLong(n));
                    break;
                }
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT (big-endian)
                case (byte)'X': Push(Utf8(Take(Length32(at)), at)); break; // BINUNICODE
                case 0x8c: Push(Utf8(Take(ReadByte()), at)); break; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(Take(Length64(at)), at)); break; // BINUNICODE8
                case (byte)'B': Push(Take(Length32(at)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break; // SHORT_BINBYTES
                case 0x8e: Push(Take(Length64(at)).ToArray()); break; // BINBYTES8
                case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'t': Push(PopMark("TUPLE").ToArray()); break;
                case 0x85: { var a = Pop("TUPLE1"); Push(new[] { a }); break; }
                case 0x86: { var b = Pop("TUPLE2"); var a = Pop("TUPLE2"); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop("TUPLE3"); var b = Pop("TUPLE3"); var a = Pop("TUPLE3"); Push(new[] { a, b, c }); break; }
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(PopMark("LIST")); break;
                case (byte)'a': { var v = Pop("APPEND"); ListAt("APPEND", at).Add(v); break; }
                case (byte)'e': { var items = PopMark("APPENDS"); ListAt("APPENDS", at).AddRange(items); break; }
                case (byte)'}': Push(NewDict()); break; // EMPTY_DICT
                case (byte)'d': // DICT
                {
                    var items = PopMark("DICT");
                    var d = NewDict();
                    SetItems(d, items, at);
                    Push(d);
                    break;
                }
                case (byte)'s': { var v = Pop("SETITEM"); var k = Pop("SETITEM"); SetItems(DictAt("SETITEM", at), new List<object?> { k, v }, at); break; }
                case (byte)'u': { var items = PopMark("SETITEMS"); SetItems(DictAt("SETITEMS", at), items, at); break; }
                case (byte)'q': _memo[ReadByte()] = Peek("BINPUT"); break;
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek("LONG_BINPUT"); break;
                case 0x94: _memo[_memo.Count] = Peek("MEMOIZE"); break;
                case (byte)'h': Push(MemoGet(ReadByte(), at)); break; // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), at)); break; // LONG_BINGET
                case (byte)'c': // GLOBAL "module\nname\n"
                {
                    var module = ReadLine(at); var name = ReadLine(at);
                    Push(TorchGlobals.Resolve(_file, module, name));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop("STACK_GLOBAL") as string; var module = Pop("STACK_GLOBAL") as string;
                    if (module == null || name == null) throw Bad($"STACK_GLOBAL at byte {at} needs two strings on the stack.");
                    Push(TorchGlobals.Resolve(_file, module, name));
                    break;
                }
                case (byte)'i': // INST "module\nname\n": instantiates a class
                {
                    var module = ReadLine(at); var name = ReadLine(at);
                    TorchGlobals.Resolve(_file, module, name);
                    throw Bad($"INST of '{module}.{name}' at byte {at} is not supported.");
                }
                case 0x82: case 0x83: case 0x84: // EXT1/2/4: a global from the copyreg extension registry
                {
                    long code = op == 0x82 ? ReadByte() : op == 0x83 ? BinaryPrimitives.ReadUInt16LittleEndian(Take(2)) : BinaryPrimitives.ReadInt32LittleEndian(Take(4));
                    throw new UnsafePickleException(_file, "copyreg", $"extension_code[{code}]");
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop("REDUCE"); var fn = Pop("REDUCE");
                    if (fn is not PyGlobal g) throw Bad($"REDUCE at byte {at} applies a {TypeName(fn)}, not an allow-listed global.");
                    if (args is not object?[] tuple) throw Bad($"REDUCE at byte {at} passes a {TypeName(args)} as the argument tuple of {g}.");
                    Push(TorchGlobals.Call(_file, g, tuple, ref _expandedLeft));
                    break;
                }
                case (byte)'b': // BUILD: obj.__setstate__(state)
                {
                    var state = Pop("BUILD"); var obj = Peek("BUILD");
                    TorchGlobals.Build(_file, obj, state);
                    break;
                }
                case (byte)'Q': // BINPERSID
                {
                    var pid = Pop("BINPERSID");
                    if (pid is not object?[] t) throw Bad($"the persistent id at byte {at} is a {TypeName(pid)}, not a tuple.");
                    Push(_persistentLoad(t));
                    break;
                }
                default:
                    throw Bad($"opcode 0x{op:x2} ('{(op >= 32 && op < 127 ? (char)op : '?')}') at byte {at} is not supported by Lumen's restricted unpickler.");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static OrderedDictionary<object, object?> NewDict() => new(PyKeyComparer.Instance);

    private void SetItems(OrderedDictionary<object, object?> d, List<object?> items, int at)
    {
        if (items.Count % 2 != 0) throw Bad($"dict items at byte {at} come in an odd number ({items.Count}).");
        for (int i = 0; i < items.Count; i += 2)
        {
            var k = items[i];
            if (k is null) throw Bad($"dict key at byte {at} is a None, which Lumen does not accept as a key.");
            CheckKey(k, at);
            d[k] = items[i + 1];
        }
    }

    /// <summary>A dict key must be hashable in Python's sense (no list, dict or tensor inside) and small enough that
    /// <see cref="PyKeyComparer"/>, which recurses into tuples, stays within <see cref="MaxKeyNodes"/> steps and
    /// <see cref="MaxNesting"/> frames. Walked with an explicit stack.</summary>
    private void CheckKey(object key, int at)
    {
        var pending = new Stack<(object? Value, int Depth)>();
        pending.Push((key, 1));
        int nodes = 0;
        while (pending.Count > 0)
        {
            var (v, depth) = pending.Pop();
            if (++nodes > MaxKeyNodes) throw Bad($"the dict key at byte {at} holds more than {MaxKeyNodes} values; Lumen accepts small keys only.");
            if (depth > MaxNesting) throw Bad($"the dict key at byte {at} nests tuples more than {MaxNesting} deep.");
            switch (v)
            {
                case object?[] tuple:
                    foreach (var e in tuple) pending.Push((e, depth + 1));
                    break;
                case List<object?> or OrderedDictionary<object, object?> or Tensor or Storage:
                    throw Bad($"the dict key at byte {at} is or holds a {TypeName(v)}, which is not hashable.");
            }
        }
    }

    /// <summary>Rejects a loaded value that contains itself or nests containers more than <see cref="MaxNesting"/>
    /// deep: a depth-first walk with an explicit stack (never deeper than the limit) that memoises each container's
    /// height, so shared sub-values are visited once.</summary>
    private void CheckNesting(object? root, int at)
    {
        if (!IsContainer(root)) return;
        var height = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var path = new Stack<(object Node, IEnumerator<object?> Children, int Height)>();
        onPath.Add(root!);
        path.Push((root!, Children(root!).GetEnumerator(), 0));
        while (path.Count > 0)
        {
            var (node, children, h) = path.Pop();
            if (children.MoveNext())
            {
                var c = children.Current;
                if (!IsContainer(c)) { path.Push((node, children, h)); continue; }
                if (height.TryGetValue(c!, out var ch)) { path.Push((node, children, Math.Max(h, ch))); continue; }
                if (onPath.Contains(c!)) throw Bad($"the value loaded at byte {at} contains itself (a cycle through a {TypeName(c)}); a checkpoint never does.");
                if (path.Count + 2 > MaxNesting) throw Bad($"the value loaded at byte {at} nests tuples, lists or dicts more than {MaxNesting} deep.");
                path.Push((node, children, h));
                onPath.Add(c!);
                path.Push((c!, Children(c!).GetEnumerator(), 0));
                continue;
            }
            int mine = h + 1;
            if (mine > MaxNesting) throw Bad($"the value loaded at byte {at} nests tuples, lists or dicts more than {MaxNesting} deep.");
            height[node] = mine;
            onPath.Remove(node);
            if (path.Count > 0) { var (p, pc, ph) = path.Pop(); path.Push((p, pc, Math.Max(ph, mine))); }
        }
    }

    private static bool IsContainer(object? v) => v is object?[] { Length: > 0 } or List<object?> or OrderedDictionary<object, object?>;

    private static IEnumerable<object?> Children(object container)
    {
        switch (container)
        {
            case object?[] t: foreach (var e in t) yield return e; break;
            case List<object?> l: foreach (var e in l) yield return e; break;
            case OrderedDictionary<object, object?> d: foreach (var (k, v) in d) { yield return k; yield return v; } break;
        }
    }

    private OrderedDictionary<object, object?> DictAt(string op, int at) =>
        Peek(op) as OrderedDictionary<object, object?> ?? throw Bad($"{op} at byte {at} targets a {TypeName(Peek(op))}, not a dict.");

    private List<object?> ListAt(string op, int at) =>
        Peek(op) as List<object?> ?? throw Bad($"{op} at byte {at} targets a {TypeName(Peek(op))}, not a list.");

    private object? MemoGet(long key, int at) =>
        _memo.TryGetValue(key, out var v) ? v : throw Bad($"memo entry {key} read at byte {at} was never stored.");

    private void Push(object? v) => _stack.Add(v);

    private int Floor => _marks.Count > 0 ? _marks.Peek() : 0;

    private object? Pop(string op)
    {
        if (_stack.Count <= Floor) throw Bad($"{op} at byte {_pos - 1} finds the stack empty.");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek(string op)
    {
        if (_stack.Count <= Floor) throw Bad($"{op} at byte {_pos - 1} finds the stack empty.");
        return _stack[^1];
    }

    private List<object?> PopMark(string op)
    {
        if (_marks.Count == 0) throw Bad($"{op} at byte {_pos - 1} has no matching MARK.");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private byte ReadByte()
    {
        if (_pos >= _data.Length) throw Bad("the pickle ends before its STOP opcode (truncated?).");
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Bad($"a {n}-byte field at byte {_pos} runs past the end of the pickle (truncated?).");
        var s = _data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return s;
    }

    private long Length32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    private long Length64(int at)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        return n > int.MaxValue ? throw Bad($"a field of {n} bytes at byte {at} is too long.") : (long)n;
    }

    private object ReadLong(int n)
    {
        var bytes = Take(n);
        if (n == 0) return 0L;
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (object)(long)big : big;
    }

    private string ReadLine(int at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos, Math.Min(256, _data.Length - _pos));
        if (end < 0) throw Bad($"the global name at byte {at} is not terminated by a newline within 256 bytes.");
        var s = Take(end - _pos);
        _pos++; // the newline
        foreach (var b in s)
            if (b < 32 || b > 126) throw Bad($"the global name at byte {at} holds the non-ASCII byte 0x{b:x2}.");
        return Encoding.ASCII.GetString(s);
    }

    private string Utf8(ReadOnlySpan<byte> bytes, int at)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Bad($"the string at byte {at} is not valid UTF-8."); }
    }

    internal static string TypeName(object? v) => v switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        object?[] => "tuple",
        List<object?> => "list",
        OrderedDictionary<object, object?> => "dict",
        Tensor => "tensor",
        Storage => "storage",
        PyGlobal g => $"global {g}",
        _ => v.GetType().Name,
    };

    private CheckpointFormatException Bad(string problem) => new(_file, problem);
}
