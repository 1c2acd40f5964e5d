using Lumen.Onnx.Protobuf;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lumen.Onnx.Tests;

/// <summary>Runs a model in ONNX Runtime (the reference) on float inputs.</summary>
public static class Ort
{
    public static float[][] Run(byte[] model, params (string Name, float[] Data, int[] Shape)[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model, options);
        return Run(session, inputs);
    }

    public static float[][] Run(InferenceSession session, params (string Name, float[] Data, int[] Shape)[] inputs)
    {
        var feeds = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Data, i.Shape))).ToList();
        using var results = session.Run(feeds);
        return results.Select(r => r.AsEnumerable<float>().ToArray()).ToArray();
    }

    public static float[][] Run(ModelProto model, params (string Name, float[] Data, int[] Shape)[] inputs) => Run(model.ToByteArray(), inputs);
}
