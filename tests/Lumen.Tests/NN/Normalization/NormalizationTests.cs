using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

[Collection("GlobalRng")]   // draws its gradient-check inputs from the seeded global generator
public class NormalizationTests
{
    private static BatchNormBase MakeBn(string name) => name switch
    {
        "bn2d" => new BatchNorm2d(3),
        "bn2d_cma" => new BatchNorm2d(3, momentum: null),
        "bn2d_noaffine" => new BatchNorm2d(3, affine: false),
        "bn2d_notrack" => new BatchNorm2d(3, trackRunningStats: false),
        "bn1d_2d" => new BatchNorm1d(5),
        "bn1d_3d" => new BatchNorm1d(4, momentum: 0.3, eps: 1e-3),
        "bn3d" => new BatchNorm3d(2),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("bn2d")]
    [InlineData("bn2d_cma")]
    [InlineData("bn2d_noaffine")]
    [InlineData("bn2d_notrack")]
    [InlineData("bn1d_2d")]
    [InlineData("bn1d_3d")]
    [InlineData("bn3d")]
    public void BatchNorm_three_training_steps_then_eval_match_PyTorch(string name)
    {
        var c = LayerCase.Get(name);
        var m = MakeBn(name);
        if (m.Affine)
            using (Lumen.Autograd.Autograd.NoGrad())
            {
                m.Weight!.Copy_(c.Tensor("weight"));
                m.Bias!.Copy_(c.Tensor("bias"));
            }
        m.Train();
        Tensor y = null!, x = null!;
        for (int s = 0; s < 3; s++)
        {
            x = c.Tensor($"x{s}").RequiresGrad_();
            y = m.Call(x);
        }
        TensorAssert.Close(c.Tensor("y"), y, 1e-5, "train y");
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("dx"), x.Grad!, 1e-5, "train dx");
        if (m.Affine)
        {
            TensorAssert.Close(c.Tensor("dweight"), m.Weight!.Grad!, 1e-5, "dweight");
            TensorAssert.Close(c.Tensor("dbias"), m.Bias!.Grad!, 1e-5, "dbias");
            m.Weight!.Grad = null; m.Bias!.Grad = null;
        }
        if (m.TrackRunningStats)
        {
            TensorAssert.Close(c.Tensor("running_mean"), m.RunningMean!, 1e-5, "running_mean");
            TensorAssert.Close(c.Tensor("running_var"), m.RunningVar!, 1e-5, "running_var");
            Assert.Equal(c.Int("num_batches_tracked"), m.NumBatchesTracked!.Item<long>());
            Assert.Equal(DType.Int64, m.NumBatchesTracked!.DType);
        }
        m.Eval();
        var xe = c.Tensor("xe").RequiresGrad_();
        var ye = m.Call(xe);
        TensorAssert.Close(c.Tensor("ye"), ye, 1e-5, "eval y");
        ye.Backward(c.Tensor("ge"));
        TensorAssert.Close(c.Tensor("dxe"), xe.Grad!, 1e-5, "eval dx");
    }

    [Fact]
    public void BatchNorm_registers_parameters_and_buffers_in_PyTorchs_order()
    {
        var m = new BatchNorm2d(4);
        Assert.Equal(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }, m.StateDict().Keys);
        Assert.Equal(new[] { "weight", "bias" }, new BatchNorm1d(3).NamedParameters().Select(p => p.Name));
        Assert.Empty(new BatchNorm2d(3, affine: false, trackRunningStats: false).StateDict());
    }

    [Fact]
    public void BatchNorm_rank_and_channel_errors_name_the_module_and_the_shape()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new BatchNorm2d(16).Call(Torch.Zeros(8, 3, 4, 4)));
        Assert.Equal("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True) got input [8, 3, 4, 4]: " +
                     "expected 4-D input (N, C, H, W) with C = 16", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => new BatchNorm1d(3).Call(Torch.Zeros(2, 3, 4, 4)));
        Assert.Throws<ShapeMismatchException>(() => new BatchNorm3d(3).Call(Torch.Zeros(2, 3, 4, 4)));
    }

    [Fact]
    public void BatchNorm_training_with_one_value_per_channel_is_an_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Call(Torch.Zeros(1, 3)));
        Assert.Contains("more than 1 value per channel", ex.Message);
    }

    [Fact]
    public void BatchNorm_gradcheck_in_training_and_eval_mode()
    {
        Torch.ManualSeed(3);
        var x = Torch.Randn(3, 2, 4);
        var w = Torch.Tensor(new[] { 0.7f, 1.3f });
        var b = Torch.Tensor(new[] { 0.1f, -0.2f });
        GradCheck.Assert(a => F.BatchNorm(a[0], null, null, a[1], a[2], training: true), x, w, b);
        var rm = Torch.Tensor(new[] { 0.2f, -0.1f });
        var rv = Torch.Tensor(new[] { 1.5f, 0.8f });
        GradCheck.Assert(a => F.BatchNorm(a[0], rm, rv, a[1], a[2], training: false), x, w, b);
    }

    [Theory]
    [InlineData("gn")]
    [InlineData("gn_3d_input")]
    [InlineData("gn_noaffine")]
    [InlineData("ln_last")]
    [InlineData("ln_two_dims")]
    [InlineData("ln_noaffine")]
    [InlineData("in2d_affine")]
    public void Group_layer_and_instance_norm_match_PyTorch(string name)
    {
        Module m = name switch
        {
            "gn" => new GroupNorm(2, 6),
            "gn_3d_input" => new GroupNorm(3, 3),
            "gn_noaffine" => new GroupNorm(1, 4, affine: false),
            "ln_last" => new LayerNorm(6),
            "ln_two_dims" => new LayerNorm(new[] { 3, 4 }),
            "ln_noaffine" => new LayerNorm(5, eps: 1e-3, elementwiseAffine: false),
            _ => new InstanceNorm2d(3, affine: true),
        };
        LayerCase.Check(m, name);
    }

    [Fact]
    public void InstanceNorm_with_running_stats_updates_them_as_PyTorch()
    {
        var m = new InstanceNorm1d(3, trackRunningStats: true);
        LayerCase.Check(m, "in1d_track");
        var c = LayerCase.Get("in1d_track");
        TensorAssert.Close(c.Tensor("running_mean"), m.RunningMean!);
        TensorAssert.Close(c.Tensor("running_var"), m.RunningVar!);
    }

    [Fact]
    public void GroupNorm_and_LayerNorm_gradcheck()
    {
        Torch.ManualSeed(4);
        GradCheck.Assert(a => F.GroupNorm(a[0], 2, a[1], a[2]), Torch.Randn(2, 4, 3), Torch.Randn(4), Torch.Randn(4));
        GradCheck.Assert(a => F.LayerNorm(a[0], new[] { 2, 3 }, a[1], a[2]), Torch.Randn(3, 2, 3), Torch.Randn(2, 3), Torch.Randn(2, 3));
        GradCheck.Assert(a => F.LayerNorm(a[0], new[] { 5 }), Torch.Randn(4, 5));
    }

    [Fact]
    public void Norm_grad_fn_names_follow_PyTorch()
    {
        var x = Torch.Randn(2, 4, 3).RequiresGrad_();
        Assert.Equal("NativeBatchNormBackward0", new BatchNorm1d(4).Call(x).GradFn!.Name);
        Assert.Equal("NativeGroupNormBackward0", new GroupNorm(2, 4).Call(x).GradFn!.Name);
        Assert.Equal("NativeLayerNormBackward0", new LayerNorm(3).Call(x).GradFn!.Name);
    }

    [Fact]
    public void LayerNorm_and_GroupNorm_shape_errors_name_the_module()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new LayerNorm(10).Call(Torch.Zeros(2, 5)));
        Assert.StartsWith("LayerNorm((10,), eps=1e-05, elementwise_affine=True) got input [2, 5]", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => new GroupNorm(2, 6).Call(Torch.Zeros(2, 4, 3)));
        Assert.Throws<ArgumentException>(() => new GroupNorm(4, 6));
    }

    [Fact]
    public void BatchNorm_kernels_agree_with_a_naive_double_reference_on_a_larger_input()
    {
        // Naive twin: per-channel mean/var in double, y = (x − m)/√(v + eps)·w + b.
        var x = Torch.Randn(8, 5, 7, 9).Mul(3f).Add(1f);
        var w = Torch.Randn(5); var b = Torch.Randn(5);
        var y = F.BatchNorm(x, null, null, w, b, training: true);
        var xv = x.ToArray(); var yv = y.ToArray(); var wv = w.ToArray(); var bv = b.ToArray();
        int n = 8, c = 5, s = 63;
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < s; k++) sum += xv[(i * c + ch) * s + k];
            double m = sum / (n * s);
            for (int i = 0; i < n; i++) for (int k = 0; k < s; k++) { double d = xv[(i * c + ch) * s + k] - m; sq += d * d; }
            double istd = 1 / Math.Sqrt(sq / (n * s) + 1e-5);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < s; k++)
                {
                    int idx = (i * c + ch) * s + k;
                    double e = (xv[idx] - m) * istd * wv[ch] + bv[ch];
                    Assert.True(Math.Abs(e - yv[idx]) <= 1e-5 * Math.Max(1, Math.Abs(e)), $"element {idx}: {yv[idx]} vs {e}");
                }
        }
    }

    [Fact]
    public void LayerNorm_kernel_agrees_with_composed_ops_on_rows_wider_than_one_column_block()
    {
        // Naive twin from differentiable tensor ops; 150 columns cross the kernel's 64-column blocks with a ragged tail.
        var x0 = Torch.Randn(7, 150).Mul(2f).Add(0.5f);
        var w0 = Torch.Randn(150); var b0 = Torch.Randn(150); var g = Torch.Randn(7, 150);
        Tensor[] Run(bool naive)
        {
            var x = x0.Clone().RequiresGrad_(); var w = w0.Clone().RequiresGrad_(); var b = b0.Clone().RequiresGrad_();
            var y = naive
                ? x.Sub(x.Mean(-1, keepDim: true)).Div(x.Var(-1, unbiased: false, keepDim: true).Add(1e-5f).Sqrt()).Mul(w).Add(b)
                : F.LayerNorm(x, new[] { 150 }, w, b);
            y.Backward(g);
            return new[] { y.Detach(), x.Grad!, w.Grad!, b.Grad! };
        }
        var (fast, reference) = (Run(false), Run(true));
        for (int i = 0; i < 4; i++) TensorAssert.Close(reference[i], fast[i], 1e-4, new[] { "y", "dx", "dw", "db" }[i]);
    }

    [Theory]
    [InlineData("bn1d")] [InlineData("bn2d")] [InlineData("bn2d_cma")] [InlineData("bn2d_custom")] [InlineData("bn3d")]
    [InlineData("gn")] [InlineData("gn_noaffine")] [InlineData("ln")] [InlineData("ln_two")] [InlineData("in2d")] [InlineData("in1d_affine")]
    public void Repr_matches_PyTorch(string key)
    {
        Module m = key switch
        {
            "bn1d" => new BatchNorm1d(16), "bn2d" => new BatchNorm2d(16), "bn2d_cma" => new BatchNorm2d(16, momentum: null),
            "bn2d_custom" => new BatchNorm2d(3, eps: 1e-3, momentum: 0.01), "bn3d" => new BatchNorm3d(4, affine: false, trackRunningStats: false),
            "gn" => new GroupNorm(2, 6), "gn_noaffine" => new GroupNorm(1, 4, eps: 1e-6, affine: false), "ln" => new LayerNorm(10),
            "ln_two" => new LayerNorm(new[] { 3, 4 }, elementwiseAffine: false), "in2d" => new InstanceNorm2d(3),
            _ => new InstanceNorm1d(5, affine: true),
        };
        Assert.Equal(LayerCase.Repr(key), m.ToString());
    }
}
