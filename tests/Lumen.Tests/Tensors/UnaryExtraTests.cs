using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>expm1, log1p, log2, log10, rsqrt and mish against PyTorch 1.13 (tests/Fixtures/data/unary_extra.json from
/// gen_unary_extra.py): forward values, grad_fn names and input gradients; plus finite-difference gradient checks.</summary>
[Collection("GlobalRng")]   // draws its gradient-check inputs from the seeded global generator
public class UnaryExtraTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Ops = new()
    {
        ["expm1"] = Torch.Expm1, ["log1p"] = Torch.Log1p, ["log2"] = Torch.Log2, ["log10"] = Torch.Log10,
        ["rsqrt"] = Torch.Rsqrt, ["mish"] = x => new Mish().Call(x),
    };

    public static IEnumerable<object[]> CaseNames() => Ops.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_grad_fn_and_gradient_match_PyTorch(string name)
    {
        var c = Fixtures.Case("unary_extra", name);
        var x = c.Tensor("x");
        x.RequiresGrad = true;
        var y = Ops[name](x);
        // Relative 1e-6 (a few ulps): both sides are within about an ulp of the exact value, which the sweep measures;
        // in the subnormal range (mish(−100) ≈ −3.7e-42) PyTorch's float formula drifts, so there 1e-42 absolute.
        var e = c.Tensor("out").ToArray<float>(); var a = y.ToArray<float>();
        for (int i = 0; i < e.Length; i++)
            Assert.True(e[i] == a[i] || (float.IsNaN(e[i]) && float.IsNaN(a[i])) || Math.Abs(e[i] - a[i]) <= Math.Max(1e-6 * Math.Abs(e[i]), Math.Abs(e[i]) < 1.2e-38 ? 1e-42 : 0),
                $"{name}[{i}]: {a[i]:R}, PyTorch {e[i]:R}");
        Assert.Equal(c.Str("grad_fn"), y.GradFn?.Name);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("grad_x"), x.Grad!, 1e-5, $"{name} gradient");
    }

    [Fact]
    public void Small_arguments_keep_their_digits()
    {
        var x = Torch.Tensor(new[] { 1e-8f, -1e-30f, 0f, -0f });
        Assert.Equal(new[] { 1e-8f, -1e-30f, 0f, -0f }, Torch.Expm1(x).ToArray<float>());
        Assert.Equal(new[] { 1e-8f, -1e-30f, 0f, -0f }, Torch.Log1p(x).ToArray<float>());
        Assert.Equal(new[] { 3f, 10f, -1f }, Torch.Log2(Torch.Tensor(new[] { 8f, 1024f, 0.5f })).ToArray<float>());
        Assert.Equal(new[] { 3f, -3f, 0f }, Torch.Log10(Torch.Tensor(new[] { 1000f, 1e-3f, 1f })).ToArray<float>());
        Assert.True(float.IsNegative(Torch.Rsqrt(x).ToArray<float>()[3]));   // rsqrt(−0) = −∞
    }

    [Fact]
    public void Gradients_pass_finite_difference_checks()
    {
        Torch.ManualSeed(5);
        GradCheck.Assert(a => a[0].Expm1(), Torch.Randn(3, 4));
        GradCheck.Assert(a => a[0].Log1p(), Torch.Rand(3, 4).Add(0.1));
        GradCheck.Assert(a => a[0].Log2() + a[0].Log10(), Torch.Rand(3, 4).Add(0.5));
        GradCheck.Assert(a => a[0].Rsqrt(), Torch.Rand(3, 4).Add(0.5));
        GradCheck.Assert(a => a[0].Mish(), Torch.Randn(3, 4).Mul(3));
    }
}
