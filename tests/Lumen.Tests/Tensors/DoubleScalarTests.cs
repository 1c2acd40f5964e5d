using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>
/// C#'s literals are double, as Python's are: every place a scalar goes takes one (this file would not compile
/// otherwise), and rounds it to float32 exactly where PyTorch does, so the results match PyTorch 1.13 bit for bit
/// (tests/Fixtures/data/double_scalars.json, gen_double_scalars.py) and equal the float-literal spellings.
/// </summary>
public class DoubleScalarTests
{
    private static Tensor In(string name) => Fixtures.Case("double_scalars", name).Tensor("v");

    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor, Tensor>> Ops = new()
    {
        ["mul_0_1"] = (x, y, p) => x * 0.1,
        ["rmul_0_001"] = (x, y, p) => 0.001 * x,
        ["add_0_3"] = (x, y, p) => x + 0.3,
        ["sub_0_7"] = (x, y, p) => x - 0.7,
        ["rsub_0_7"] = (x, y, p) => 0.7 - x,
        ["div_3"] = (x, y, p) => x / 3.0,
        ["div_0_3"] = (x, y, p) => x / 0.3,
        ["rdiv_1_9"] = (x, y, p) => (1.0 / 9.0) / p,
        ["pow_2_3"] = (x, y, p) => p.Pow(2.0 / 3),
        ["pow_0_1"] = (x, y, p) => Torch.Pow(p, 0.1),
        ["clamp_0_1_0_7"] = (x, y, p) => x.Clamp(0.1, 0.7),
        ["fill_1_9"] = (x, y, p) => Torch.Empty(new[] { 4 }, DType.Float32).Fill_(1.0 / 9.0),
        ["add_alpha_0_3"] = (x, y, p) => x.Add(y, alpha: 0.3),
        ["sub_alpha_0_3"] = (x, y, p) => x.Sub(y, alpha: 0.3),
        ["leaky_relu_0_001"] = (x, y, p) => new LeakyReLU(0.001).Call(x),
        ["elu_0_3"] = (x, y, p) => new ELU(alpha: 0.3).Call(x),
        ["celu_0_3"] = (x, y, p) => F.Celu(x, alpha: 0.3),
        ["hardtanh_0_3_0_7"] = (x, y, p) => new Lumen.NN.Hardtanh(-0.3, 0.7).Call(x),
        ["softplus_0_3_7_7"] = (x, y, p) => new Lumen.NN.Softplus(beta: 0.3, threshold: 0.7).Call(x),
        ["gt_0_1"] = (x, y, p) => x > 0.1,
        ["eq_0_1"] = (x, y, p) => Torch.Tensor(new[] { 0.1f, 0.2f, 0.3f }).Eq(0.1),
        ["masked_fill_0_1"] = (x, y, p) => x.MaskedFill(x > 0.0, 0.1),
        ["where_0_1"] = (x, y, p) => x.Where(x > 0.0, 0.1),
        ["full_0_1"] = (x, y, p) => Torch.Full(new[] { 3 }, 0.1),
        ["arange_0_1_0_1"] = (x, y, p) => Torch.Arange(0, 1, 0.1),
        ["arange_m1_1_05_0_35"] = (x, y, p) => Torch.Arange(-1, 1.05, 0.35),
        ["linspace_0_1_0_7_7"] = (x, y, p) => Torch.Linspace(0.1, 0.7, 7),
        ["constant_0_1"] = (x, y, p) => Init.Constant_(Torch.Empty(new[] { 2, 2 }, DType.Float32), 0.1),
        ["pad_0_1"] = (x, y, p) => F.Pad(x, new[] { 1, 1 }, value: 0.1),
        ["smooth_l1_beta_0_3"] = (x, y, p) => new SmoothL1Loss(beta: 0.3).Call(x, y),
        ["huber_delta_0_3"] = (x, y, p) => F.HuberLoss(x, y, delta: 0.3),
    };

    // Ops whose float math (exp, log1p, pow, a mean) may round one ulp away from PyTorch's own kernels: these are
    // compared to 3e-7 relative (a couple of ulps); a scalar kept in double instead of rounded to float (or the reverse)
    // moves them by ~0.5 ulp at every element and still shows in the arithmetic cases, which are exact.
    private static readonly HashSet<string> TranscendentalCases =
        new() { "elu_0_3", "celu_0_3", "pow_2_3", "pow_0_1", "softplus_0_3_7_7", "smooth_l1_beta_0_3", "huber_delta_0_3" };

