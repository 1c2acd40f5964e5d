using Lumen.NN;
using Lumen.Onnx.Export;
using Lumen.Onnx.Protobuf;
using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>What cannot be exported is one <see cref="OnnxExportException"/> naming the module path and type (never a
/// file that computes something else), and the export's arguments are checked.</summary>
[Collection(ExportCollection.Name)]
public sealed class ExportErrorTests
{
    private sealed class Custom : Module
    {
        private readonly Func<Tensor, Tensor> _f;
        public readonly Conv2d Conv;
        public Custom(Func<Tensor, Tensor> f) { _f = f; Conv = RegisterModule("conv", new Conv2d(3, 4, 3, padding: 1)); }
        public override Tensor Forward(Tensor x) => _f(Conv.Call(x));
    }

    private static OnnxExportException Refused(Module model, params int[] shape) =>
        Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportToBytes(model, Torch.Randn(shape)));

    [Fact]
    public void A_layer_without_an_ONNX_form_is_named_by_path_and_type()
    {
        var e = Refused(new Sequential(new Conv2d(3, 4, 3), new Sequential(new ReLU(), new GroupNorm(2, 4))), 2, 3, 8, 8);
        Assert.Equal("1.1", e.ModulePath);
        Assert.Equal("GroupNorm", e.ModuleType);
        Assert.Contains("module '1.1' (GroupNorm)", e.Message);
    }

    [Fact]
    public void An_op_the_exporter_does_not_know_is_caught_where_its_result_is_used()
    {
        var e = Refused(new Sequential(new Custom(x => x.Exp()), new ReLU()), 2, 3, 8, 8);
        Assert.Equal("0", e.ModulePath);
        Assert.Equal("Custom", e.ModuleType);
        Assert.Equal("ExpBackward0", e.Op);
        Assert.Contains("grad_fn ExpBackward0", e.Message);
    }

    [Fact]
    public void An_untraced_in_place_change_is_caught_rather_than_exported_stale()
    {
        var e = Refused(new Custom(x => { x.Mul_(2f); return x.Relu(); }), 2, 3, 8, 8);
        Assert.Equal("", e.ModulePath);
        Assert.Contains("modified in place", e.Message);
        Assert.Contains("MulBackward0", e.Message);
    }

    [Fact]
    public void Configurations_whose_ONNX_meaning_differs_are_refused()
    {
        var adaptive = Refused(new Sequential(new Conv2d(3, 4, 3), new AdaptiveAvgPool2d((4, 4))), 2, 3, 9, 9);   // 7 → 4
        Assert.Equal("AdaptiveAvgPool2d", adaptive.ModuleType);
        Assert.Contains("ONNX has no adaptive pooling", adaptive.Message);
        // 5 + 2·1 padding, kernel 2, stride 2, ceil: PyTorch drops the 4th window (it starts in the padding), ONNX keeps it.
        var ceil = Refused(new Sequential(new MaxPool2d(2, stride: 2, padding: 1, ceilMode: true)), 2, 3, 5, 5);
        Assert.Contains("ceil_mode", ceil.Message);
        var dropout = Refused(new Custom(x => F.Dropout(x, 0.5, training: true)), 2, 3, 8, 8);
        Assert.Contains("training=true", dropout.Message);
        var stats = Refused(new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4, trackRunningStats: false)), 2, 3, 8, 8);
        Assert.Contains("track_running_stats=False", stats.Message);
    }

    [Fact]
    public void Export_arguments_are_checked_and_training_flags_restored()
    {
        var model = new Sequential(new Conv2d(3, 4, 3), new Dropout(), new Flatten(), new Linear(4 * 6 * 6, 2));
        model.Train();
        var x = Torch.Randn(2, 3, 8, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.ExportToBytes(model, x, opsetVersion: 18));
        Assert.Throws<ArgumentException>(() => OnnxExporter.ExportToBytes(model, x,
            dynamicAxes: new Dictionary<string, IReadOnlyDictionary<int, string>> { ["input"] = new Dictionary<int, string> { [2] = "height" } }));
        using (Torch.NoGrad()) Assert.Throws<InvalidOperationException>(() => OnnxExporter.ExportToBytes(model, x));

        var proto = OnnxExporter.ToModelProto(model, x, inputNames: new[] { "images" }, outputNames: new[] { "logits" }, opsetVersion: 13,
            dynamicAxes: new Dictionary<string, IReadOnlyDictionary<int, string>>());
        Assert.True(model.Modules().All(m => m.Training), "the model must be back in training mode");
        Assert.Equal(13, proto.OpsetImport.Single().Version);
        Assert.Equal("images", proto.Graph.Input.Single().Name);
        Assert.Equal("logits", proto.Graph.Output.Single().Name);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, proto.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue));   // static: no dim_param
        Assert.Equal(new[] { "0.weight", "0.bias", "3.weight", "3.bias" }, proto.Graph.Initializer.Select(i => i.Name));
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "Dropout");

        var dynamic = OnnxExporter.ToModelProto(model, x);
        Assert.Equal("batch", dynamic.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("batch", dynamic.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(OnnxExporter.ToModelProto(model, x), dynamic);   // the same model and input give the same message
    }
}
