using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.Autograd;

/// <summary>The hooks DistributedDataParallel is built on: a leaf's post-accumulate-grad hook, a callback queued for the
/// end of backward, and a user-defined differentiable op (<see cref="Lumen.Autograd.Autograd.Function"/>).</summary>
[Collection("GlobalRng")]   // draws its gradient-check inputs from the seeded global generator
public sealed class GradientHookTests
{
    [Fact]
    public void A_post_accumulate_hook_sees_the_accumulated_grad_once_per_contribution()
    {
        var w = Torch.Tensor(new[] { 1f, 2f }, 2).RequiresGrad_();
        var seen = new List<float[]>();
        using var handle = w.RegisterPostAccumulateGradHook(t => seen.Add(t.Grad!.ToArray<float>()));
        w.Mul(3f).Sum().Backward();
        Assert.Equal(new[] { 3f, 3f }, Assert.Single(seen));
        w.Mul(w).Sum().Backward();   // w used twice: two contributions, the hook runs after each
        Assert.Equal(3, seen.Count);
        Assert.Equal(new[] { 3f + 2f, 3f + 4f }, seen[^1]);
        handle.Remove();
        w.Sum().Backward();
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void A_hook_needs_a_leaf_that_requires_grad()
    {
        var x = Torch.Ones(2).RequiresGrad_();
        Assert.Throws<InvalidOperationException>(() => x.Mul(2f).RegisterPostAccumulateGradHook(_ => { }));
        Assert.Throws<InvalidOperationException>(() => Torch.Ones(2).RegisterPostAccumulateGradHook(_ => { }));
    }

    [Fact]
    public void A_queued_callback_runs_after_every_gradient_is_delivered()
    {
        var a = new Parameter(Torch.Ones(3));
        var b = new Parameter(Torch.Ones(3));
        float[]? bAtCallback = null;
        a.RegisterPostAccumulateGradHook(_ => Lumen.Autograd.Autograd.QueueCallback(() => bAtCallback = b.Grad?.ToArray<float>()));
        a.Mul(b).Mul(2f).Sum().Backward();
        Assert.Equal(new[] { 2f, 2f, 2f }, bAtCallback);
        Assert.Throws<InvalidOperationException>(() => Lumen.Autograd.Autograd.QueueCallback(() => { }));
    }

    [Fact]
    public void A_custom_function_records_its_backward_and_passes_gradcheck()
    {
        // y = x³ computed outside the graph, with its derivative 3x² given by hand.
        static Tensor Cube(Tensor x)
        {
            Tensor y;
            using (Lumen.Autograd.Autograd.NoGrad()) y = x.Mul(x).Mul(x);
            return Lumen.Autograd.Autograd.Function("CubeBackward", y, new Tensor?[] { x }, g => new[] { g.Mul(x.Detach().Mul(x.Detach()).Mul(3f)) });
        }
        Assert.Equal("CubeBackward", Cube(Torch.Ones(2).RequiresGrad_()).GradFn!.Name);
        Torch.ManualSeed(6);
        GradCheck.Assert(xs => Cube(xs[0]), Torch.Randn(3, 4).RequiresGrad_());
    }

    [Fact]
    public void AsSpan_shares_the_tensors_memory_and_refuses_views_and_wrong_types()
    {
        var t = Torch.Zeros(2, 3);
        t.AsSpan<float>()[4] = 7f;
        Assert.Equal(7f, t.ToArray<float>()[4]);
        Assert.Throws<InvalidOperationException>(() => t.T().AsSpan<float>());
        Assert.Throws<InvalidOperationException>(() => t.AsSpan<long>());
    }
}
