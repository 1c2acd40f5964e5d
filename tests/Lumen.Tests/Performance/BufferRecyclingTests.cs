using Xunit;

namespace Lumen.Tests.Performance;

/// <summary>The engine recycles gradient buffers it made and knows are dead (BufferPool); these tests check that a
/// recycled buffer never shows up under a gradient the user can still see. Sizes are above the pooling threshold.</summary>
public class BufferRecyclingTests
{
    private const int N = 40_000;

    private static Tensor Ramp(float scale) => Torch.Tensor(Enumerable.Range(0, N).Select(i => scale * MathF.Sin(i * 0.37f)).ToArray(), N);

    [Fact]
    public void Leaf_and_retained_gradients_keep_their_values_through_later_backward_passes()
    {
        var x = Ramp(1f).RequiresGrad_();
        var h = x.Mul(2f);
        h.RetainGrad();
        h.Mul(h).Sum().Backward();                       // dh = 2h = 4x, dx = 8x
        var xGrad = x.Grad!; var hGrad = h.Grad!;
        var expectX = x.Detach().Mul(8f).ToArray<float>();
        var expectH = x.Detach().Mul(4f).ToArray<float>();
        for (int i = 0; i < 3; i++)                      // later passes rent whatever the pool holds
        {
            x.Grad = null;
            x.Mul(3f).Exp().Mul(x.Mul(0.5f)).Sum().Backward();
        }
        Assert.Equal(expectX, xGrad.ToArray<float>());
        Assert.Equal(expectH, hGrad.ToArray<float>());
    }

    [Fact]
    public void A_gradient_shared_by_both_inputs_of_an_add_reaches_every_leaf()
    {
        var a = Ramp(1f).RequiresGrad_();
        var b = Ramp(-2f).RequiresGrad_();
        var w = Ramp(0.5f);
        var perPass = w.Add(w).Mul(3f);                  // the same float steps the engine takes
        var expected = Torch.ZerosLike(w);
        for (int pass = 1; pass <= 3; pass++)
        {
            var c = a.Add(b).Mul(3f);                    // AddBackward hands one gradient to both inputs
            var d = c.Add(c);                            // and here both inputs are the same node
            d.Mul(w).Sum().Backward();
            expected = expected.Add(perPass);
            var expect = expected.ToArray<float>();
            Assert.Equal(expect, a.Grad!.ToArray<float>());
            Assert.Equal(expect, b.Grad!.ToArray<float>());
        }
    }

    [Fact]
    public void Gradients_of_Autograd_Grad_stay_intact_after_later_passes()
    {
        var x = Ramp(1f).RequiresGrad_();
        var g = Lumen.Autograd.Autograd.Grad(new[] { x.Mul(x).Mul(0.5f).Sum() }, new[] { x })[0]!;   // dx = x
        var expect = x.Detach().ToArray<float>();
        for (int i = 0; i < 3; i++) { x.Grad = null; x.Mul(x).Mul(x).Sum().Backward(); }
        Assert.Equal(expect, g.ToArray<float>());
    }
}
