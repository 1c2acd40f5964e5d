using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Tests.NN.Fusion;

/// <summary>Conv→BatchNorm(→ReLU) folding for inference: the fused eval/no-grad forward agrees with the modules run one
/// by one, the chains come from the data flow, the module tree stays PyTorch's, and a fold never serves stale numbers.</summary>
[Collection("GlobalRng")]
public class FuseForInferenceTests
{
    /// <summary>A few train-mode batches so that the running statistics are not zeros and ones, and γ, β off 1 and 0.</summary>
    private static void Warm(Module model, int[] shape, int batches = 3)
    {
        foreach (var m in model.Modules())
            if (m is BatchNormBase { Affine: true } bn) { Init.Uniform_(bn.Weight!, 0.5, 1.5); Init.Uniform_(bn.Bias!, -0.5, 0.5); }
        model.Train();
        using (Lumen.Autograd.Autograd.NoGrad())
            for (int i = 0; i < batches; i++) model.Call(Torch.Randn(shape).Mul(2f).Add(Torch.Scalar(0.5f)));
        model.Eval();
    }

    private static Tensor EvalNoGrad(Module model, Tensor x)
    {
        using (Lumen.Autograd.Autograd.NoGrad()) return model.Call(x);
    }

    /// <summary>The unfused eval output, then the fused one, on the same input.</summary>
    private static (Tensor Unfused, Tensor Fused, IReadOnlyList<FusedChain> Chains) Compare(Module model, int[] shape)
    {
        var x = Torch.Randn(shape);
        var unfused = EvalNoGrad(model, x);
        var chains = model.FuseForInference(x);
        var fused = EvalNoGrad(model, x);
        return (unfused, fused, chains);
    }

    public static TheoryData<string> Layers => new()
    {
        "conv2d_bias", "conv2d_nobias_relu", "conv2d_grouped_relu", "conv2d_depthwise_stride2", "conv2d_reflect_dilated",
        "conv3d_bias_relu", "conv3d_nobias_grouped", "conv1d_relu_inplace", "bn_not_affine",
    };

