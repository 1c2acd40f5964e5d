using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Tests.Optim;

/// <summary>Gradient clipping and explicit L1/L2 penalties against PyTorch 1.13 (tests/Fixtures/gen_optim.py), on the
/// gradients of the tiny MLP at its initial parameters.</summary>
public class ClipGradTests
{
    private static TinyMlp WithGrads()
    {
        var m = new TinyMlp();
        m.Loss().Backward();
        return m;
    }

    [Theory]
    [InlineData("clip_norm_2")]
    [InlineData("clip_norm_1")]
    [InlineData("clip_norm_inf")]
    [InlineData("clip_norm_3")]
    [InlineData("clip_norm_no_clip")]
    public void ClipGradNorm_returns_the_total_norm_and_scales_gradients_like_PyTorch(string name)
    {
        var c = Fixtures.Case("optim", name);
        var m = WithGrads();
        TensorAssert.Close(c.Tensor("grad_before"), Torch.Tensor(m.FlatGrad(), m.FlatGrad().Length), 1e-5, "gradients before clipping");
        double normType = c.Raw("norm_type").ValueKind == System.Text.Json.JsonValueKind.String ? double.PositiveInfinity : c.Raw("norm_type").GetDouble();
        var total = Utils.ClipGradNorm_(m.P, c.Raw("max_norm").GetDouble(), normType);
        TensorAssert.Close(c.Tensor("total_norm"), total, 1e-5, "total norm");
        var after = m.FlatGrad();
        TensorAssert.Close(c.Tensor("grad_after"), Torch.Tensor(after, after.Length), 1e-5, "clipped gradients");
    }

    [Fact]
    public void ClipGradValue_clamps_gradients_like_PyTorch()
    {
        var c = Fixtures.Case("optim", "clip_value");
        var m = WithGrads();
        Utils.ClipGradValue_(m.P, c.Raw("clip_value").GetDouble());
        var after = m.FlatGrad();
        TensorAssert.Close(c.Tensor("grad_after"), Torch.Tensor(after, after.Length), 1e-6, "clamped gradients");
    }

    [Fact]
    public void ClipGradNorm_ignores_parameters_without_gradients_and_returns_zero_when_none_have_one()
    {
        var a = Torch.Ones(3).RequiresGrad_();
        Assert.Equal(0f, Utils.ClipGradNorm_(new[] { a }, 1.0).Item());
        var b = Torch.Ones(4).RequiresGrad_();
        b.Mul(3f).Sum().Backward(); // grad 3,3,3,3: norm 6
        var total = Utils.ClipGradNorm_(new[] { a, b }, 3.0);
        Assert.Equal(6f, total.Item(), 5);
        Assert.Null(a.Grad);
        TensorAssert.Values(Enumerable.Repeat(1.5f, 4).ToArray(), b.Grad!, 1e-5);
    }

    [Fact]
    public void ClipGradNorm_with_errorIfNonfinite_throws_on_an_infinite_norm()
    {
        var a = Torch.Ones(2).RequiresGrad_();
        a.Grad = Torch.Tensor(new[] { float.PositiveInfinity, 1f }, 2);
        var ex = Assert.Throws<InvalidOperationException>(() => Utils.ClipGradNorm_(new[] { a }, 1.0, errorIfNonfinite: true));
        Assert.Contains("non-finite", ex.Message);
    }

    [Fact]
    public void Explicit_L2_penalty_from_DLwPT_matches_PyTorch_loss_and_gradients()
    {
        // DLwPT: l2_norm = sum(p.pow(2).sum() for p in model.parameters()); loss = loss + l2_lambda * l2_norm
        var c = Fixtures.Case("optim", "l2_penalty");
        var m = new TinyMlp();
        float l2Lambda = c.Float("l2_lambda");
        var l2Norm = m.P.Select(p => p.Pow(2f).Sum()).Aggregate((x, y) => x.Add(y));
        var loss = m.Loss().Add(l2Norm.Mul(l2Lambda));
        loss.Backward();
        TensorAssert.Close(c.Tensor("loss"), loss, 1e-5, "loss");
        var g = m.FlatGrad();
        TensorAssert.Close(c.Tensor("grad"), Torch.Tensor(g, g.Length), 1e-5, "gradients");
    }

    [Fact]
    public void Explicit_L1_penalty_matches_PyTorch_loss_and_gradients()
    {
        var c = Fixtures.Case("optim", "l1_penalty");
        var m = new TinyMlp();
        var l1 = m.P.Select(p => p.Abs().Sum()).Aggregate((x, y) => x.Add(y));
        var loss = m.Loss().Add(l1.Mul(c.Float("l1_lambda")));
        loss.Backward();
        TensorAssert.Close(c.Tensor("loss"), loss, 1e-5, "loss");
        var g = m.FlatGrad();
        TensorAssert.Close(c.Tensor("grad"), Torch.Tensor(g, g.Length), 1e-5, "gradients");
    }

    [Fact]
    public void Explicit_L2_penalty_with_SGD_equals_SGD_weight_decay_of_twice_lambda()
    {
        // d/dp (λ·p²) = 2λ·p, so an explicit penalty λ equals weight_decay 2λ (up to float rounding).
        var a = new TinyMlp(); var b = new TinyMlp();
        var optA = new SGD(a.P, lr: 0.1); var optB = new SGD(b.P, lr: 0.1, weightDecay: 0.02);
        for (int k = 0; k < 5; k++)
        {
            optA.ZeroGrad(); a.Loss().Add(a.P.Select(p => p.Mul(p).Sum()).Aggregate((x, y) => x.Add(y)).Mul(0.01f)).Backward(); optA.Step();
            optB.ZeroGrad(); b.Loss().Backward(); optB.Step();
        }
        TensorAssert.Close(Torch.Tensor(a.Flat(), 26), Torch.Tensor(b.Flat(), 26), 1e-5, "explicit penalty vs weight decay");
    }
}
