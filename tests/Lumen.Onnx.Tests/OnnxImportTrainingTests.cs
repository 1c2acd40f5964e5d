using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>An imported graph is a module like any other: its weights are Parameters that receive gradients and train,
/// BatchNorm's statistics are buffers that move in training mode only, dotted initializer names keep PyTorch's keys,
/// and the state dict round-trips.</summary>
public sealed class OnnxImportTrainingTests
{
    /// <summary>conv → BN → Relu → GlobalAveragePool → Flatten → Gemm, named as torch.onnx.export names them.</summary>
    private static OnnxModel SmallNet()
    {
        var r = new Random(5);
        float[] R(int n, float scale = 0.5f, float shift = 0f) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale + shift).ToArray();
        var g = new GraphBuilder(13).Input("input", -1, 3, 8, 8)
            .Init("features.0.weight", R(4 * 3 * 9), 4, 3, 3, 3).Init("features.0.bias", R(4), 4)
            .Init("features.1.weight", R(4, 0.1f, 1f), 4).Init("features.1.bias", R(4, 0.1f), 4)
            .Init("features.1.running_mean", R(4, 0.1f), 4).Init("features.1.running_var", R(4, 0.1f, 1f), 4)
            .Init("fc.weight", R(2 * 4), 2, 4).Init("fc.bias", R(2), 2)
            .Node("Conv", new[] { "input", "features.0.weight", "features.0.bias" }, new[] { "c" }, ("pads", new[] { 1, 1, 1, 1 }))
            .Node("BatchNormalization", new[] { "c", "features.1.weight", "features.1.bias", "features.1.running_mean", "features.1.running_var" }, new[] { "b" })
            .Node("Relu", new[] { "b" }, new[] { "r" })
            .Node("GlobalAveragePool", new[] { "r" }, new[] { "p" })
            .Node("Flatten", new[] { "p" }, new[] { "f" })
            .Node("Gemm", new[] { "f", "fc.weight", "fc.bias" }, new[] { "logits" }, ("transB", 1))
            .Output("logits");
        return OnnxModel.FromBytes(g.Bytes(), "small.onnx");
    }

    [Fact]
    public void Dotted_initializer_names_become_PyTorch_state_dict_keys()
    {
        var model = SmallNet();
        Assert.Equal(new[] { "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "fc.weight", "fc.bias" },
                     model.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "features.1.running_mean", "features.1.running_var" }, model.NamedBuffers().Select(b => b.Name));
        Assert.Equal("fc.weight", model.InitializerKeys["fc.weight"]);
    }

    [Fact]
    public void Imported_weights_receive_gradients_and_SGD_lowers_the_loss()
    {
        Torch.ManualSeed(0);
        var model = SmallNet();
        // Class 1 images are brighter: a task the small net can learn in a few steps.
        var labels = new long[] { 0, 1, 0, 1, 1, 0, 1, 0 };
        var y = Torch.Tensor(labels);
        var x = Torch.Randn(8, 3, 8, 8).Add(Torch.Tensor(labels.Select(l => l * 2f - 1f).ToArray(), 8, 1, 1, 1));
        var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var criterion = new CrossEntropyLoss();
        model.Train();
        double first = 0, last = 0;
        for (int step = 0; step < 20; step++)
        {
            opt.ZeroGrad();
            var loss = criterion.Call(model.Call(x), y);
            loss.Backward();
            if (step == 0)
            {
                first = loss.Item();
                foreach (var (name, p) in model.NamedParameters())
                    Assert.True(p.Grad != null && p.Grad.Abs().Sum().Item() > 0, $"{name} got no gradient");
            }
            last = loss.Item();
            opt.Step();
        }
        Assert.True(last < 0.5 * first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void BatchNorm_statistics_move_in_training_mode_only_with_PyTorch_momentum_from_ONNX_momentum()
    {
        var model = SmallNet();
        var mean = model.NamedBuffers().Single(b => b.Name == "features.1.running_mean").Buffer;
        var before = mean.ToArray();
        var x = Torch.Randn(4, 3, 8, 8);
        using (Torch.NoGrad())
        {
            model.Eval().Call(x);
            Assert.Equal(before, mean.ToArray());
            model.Train().Call(x);
        }
        // ONNX momentum 0.9 (the default) weighs the old value: new = 0.9·old + 0.1·batch mean of the conv's output.
        var conv = F.Conv2d(x, model.NamedParameters().First().Parameter, model.NamedParameters().ElementAt(1).Parameter, padding: 1);
        var batchMean = conv.Mean(new[] { 0, 2, 3 }).ToArray();
        var after = mean.ToArray();
        for (int c = 0; c < 4; c++) Assert.Equal(0.9f * before[c] + 0.1f * batchMean[c], after[c], 1e-5f);
    }

    [Fact]
    public void Dropout_drops_in_training_mode_only()
    {
        var g = new GraphBuilder(7).Input("x", -1, 100).Node("Dropout", new[] { "x" }, new[] { "y" }, ("ratio", 0.5f)).Output("y");
        var model = OnnxModel.FromBytes(g.Bytes());
        var x = Torch.Ones(2, 100);
        Assert.Equal(x.ToArray(), model.Eval().Call(x).ToArray());
        var trained = model.Train().Call(x).ToArray();
        Assert.Contains(0f, trained);
        Assert.Contains(2f, trained);
    }

    [Fact]
    public void State_dict_round_trips_into_a_fresh_import()
    {
        var a = SmallNet();
        foreach (var p in a.Parameters()) p.Data.Mul_(2f);
        var b = SmallNet();
        b.LoadStateDict(a.StateDict());
        var x = Torch.Randn(2, 3, 8, 8);
        Assert.Equal(a.Eval().Call(x).ToArray(), b.Eval().Call(x).ToArray());
    }

    [Fact]
    public void Gradients_through_asymmetric_padding_paths_pass_a_finite_difference_check()
    {
        // Conv with asymmetric pads (F.Pad before conv), the asymmetric average pool that divides by a pooled mask,
        // and ConvTranspose's crop: the compositions the importer adds on top of Lumen's checked ops.
        var g = new GraphBuilder(11).Input("x", 1, 2, 5, 5).Input("w", 3, 2, 3, 3).Input("wt", 3, 2, 3, 3)
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, ("pads", new[] { 2, 1, 0, 1 }), ("strides", new[] { 2, 1 }))
            .Node("AveragePool", new[] { "c" }, new[] { "p" }, ("kernel_shape", new[] { 2, 2 }), ("pads", new[] { 1, 0, 0, 1 }))
            .Node("ConvTranspose", new[] { "p", "wt" }, new[] { "y" }, ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 0, 0, 1 }))
            .Output("y");
        var model = OnnxModel.FromBytes(g.Bytes());
        Torch.ManualSeed(3);
        Lumen.Autograd.GradCheck.Assert(t => model.Run(t)[0].Sum(), Torch.Randn(1, 2, 5, 5).RequiresGrad_(), Torch.Randn(3, 2, 3, 3).RequiresGrad_(), Torch.Randn(3, 2, 3, 3).RequiresGrad_());
    }
}
