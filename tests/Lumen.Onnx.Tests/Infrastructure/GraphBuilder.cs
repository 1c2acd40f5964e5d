using Google.Protobuf;
using Lumen.Onnx.Protobuf;
using DataType = Lumen.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Lumen.Onnx.Tests;

/// <summary>Builds small ONNX models with the generated protobuf classes, as onnx.helper does in Python.</summary>
public sealed class GraphBuilder(long opset)
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private int _nodes;

    public long Opset { get; } = opset;

    public GraphBuilder Input(string name, params long[] dims) { _graph.Input.Add(Value(name, dims)); return this; }

    public GraphBuilder Output(string name) { _graph.Output.Add(new ValueInfoProto { Name = name, Type = FloatType(null) }); return this; }

    public GraphBuilder Init(string name, float[] data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float };
        t.Dims.Add(dims);
        t.FloatData.Add(data);
        _graph.Initializer.Add(t);
        return this;
    }

    public GraphBuilder InitLong(string name, long[] data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        t.Dims.Add(dims);
        t.Int64Data.Add(data);
        _graph.Initializer.Add(t);
        return this;
    }

    /// <summary>Adds a node; attributes are (name, value) with value an int, long, float, string, int[]/long[] or float[].</summary>
    public GraphBuilder Node(string op, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}{_nodes++}" };
        n.Input.Add(inputs);
        n.Output.Add(outputs);
        foreach (var (name, value) in attributes) n.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(n);
        return this;
    }

    public ModelProto Model()
    {
        var m = new ModelProto { IrVersion = Opset >= 15 ? 8 : Opset >= 9 ? 4 : 3, ProducerName = "Lumen.Onnx.Tests", Graph = _graph.Clone() };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return m;
    }

    public byte[] Bytes() => Model().ToByteArray();

    public static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case int[] ii: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.Add(ii.Select(v => (long)v)); break;
            case long[] ll: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.Add(ll); break;
            case float[] ff: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.Add(ff); break;
            case TensorProto t: a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = t; break;
            default: throw new ArgumentException($"attribute {name}: unsupported value {value}");
        }
        return a;
    }

    private static ValueInfoProto Value(string name, long[] dims) => new() { Name = name, Type = FloatType(dims) };

    private static TypeProto FloatType(long[]? dims)
    {
        var t = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float };
        if (dims != null)
        {
            t.Shape = new TensorShapeProto();
            foreach (var d in dims)
                t.Shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new TypeProto { TensorType = t };
    }
}