    private static (Module Model, int[] Shape, bool Relu) Build(string name) => name switch
    {
        "conv2d_bias" => (new Sequential(new Conv2d(3, 8, 3, padding: 1), new BatchNorm2d(8)), new[] { 2, 3, 9, 9 }, false),
        "conv2d_nobias_relu" => (new Sequential(new Conv2d(3, 8, 3, bias: false), new BatchNorm2d(8), new ReLU()), new[] { 2, 3, 9, 9 }, true),
        "conv2d_grouped_relu" => (new Sequential(new Conv2d(8, 12, 3, padding: 1, groups: 4), new BatchNorm2d(12), new ReLU(inplace: true)), new[] { 2, 8, 7, 7 }, true),
        "conv2d_depthwise_stride2" => (new Sequential(new Conv2d(6, 6, 3, stride: 2, padding: 1, groups: 6, bias: false), new BatchNorm2d(6), new ReLU()), new[] { 2, 6, 11, 11 }, true),
        "conv2d_reflect_dilated" => (new Sequential(new Conv2d(3, 5, 3, padding: 2, dilation: 2, paddingMode: "reflect"), new BatchNorm2d(5, eps: 1e-3)), new[] { 1, 3, 8, 8 }, false),
        "conv3d_bias_relu" => (new Sequential(new Conv3d(2, 6, 3, padding: 1), new BatchNorm3d(6), new ReLU()), new[] { 2, 2, 5, 6, 6 }, true),
        "conv3d_nobias_grouped" => (new Sequential(new Conv3d(4, 8, (1, 3, 3), groups: 2, bias: false), new BatchNorm3d(8)), new[] { 2, 4, 3, 6, 6 }, false),
        "conv1d_relu_inplace" => (new Sequential(new Conv1d(4, 8, 5, padding: 2), new BatchNorm1d(8), new ReLU(inplace: true)), new[] { 3, 4, 20 }, true),
        "bn_not_affine" => (new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4, affine: false), new ReLU()), new[] { 2, 3, 6, 6 }, true),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Fused_conv_batchnorm_matches_the_modules_within_1e_5(string name)
    {
        Torch.ManualSeed(15);
        var (model, shape, relu) = Build(name);
        Warm(model, shape);
        var (unfused, fused, chains) = Compare(model, shape);
        var chain = Assert.Single(chains);
        Assert.Equal(("0", "1", relu ? "2" : null), (chain.Conv, chain.BatchNorm, chain.ReLU));
        TensorAssert.Close(unfused, fused, 1e-5, name);
        Assert.True(model.IsFusedForInference());
    }

    /// <summary>tests/Fixtures/gen_fuse.py: PyTorch 1.13's eval output of each block and the output after
    /// torch.fx.experimental.optimization.fuse (its float32 fold), for the state dict stored beside them.</summary>
    [Theory]
    [InlineData("conv2d_bn_relu")]
    [InlineData("conv2d_depthwise_nobias_bn")]
    [InlineData("conv3d_grouped_bn_relu")]
    public void Fused_block_matches_PyTorchs_eval_and_torch_fx_fuse_outputs(string name)
    {
        var c = Fixtures.Case("fuse", name);
        Module model = name switch
        {
            "conv2d_bn_relu" => new Sequential(new Conv2d(3, 8, 3, padding: 1), new BatchNorm2d(8), new ReLU()),
            "conv2d_depthwise_nobias_bn" => new Sequential(new Conv2d(6, 6, 3, stride: 2, padding: 1, groups: 6, bias: false), new BatchNorm2d(6, eps: 1e-3)),
            _ => new Sequential(new Conv3d(4, 8, 3, padding: 1, groups: 2), new BatchNorm3d(8), new ReLU(inplace: true)),
        };
        model.LoadStateDict(model.StateDict().Keys.Select(k => new KeyValuePair<string, Tensor>(k, c.Tensor("state." + k))).ToList());
        model.Eval();
        var x = c.Tensor("input");
        Assert.Single(model.FuseForInference(x));
        var fused = EvalNoGrad(model, x);
        TensorAssert.Close(c.Tensor("fx_fused"), fused, 1e-5, $"{name} vs torch.fx fuse");
        TensorAssert.Close(c.Tensor("unfused"), fused, 1e-5, $"{name} vs PyTorch eval");
    }

    [Fact]
    public void Folded_weights_are_the_float64_fold_rounded_once()
    {
        Torch.ManualSeed(3);
        var conv = new Conv2d(2, 3, 1);
        var bn = new BatchNorm2d(3, eps: 1e-3);
        var model = new Sequential(conv, bn);
        Warm(model, new[] { 4, 2, 3, 3 });
        model.FuseForInference(Torch.Randn(1, 2, 3, 3));
        var (w, b) = conv.Fold!.Folded();
        var (cw, cb, g, be, m, v) = (conv.Weight.ToArray(), conv.Bias!.ToArray(), bn.Weight!.ToArray(), bn.Bias!.ToArray(), bn.RunningMean!.ToArray(), bn.RunningVar!.ToArray());
        for (int o = 0; o < 3; o++)
        {
            double s = g[o] / Math.Sqrt(v[o] + 1e-3);
            for (int i = 0; i < 2; i++) Assert.Equal((float)(cw[o * 2 + i] * s), w.ToArray()[o * 2 + i]);
            Assert.Equal((float)((cb[o] - (double)m[o]) * s + be[o]), b.ToArray()[o]);
        }
    }

    [Fact]
    public void Printout_parameters_and_state_dict_stay_PyTorchs_after_fusing()
    {
        Torch.ManualSeed(5);
        var model = new Sequential(new Conv2d(3, 8, 3), new BatchNorm2d(8), new ReLU());
        Warm(model, new[] { 2, 3, 8, 8 });
        string repr = model.ToString();
        var before = model.StateDict().Select(kv => (kv.Key, kv.Value.ToDoubles())).ToList();
        int parameters = model.Parameters().Count();
        Assert.Single(model.FuseForInference(Torch.Randn(1, 3, 8, 8)));
        EvalNoGrad(model, Torch.Randn(2, 3, 8, 8));
        Assert.Equal(repr, model.ToString());
        Assert.Equal(parameters, model.Parameters().Count());
        var after = model.StateDict().Select(kv => (kv.Key, kv.Value.ToDoubles())).ToList();
        Assert.Equal(before.Select(e => e.Key), after.Select(e => e.Key));
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].Item2, after[i].Item2);
        Assert.Equal(3, model.Children().Count());
    }

    /// <summary>y = conv(x); return bn(y) + y: the conv output is read twice, so folding the BN into it would change y.</summary>
    private sealed class ConvOutputUsedTwice : Module
    {
        public readonly Conv2d Conv; public readonly BatchNorm2d Bn;
        public ConvOutputUsedTwice() { Conv = RegisterModule("conv", new Conv2d(3, 4, 3)); Bn = RegisterModule("bn", new BatchNorm2d(4)); }
        public override Tensor Forward(Tensor x) { var y = Conv.Call(x); return Bn.Call(y).Add(y); }
    }

    /// <summary>z = bn(conv(x)); return relu(z) + z: the BN is folded, the ReLU is not (z is read again).</summary>
    private sealed class BatchNormOutputUsedTwice : Module
    {
        public readonly Conv2d Conv; public readonly BatchNorm2d Bn; public readonly ReLU Relu;
        public BatchNormOutputUsedTwice()
        {
            Conv = RegisterModule("conv", new Conv2d(3, 4, 3)); Bn = RegisterModule("bn", new BatchNorm2d(4)); Relu = RegisterModule("relu", new ReLU());
        }
        public override Tensor Forward(Tensor x) { var z = Bn.Call(Conv.Call(x)); return Relu.Call(z).Add(z); }
    }

    /// <summary>y = conv(x); the sum of y (an op the tracer does not report) is added to bn(y): only the autograd graph
    /// sees that second read.</summary>
    private sealed class ConvOutputReadByUntracedOp : Module
    {
        public readonly Conv2d Conv; public readonly BatchNorm2d Bn;
        public ConvOutputReadByUntracedOp() { Conv = RegisterModule("conv", new Conv2d(3, 4, 3)); Bn = RegisterModule("bn", new BatchNorm2d(4)); }
        public override Tensor Forward(Tensor x) { var y = Conv.Call(x); return Bn.Call(y).Add(y.Sum()); }
    }

    [Fact]
    public void A_batchnorm_whose_input_is_also_used_elsewhere_is_not_folded()
    {
        Torch.ManualSeed(7);
        foreach (var model in new Module[] { new ConvOutputUsedTwice(), new ConvOutputReadByUntracedOp() })
        {
            Warm(model, new[] { 2, 3, 6, 6 });
            var (unfused, fused, chains) = Compare(model, new[] { 2, 3, 6, 6 });
            Assert.Empty(chains);
            Assert.False(model.IsFusedForInference());
            TensorAssert.Equal(unfused, fused, model.GetType().Name);
        }
    }

    [Fact]
    public void A_relu_is_not_fused_when_the_batchnorm_output_is_read_again()
    {
        Torch.ManualSeed(8);
        var model = new BatchNormOutputUsedTwice();
        Warm(model, new[] { 2, 3, 6, 6 });
        var (unfused, fused, chains) = Compare(model, new[] { 2, 3, 6, 6 });
        Assert.Equal(new FusedChain("conv", "bn", null), Assert.Single(chains));
        TensorAssert.Close(unfused, fused, 1e-5);
    }

    /// <summary>One conv+BN block called three times (NetResDeep's shared blocks): fused, every call the same chain.</summary>
    private sealed class SharedBlock : Module
    {
        public readonly Conv2d Conv; public readonly BatchNorm2d Bn; public readonly ReLU Relu;
        public SharedBlock()
        {
            Conv = RegisterModule("conv", new Conv2d(4, 4, 3, padding: 1)); Bn = RegisterModule("bn", new BatchNorm2d(4)); Relu = RegisterModule("relu", new ReLU());
        }
        public override Tensor Forward(Tensor x)
        {
            for (int i = 0; i < 3; i++) x = Relu.Call(Bn.Call(Conv.Call(x)));
            return x;
        }
    }

    /// <summary>One conv feeding two different BNs on two calls: no single fold fits both.</summary>
    private sealed class ConvSharedByTwoBatchNorms : Module
    {
        public readonly Conv2d Conv; public readonly BatchNorm2d Bn1, Bn2;
        public ConvSharedByTwoBatchNorms()
        {
            Conv = RegisterModule("conv", new Conv2d(4, 4, 3, padding: 1)); Bn1 = RegisterModule("bn1", new BatchNorm2d(4)); Bn2 = RegisterModule("bn2", new BatchNorm2d(4));
        }
        public override Tensor Forward(Tensor x) => Bn2.Call(Conv.Call(Bn1.Call(Conv.Call(x))));
    }

    [Fact]
    public void A_shared_block_is_fused_only_when_every_call_is_the_same_chain()
    {
        Torch.ManualSeed(9);
        var shared = new SharedBlock();
        Warm(shared, new[] { 2, 4, 6, 6 });
        var (u1, f1, c1) = Compare(shared, new[] { 2, 4, 6, 6 });
        Assert.Equal(new FusedChain("conv", "bn", "relu"), Assert.Single(c1));
        TensorAssert.Close(u1, f1, 1e-5);

        var twoBns = new ConvSharedByTwoBatchNorms();
        Warm(twoBns, new[] { 2, 4, 6, 6 });
        var (u2, f2, c2) = Compare(twoBns, new[] { 2, 4, 6, 6 });
        Assert.Empty(c2);
        TensorAssert.Equal(u2, f2);
    }

    private static (Sequential Model, Tensor X) FusedBlock(int seed)
    {
        Torch.ManualSeed(seed);
        var model = new Sequential(new Conv2d(3, 6, 3, padding: 1), new BatchNorm2d(6), new ReLU());
        Warm(model, new[] { 2, 3, 7, 7 });
        var x = Torch.Randn(2, 3, 7, 7);
        Assert.Single(model.FuseForInference(x));
        EvalNoGrad(model, x);   // builds the fold
        return (model, x);
    }

    /// <summary>The reference: the same modules with the fold dropped.</summary>
    private static Tensor Unfused(Module model, Tensor x)
    {
        var folds = model.Modules().OfType<ConvNd>().Select(c => (c, c.Fold)).ToList();
        foreach (var (c, _) in folds) c.Fold = null;
        try { return EvalNoGrad(model, x); }
        finally { foreach (var (c, f) in folds) c.Fold = f; }
    }

    [Fact]
    public void An_optimizer_step_after_fusing_refolds_instead_of_serving_stale_weights()
    {
        var (model, x) = FusedBlock(21);
        var before = EvalNoGrad(model, x);
        model.Train();
        var opt = new SGD(model.Parameters(), lr: 0.05);
        model.Call(Torch.Randn(2, 3, 7, 7)).Pow(2).Sum().Backward();   // the train forward also moves the running stats
        opt.Step();
        model.Eval();
        var fused = EvalNoGrad(model, x);
        TensorAssert.Close(Unfused(model, x), fused, 1e-5, "after SGD step");
        Assert.True(fused.Sub(before).Abs().Max().Item<float>() > 1e-2f, "the step changed the output");
    }

    [Fact]
    public void LoadStateDict_and_in_place_edits_after_fusing_refold()
    {
        var (model, x) = FusedBlock(22);
        var (other, _) = FusedBlock(23);
        model.LoadStateDict(other.StateDict());
        TensorAssert.Close(Unfused(other, x), EvalNoGrad(model, x), 1e-5, "after LoadStateDict");

        var bn = (BatchNorm2d)model[1];
        using (Lumen.Autograd.Autograd.NoGrad()) bn.RunningVar!.Mul_(4f);
        TensorAssert.Close(Unfused(model, x), EvalNoGrad(model, x), 1e-5, "after running_var.mul_(4)");
        using (Lumen.Autograd.Autograd.NoGrad()) ((Conv2d)model[0]).Weight.Add_(Torch.Scalar(0.25f));
        TensorAssert.Close(Unfused(model, x), EvalNoGrad(model, x), 1e-5, "after weight.add_(0.25)");
    }

    [Fact]
    public void Train_mode_grad_mode_and_inputs_requiring_grad_run_the_modules()
    {
        var (model, x) = FusedBlock(24);
        var reference = Unfused(model, x);

        var withGrad = model.Call(x);   // eval, grad mode on: the BN runs, the graph is recorded
        Assert.NotNull(withGrad.GradFn);
        TensorAssert.Equal(reference, withGrad.Detach());

        var xg = x.Clone(); xg.RequiresGrad = true;
        TensorAssert.Equal(reference, EvalNoGrad(model, xg));

        model.Train();
        Tensor train;
        using (Lumen.Autograd.Autograd.NoGrad()) train = model.Call(x);
        model.Eval();
        Assert.False(train.Sub(reference).Abs().Max().Item<float>() < 1e-3f, "train mode normalises by the batch, not by the fold");
        TensorAssert.Close(Unfused(model, x), EvalNoGrad(model, x), 1e-5, "after the train-mode forward moved the running stats");
    }

    [Fact]
    public void A_forward_hook_on_the_conv_sees_the_unfused_convolution()
    {
        var (model, x) = FusedBlock(25);
        var conv = (Conv2d)model[0];
        Tensor? seen = null;
        using var hook = conv.RegisterForwardHook((m, i, o) => { seen = o.Clone(); });
        var y = EvalNoGrad(model, x);
        Tensor plain;
        using (Lumen.Autograd.Autograd.NoGrad()) plain = F.Conv2d(x, conv.Weight, conv.Bias, padding: 1);
        TensorAssert.Equal(plain, seen!);
        TensorAssert.Close(Unfused(model, x), y, 1e-5);
    }

    [Fact]
    public void A_fold_built_inside_a_dispose_scope_outlives_it()
    {
        Torch.ManualSeed(27);
        var model = new Sequential(new Conv2d(3, 6, 3, padding: 1), new BatchNorm2d(6), new ReLU());
        Warm(model, new[] { 2, 3, 7, 7 });
        var x = Torch.Randn(2, 3, 7, 7);
        model.FuseForInference(x);
        float[] first;
        using (Torch.NewDisposeScope()) first = EvalNoGrad(model, x).ToArray();   // the fold is built here
        for (int i = 0; i < 2; i++)
            using (Torch.NewDisposeScope()) Assert.Equal(first, EvalNoGrad(model, x).ToArray());
        TensorAssert.Close(Unfused(model, x), Torch.FromArray(first, 2, 6, 7, 7), 1e-5);
    }

    [Fact]
    public void UnfuseForInference_drops_the_folds()
    {
        var (model, x) = FusedBlock(26);
        Assert.True(model.IsFusedForInference());
        model.UnfuseForInference();
        Assert.False(model.IsFusedForInference());
        TensorAssert.Equal(Unfused(model, x), EvalNoGrad(model, x));
    }

    [Fact]
    public void FuseForInference_under_no_grad_is_refused_with_the_model_named()
    {
        var model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2));
        using (Lumen.Autograd.Autograd.NoGrad())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => model.FuseForInference(Torch.Randn(1, 1, 5, 5)));
            Assert.Contains("Sequential", ex.Message);
        }
        var bad = Assert.Throws<ArgumentException>(() => model.FuseForInference(Torch.Zeros(new[] { 1, 1, 5, 5 }, DType.Int64)));
        Assert.Contains("float32", bad.Message);
    }
}
