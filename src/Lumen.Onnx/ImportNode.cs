using System.Text;
using Lumen.Onnx.Protobuf;
using AttrType = Lumen.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Lumen.Onnx;

/// <summary>What an operator's implementation needs at run time: the module's training flag.</summary>
internal readonly record struct OpContext(bool Training);

/// <summary>A compiled operator: the node's input values (null for an omitted optional input) to its outputs.</summary>
internal delegate Tensor?[] OpFn(Tensor?[] inputs, OpContext context);

/// <summary>
/// One graph node being imported: its attributes (read once, at load time, with errors naming the node) and the
/// model's opset, which decides where older and newer operator versions put their arguments.
/// </summary>
internal sealed class ImportNode
{
    private readonly Dictionary<string, AttributeProto> _attributes = new();

    public NodeProto Proto { get; }
    public int Index { get; }
    public long Opset { get; }
    public string Source { get; }
    public string OpType => Proto.OpType;

    public ImportNode(NodeProto proto, int index, long opset, string source)
    {
        Proto = proto; Index = index; Opset = opset; Source = source;
        foreach (var a in proto.Attribute) _attributes[a.Name] = a;
    }

    /// <summary>"node 'Convolution249' (#0, Conv, opset 8)": enough to find the node in Netron or onnx.helper.</summary>
    public string Describe() =>
        $"node {(Proto.Name.Length > 0 ? $"'{Proto.Name}' " : "")}(#{Index}, {(Proto.Domain is "" or "ai.onnx" ? "" : Proto.Domain + ".")}{OpType}, opset {Opset})";

    public OnnxImportException Error(string message) =>
        new($"{Source}: {Describe()}: {message}.", Source, Index, Proto.Name, OpType, Opset);

    public OnnxUnsupportedOperatorException Unsupported(string message) =>
        new($"{Source}: {Describe()}: {message}.", Source, Index, Proto.Name, OpType, Opset);

    public int InputCount => Proto.Input.Count;

    /// <summary>Whether input <paramref name="i"/> is given (ONNX omits optional inputs by an empty name or by count).</summary>
    public bool HasInput(int i) => i < Proto.Input.Count && Proto.Input[i].Length > 0;

    public bool HasOutput(int i) => i < Proto.Output.Count && Proto.Output[i].Length > 0;

    public bool Has(string name) => _attributes.ContainsKey(name);

    private AttributeProto? Get(string name, AttrType type)
    {
        if (!_attributes.TryGetValue(name, out var a)) return null;
        // Files written before IR 3 leave 'type' unset; accept them when the payload is of the expected kind.
        if (a.Type != AttrType.Undefined && a.Type != type)
            throw Error($"attribute '{name}' is {a.Type}, expected {type}");
        return a;
    }

    public long Int(string name, long fallback) => Get(name, AttrType.Int) is { } a ? a.I : fallback;

    public float Float(string name, float fallback) => Get(name, AttrType.Float) is { } a ? a.F : fallback;

    public string String(string name, string fallback) => Get(name, AttrType.String) is { } a ? Encoding.UTF8.GetString(a.S.Span) : fallback;

    public long[]? Ints(string name) => Get(name, AttrType.Ints) is { } a ? a.Ints.ToArray() : null;

    public float[]? Floats(string name) => Get(name, AttrType.Floats) is { } a ? a.Floats.ToArray() : null;

    public TensorProto? TensorAttr(string name) => Get(name, AttrType.Tensor)?.T;

    /// <summary>An ints attribute as int[] (each within int range), or <paramref name="fallback"/>.</summary>
    public int[]? IntArray(string name, int[]? fallback = null)
    {
        var v = Ints(name);
        if (v == null) return fallback;
        return v.Select(x => x is < int.MinValue or > int.MaxValue ? throw Error($"attribute '{name}' value {x} is out of range") : (int)x).ToArray();
    }

    public int IntAttr(string name, int fallback)
    {
        long v = Int(name, fallback);
        return v is < int.MinValue or > int.MaxValue ? throw Error($"attribute '{name}' value {v} is out of range") : (int)v;
    }
}