    public static IEnumerable<object[]> CaseNames() => Ops.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Double_scalar_gives_PyTorchs_result_bit_for_bit(string name)
    {
        var expected = Fixtures.Case("double_scalars", name).Tensor("out");
        var actual = Ops[name](In("x"), In("y"), In("pos"));
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (TranscendentalCases.Contains(name)) { TensorAssert.Close(expected, actual, 3e-7, name); return; }
        var e = expected.ToDoubles(); var a = actual.ToDoubles();
        for (int i = 0; i < e.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]), $"{name}[{i}]: {a[i]:R}, PyTorch {e[i]:R}");
    }

    [Fact]
    public void Double_literals_equal_the_float_spellings_everywhere_a_scalar_goes()
    {
        var x = Torch.Randn(4, 5);
        var y = Torch.Randn(4, 5);
        Same(x * 0.5f, x * 0.5); Same(0.001f * x, 0.001 * x); Same(x + 0.25f, x + 0.25); Same(x - 0.1f, x - 0.1);
        Same(2.5f - x, 2.5 - x); Same(x / 9f, x / 9.0); Same(1f / (x + 5), 1.0 / (x + 5));
        Same(x.Pow(2f), x.Pow(2.0)); Same(x.Clamp(0f, 1f), x.Clamp(0.0, 1.0)); Same(x.Clip(max: 0.5f), x.Clip(max: 0.5));
        Same(x.Add(y, alpha: 0.5f), x.Add(y, alpha: 0.5)); Same(x.Clone().Mul_(0.1f), x.Clone().Mul_(0.1));
        Same(x.Clone().Add_(y, alpha: 0.1f), x.Clone().Add_(y, alpha: 0.1)); Same(x.Clone().Div_(3f), x.Clone().Div_(3.0));
        Same(x < 0.2f, x < 0.2); Same(x >= 0.2f, x >= 0.2); Same(x.Ge(0.1f), x.Ge(0.1));
        Same(x.LeakyRelu(0.2f), x.LeakyRelu(0.2)); Same(x.Elu(0.5f), x.Elu(0.5)); Same(x.Hardtanh(-0.5f, 0.5f), x.Hardtanh(-0.5, 0.5));
        Same(F.LeakyRelu(x, 0.1f), F.LeakyRelu(x, 0.1)); Same(x.Softplus(2f, 10f), x.Softplus(2.0, 10.0));
        Same(x.Norm(1f), x.Norm(1.0)); Same(Torch.FullLike(x, 0.3f), Torch.FullLike(x, 0.3));

        // modules, losses and init functions
        Same(new LeakyReLU(0.001f).Call(x), new LeakyReLU(0.001).Call(x));
        Same(new CELU(0.3f).Call(x), new CELU(0.3).Call(x));
        Same(new CrossEntropyLoss(labelSmoothing: 0.1f).Call(x, Torch.Tensor(new long[] { 0, 1, 2, 3 })),
             new CrossEntropyLoss(labelSmoothing: 0.1).Call(x, Torch.Tensor(new long[] { 0, 1, 2, 3 })));
        Same(new HuberLoss(delta: 0.5f).Call(x, y), new HuberLoss(delta: 0.5).Call(x, y));
        Same(new ConstantPad2d(1, 0.5f).Call(x.Reshape(1, 1, 4, 5)), new ConstantPad2d(1, 0.5).Call(x.Reshape(1, 1, 4, 5)));
        Same(Init.Constant_(Torch.Empty(new[] { 3 }, DType.Float32), 0.5f), Init.Constant_(Torch.Empty(new[] { 3 }, DType.Float32), 0.5));
        Assert.Equal(0.5, new Dropout(0.5).P);
        var bn = new BatchNorm2d(3, eps: 1e-3, momentum: 0.01);
        Assert.Equal(0.01, bn.Momentum);

        // optimizer and scheduler hyperparameters
        var a = Train(p => new SGD(p, lr: 0.1, momentum: 0.9, weightDecay: 5e-4), o => new StepLR(o, stepSize: 1, gamma: 0.5));
        var b = Train(p => new SGD(p, lr: 0.1f, momentum: 0.9f, weightDecay: 5e-4f), o => new StepLR(o, stepSize: 1, gamma: 0.5f));
        Same(a, b);
        var c = Train(p => new Adam(p, lr: 1e-3, betas: (0.9, 0.999), eps: 1e-8, weightDecay: 0.01), o => new ExponentialLR(o, gamma: 0.9));
        Assert.Equal(new[] { 2, 3 }, c.Shape.ToArray());
    }

    private static Tensor Train(Func<IEnumerable<Tensor>, Optimizer> makeOptimizer, Func<Optimizer, LRScheduler> makeScheduler)
    {
        // Own generators, not the global seed: other test classes reseed it in parallel.
        var model = new Linear(3, 2);
        Init.Normal_(model.Weight, 0.0, 0.02, generator: new Generator(1));
        Init.Uniform_(model.Bias!, -0.1, 0.1, generator: new Generator(2));
        var opt = makeOptimizer(model.Parameters());
        var sched = makeScheduler(opt);
        var xs = Torch.Arange(0, 24).Reshape(8, 3) * 0.1 - 1.0;
        for (int i = 0; i < 3; i++)
        {
            opt.ZeroGrad();
            model.Call(xs).Pow(2.0).Mean().Backward();
            opt.Step();
            sched.Step();
        }
        return model.Weight.Detach();
    }

    private static void Same(Tensor expected, Tensor actual) => TensorAssert.Equal(expected, actual);
}
