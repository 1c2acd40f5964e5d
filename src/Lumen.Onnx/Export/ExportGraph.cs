using System.Runtime.InteropServices;
using Google.Protobuf;
using Lumen.Onnx.Protobuf;

namespace Lumen.Onnx.Export;

/// <summary>
/// The ONNX graph an export builds: nodes in execution order, initializers in order of first use, and names that read
/// like PyTorch's exporter writes them (<c>/layer1/0/conv1/Conv</c>, its output <c>/layer1/0/conv1/Conv_output_0</c>,
/// initializers under their state-dict keys). Everything is appended in the order the trace meets it, so one model
/// and one input always give the same bytes.
/// </summary>
internal sealed class ExportGraph
{
    private readonly List<NodeProto> _nodes = new();
    private readonly List<TensorProto> _initializers = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _constants;

    /// <summary>The opset the nodes are written for.</summary>
    public int Opset { get; }

    public ExportGraph(int opset) => Opset = opset;

    /// <summary>Appends a node <paramref name="opType"/> named after <paramref name="scope"/> (a module path, "" at the top)
    /// and returns the name of its output.</summary>
    public string Node(string opType, string scope, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var prefix = scope.Length == 0 ? "" : "/" + scope.Replace('.', '/');
        var name = Unique($"{prefix}/{opType}");
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        var output = Unique(name + "_output_0");
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _nodes.Add(node);
        return output;
    }

    private string Unique(string name)
    {
        if (_names.Add(name)) return name;
        for (int i = 1; ; i++)
            if (_names.Add($"{name}_{i}")) return $"{name}_{i}";
    }

    /// <summary>Adds a float32 (or int64) tensor as an initializer named <paramref name="name"/> (made unique).</summary>
    public string Initializer(string name, Tensor t, IReadOnlyList<int>? shape = null)
    {
        var proto = new TensorProto { Name = Unique(name) };
        foreach (var d in shape ?? t.Shape.ToArray()) proto.Dims.Add(d);
        switch (t.DType)
        {
            case DType.Float32:
                proto.DataType = (int)TensorProto.Types.DataType.Float;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(t.Contiguous().ToArray<float>().AsSpan()));
                break;
            case DType.Int64:
                proto.DataType = (int)TensorProto.Types.DataType.Int64;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(t.Contiguous().ToArray<long>().AsSpan()));
                break;
            default:
                throw new NotSupportedException($"ONNX export: tensors of dtype {t.DType} cannot be stored (float32 and int64 only).");
        }
        _initializers.Add(proto);
        return proto.Name;
    }

    /// <summary>An int64 constant (a shape, pads, axes), stored as an initializer named <c>onnx::{hint}_{n}</c>.</summary>
    public string Int64s(string hint, params long[] values)
    {
        var proto = new TensorProto { Name = Unique($"onnx::{hint}_{_constants++}"), DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _initializers.Add(proto);
        return proto.Name;
    }

    /// <summary>A float32 constant: a scalar (no dims) or a 1-d list.</summary>
    public string Floats(string hint, float[] values, bool scalar = false)
    {
        var proto = new TensorProto { Name = Unique($"onnx::{hint}_{_constants++}"), DataType = (int)TensorProto.Types.DataType.Float };
        if (!scalar) proto.Dims.Add(values.Length);
        else if (values.Length != 1) throw new ArgumentException("a scalar constant holds one value.");
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _initializers.Add(proto);
        return proto.Name;
    }

    /// <summary>A float32 scalar constant.</summary>
    public string Scalar(string hint, float value) => Floats(hint, new[] { value }, scalar: true);

    /// <summary>A tensor met during the trace that neither the input nor the model holds (e.g. <c>x + 1</c>'s scalar).</summary>
    public string Constant(Tensor t) => Initializer($"onnx::Constant_{_constants++}", t.DType == DType.Float32 || t.DType == DType.Int64 ? t : t.Float());

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    public static AttributeProto String(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };
    public static AttributeProto Ints(string name, IEnumerable<int> v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v.Select(x => (long)x));
        return a;
    }

    /// <summary>The graph: the nodes that <paramref name="output"/> depends on and the initializers they read (anything the
    /// trace recorded but the output does not need is dropped), with <paramref name="output"/> renamed to
    /// <paramref name="outputInfo"/>'s name.</summary>
    public GraphProto Build(string graphName, ValueInfoProto input, string output, ValueInfoProto outputInfo)
    {
        string outputName = outputInfo.Name;
        // Rename the output value everywhere; an output that is the input itself (or a weight) gets an Identity node.
        if (output == input.Name || _initializers.Any(i => i.Name == output))
        {
            _nodes.Add(new NodeProto { OpType = "Identity", Name = Unique("/Identity"), Input = { output }, Output = { outputName } });
        }
        else
        {
            foreach (var n in _nodes)
            {
                for (int i = 0; i < n.Input.Count; i++) if (n.Input[i] == output) n.Input[i] = outputName;
                for (int i = 0; i < n.Output.Count; i++) if (n.Output[i] == output) n.Output[i] = outputName;
            }
        }
        // Keep only what the output needs, in the original order.
        var needed = new HashSet<string>(StringComparer.Ordinal) { outputName };
        var keep = new bool[_nodes.Count];
        for (int i = _nodes.Count - 1; i >= 0; i--)
        {
            if (!_nodes[i].Output.Any(needed.Contains)) continue;
            keep[i] = true;
            foreach (var x in _nodes[i].Input) if (x.Length > 0) needed.Add(x);
        }
        var g = new GraphProto { Name = graphName };
        for (int i = 0; i < _nodes.Count; i++) if (keep[i]) g.Node.Add(_nodes[i]);
        g.Initializer.AddRange(_initializers.Where(t => needed.Contains(t.Name)));
        g.Input.Add(input);
        g.Output.Add(outputInfo);
        return g;
    }
}
