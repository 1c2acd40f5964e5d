using Google.Protobuf;
using Lumen.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>The generated protobuf classes write what ONNX Runtime reads: the foundation import and export stand on.</summary>
public sealed class ProtobufTests
{
    [Fact]
    public void A_model_written_with_the_generated_classes_runs_in_OnnxRuntime()
    {
        var graph = new GraphProto { Name = "relu" };
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "r", Input = { "x" }, Output = { "y" } });
        graph.Input.Add(FloatValue("x", 2, 3));
        graph.Output.Add(FloatValue("y", 2, 3));
        var model = new ModelProto { IrVersion = 8, ProducerName = "Lumen.Onnx.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });

        using var session = new InferenceSession(model.ToByteArray());
        var x = new DenseTensor<float>(new float[] { -1, 2, -3, 4, -5, 6 }, new[] { 2, 3 });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("x", x) });
        Assert.Equal(new float[] { 0, 2, 0, 4, 0, 6 }, results.Single().AsEnumerable<float>().ToArray());

        // And the bytes parse back into an equal message.
        Assert.Equal(model, ModelProto.Parser.ParseFrom(model.ToByteArray()));
    }

    private static ValueInfoProto FloatValue(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
