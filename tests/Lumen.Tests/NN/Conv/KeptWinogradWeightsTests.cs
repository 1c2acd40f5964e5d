using Lumen.Kernels;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>A convolution module under no_grad keeps its weights' Winograd transform between calls
/// (<see cref="WinogradWeights"/>) and makes it again whenever the weights change: every result equals the functional
/// convolution of the current weights, which transforms them afresh.</summary>
[Collection("GlobalRng")]
public class KeptWinogradWeightsTests
{
    private static Tensor Eager(Conv2d m, Tensor x) => F.Conv2d(x, m.Weight, m.Bias, padding: 1);

    private static Tensor NoGrad(Conv2d m, Tensor x)
    {
        using (Lumen.Autograd.Autograd.NoGrad()) return m.Call(x);
    }

    [Fact]
    public void In_place_writes_optimizer_steps_state_dicts_and_span_writes_all_reach_the_output()
    {
        Torch.ManualSeed(41);
        var m = new Conv2d(64, 64, kernelSize: 3, padding: 1);   // 64 channels at 14²: Winograd on every CPU
        m.Eval();
        var x = Torch.Randn(2, 64, 14, 14);
        Assert.Equal(ConvAlgorithm.Winograd, ConvPlanner.Plan(
            new ConvGeometry(2, 64, 64, 1, new[] { 14, 14 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 14, 14 }),
            ConvPass.Forward).Algorithm);

        var first = NoGrad(m, x);
        TensorAssert.Equal(Eager(m, x), first, "first call");
        TensorAssert.Equal(first, NoGrad(m, x), "second call, kept transform");

        using (Lumen.Autograd.Autograd.NoGrad()) m.Weight.Mul_(Torch.Scalar(0.5f));
        var halved = NoGrad(m, x);
        TensorAssert.Equal(Eager(m, x), halved, "after weight.mul_(0.5)");
        Assert.True(halved.Sub(first).Abs().Max().Item<float>() > 1e-3f, "the write changed the output");

        var opt = new Lumen.Optim.SGD(m.Parameters(), lr: 0.1);
        m.Call(x).Mul(m.Call(x)).Sum().Backward();
        opt.Step();
        TensorAssert.Equal(Eager(m, x), NoGrad(m, x), "after an SGD step");

        var other = new Conv2d(64, 64, kernelSize: 3, padding: 1);
        m.LoadStateDict(other.StateDict());
        TensorAssert.Equal(Eager(other, x), NoGrad(m, x), "after LoadStateDict");

        m.Weight.AsSpan<float>()[0] = 100f;   // a write no op made, declared as PyTorch's increment_version does
        Lumen.Autograd.Autograd.IncrementVersion(m.Weight);
        TensorAssert.Equal(Eager(m, x), NoGrad(m, x), "after a write through AsSpan");
    }

    [Fact]
    public void The_kept_transform_is_reused_until_the_stamp_changes()
    {
        var w = NaiveConv.RandomData(new Random(3), 64 * 64 * 9);
        var kept = new WinogradWeights();
        var source = new object();
        kept.Stamp(source, 1);
        var u = kept.Transformed(View<float>.Of(w), 64, 64);
        Assert.Same(u, kept.Transformed(View<float>.Of(w), 64, 64));
        kept.Stamp(source, 2);
        var again = kept.Transformed(View<float>.Of(w), 64, 64);
        Assert.NotSame(u, again);
        Assert.True(u.AsSpan().SequenceEqual(again), "same weights, same transform");
        kept.Stamp(new object(), 2);
        Assert.NotSame(again, kept.Transformed(View<float>.Of(w), 64, 64));
    }
}
