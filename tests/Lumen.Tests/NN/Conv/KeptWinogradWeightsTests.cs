using Lumen.Kernels;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>A convolution module keeps its weights' Winograd transform (<see cref="WinogradWeights"/>): under no_grad
/// between calls, in training from the forward to the input gradient; it makes it again whenever the weights change, so
/// every result equals the functional convolution of the current weights, which transforms them afresh.</summary>
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
    public void The_kept_transform_is_reused_until_the_stamp_changes_and_rewritten_in_place_when_nobody_reads_it()
    {
        var w = NaiveConv.RandomData(new Random(3), 64 * 64 * 9);
        var kept = new WinogradWeights();
        var source = new object();
        kept.Stamp(source, 1);
        float[] u;
        using (var lease = kept.Acquire(View<float>.Of(w), 64, 64)) u = lease.U;
        var copy = u.ToArray();
        using (var lease = kept.Acquire(View<float>.Of(w), 64, 64)) Assert.Same(u, lease.U);
        // A new stamp with no lease held: transformed again into the same array (no allocation per training step).
        kept.Stamp(source, 2);
        w[0] += 1f;
        using (var lease = kept.Acquire(View<float>.Of(w), 64, 64))
        {
            Assert.Same(u, lease.U);
            Assert.False(copy.AsSpan().SequenceEqual(u), "the new weights were transformed");
            // A new stamp while this lease is held: a new array, the held one untouched.
            var held = u.ToArray();
            kept.Stamp(new object(), 2);
            using (var other = kept.Acquire(View<float>.Of(w), 64, 64))
            {
                Assert.NotSame(u, other.U);
                Assert.True(held.AsSpan().SequenceEqual(u), "a held transform was rewritten");
                Assert.True(held.AsSpan().SequenceEqual(other.U), "same weights, same transform");
            }
        }
    }

    /// <summary>A convolution's two caches, for its own 64×64 weights (stamped) and for its fold's.</summary>
    private static (WinogradWeights Own, float[] W, WinogradWeights Folded, float[] Wf) OwnAndFold(int seed)
    {
        var own = new WinogradWeights();
        var w = NaiveConv.RandomData(new Random(seed), 64 * 64 * 9);
        own.Stamp(w, 1);
        return (own, w, new WinogradWeights(), NaiveConv.RandomData(new Random(seed + 1), 64 * 64 * 9));
    }

    [Fact]
    public void A_fold_takes_over_the_own_weights_array_and_transforms_its_own_weights_into_it()
    {
        var (own, w, folded, wf) = OwnAndFold(4);
        float[] u;
        using (var lease = own.Acquire(View<float>.Of(w), 64, 64)) u = lease.U;
        folded.TakeFrom(own);
        folded.Stamp(wf, 1);
        var expected = new float[u.Length];
        Winograd.TransformWeights(wf, 64, 64, false, expected);
        using (var lease = folded.Acquire(View<float>.Of(wf), 64, 64))
        {
            Assert.Same(u, lease.U);
            Assert.True(expected.AsSpan().SequenceEqual(lease.U), "the fold's weights were transformed into the taken array");
        }
        // The own weights are transformed afresh when called again.
        using (var lease = own.Acquire(View<float>.Of(w), 64, 64)) Assert.NotSame(u, lease.U);
    }

    [Fact]
    public void A_transform_still_read_under_its_first_owner_is_not_overwritten_by_the_one_that_took_it()
    {
        var (own, w, folded, wf) = OwnAndFold(6);
        var held = own.Acquire(View<float>.Of(w), 64, 64);   // a call on another thread, still reading
        var before = held.U.ToArray();
        folded.TakeFrom(own);
        folded.Stamp(wf, 1);
        using (var lease = folded.Acquire(View<float>.Of(wf), 64, 64)) Assert.NotSame(held.U, lease.U);
        Assert.True(before.AsSpan().SequenceEqual(held.U), "a transform being read was overwritten");
        held.Dispose();
    }

    [Fact]
    public void In_training_a_modules_gradients_through_its_kept_transform_match_the_functional_ones_step_after_step()
    {
        Torch.ManualSeed(42);
        // 512 channels at 7²: Winograd in the forward only when the transform is kept, as a training module's is.
        var m = new Conv2d(512, 512, kernelSize: 3, padding: 1);
        var geo = new ConvGeometry(2, 512, 512, 1, new[] { 7, 7 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 7, 7 });
        Assert.Equal(ConvAlgorithm.Winograd, ConvPlanner.Plan(geo, ConvPass.InputGrad, new ConvPlanOptions(KeptWinogradWeights: true)).Algorithm);
        var x = Torch.Randn(2, 512, 7, 7).RequiresGrad_();
        var gy = Torch.Randn(2, 512, 7, 7);
        for (int step = 0; step < 2; step++)   // the second step after an SGD step: a new stamp, transformed again
        {
            m.ZeroGrad();
            x.Grad = null;
            m.Call(x).Backward(gy);
            var (gxModule, gwModule) = (x.Grad!.Clone(), m.Weight.Grad!.Clone());
            x.Grad = null;
            var xe = x.Detach().RequiresGrad_();
            var we = m.Weight.Detach().RequiresGrad_();
            F.Conv2d(xe, we, m.Bias!.Detach(), padding: 1).Backward(gy);
            TensorAssert.Close(xe.Grad!, gxModule, 1e-4, $"step {step}: input gradient");
            TensorAssert.Close(we.Grad!, gwModule, 1e-4, $"step {step}: weight gradient");
            using (Lumen.Autograd.Autograd.NoGrad()) m.Weight.Sub_(m.Weight.Grad!.Mul(Torch.Scalar(0.01f)));
        }
    }
}
