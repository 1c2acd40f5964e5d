using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

[Collection("GlobalRng")]
public class LinearTests
{
    [Theory]
    [InlineData("linear_2d", true)]
    [InlineData("linear_3d", true)]
    [InlineData("linear_2d_nobias", false)]
    [InlineData("linear_4d_nobias", false)]
    public void Linear_forward_and_grads_match_PyTorch(string name, bool bias)
    {
        Torch.ManualSeed(0);
        var m = new Linear(5, 3, bias: bias);
        var c = LayerCase.Get(name);
        // Seeded default init reproduces PyTorch's values before anything is copied in.
        TensorAssert.Close(c.Tensor("weight"), m.Weight, 1e-6, "weight init");
        if (bias) TensorAssert.Close(c.Tensor("bias"), m.Bias!, 1e-6, "bias init");
        LayerCase.Check(m, name, loadParams: false);
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(20, 7)]
    public void Seeded_default_init_is_PyTorchs_kaiming_then_bias(int inF, int outF)
    {
        Torch.ManualSeed(0);
        var m = new Linear(inF, outF);
        var c = LayerCase.Get($"linear_init_{inF}_{outF}");
        TensorAssert.Close(c.Tensor("weight"), m.Weight, 1e-6);
        TensorAssert.Close(c.Tensor("bias"), m.Bias!, 1e-6);
    }

    [Fact]
    public void Linear_grad_fn_names_follow_PyTorch()
    {
        var m = new Linear(3, 2);
        Assert.Equal("AddmmBackward0", m.Call(Torch.Randn(4, 3)).GradFn!.Name);
        Assert.Equal("ViewBackward0", m.Call(Torch.Randn(2, 4, 3)).GradFn!.Name);
        Assert.Equal("MmBackward0", F.Linear(Torch.Randn(4, 3), m.Weight).GradFn!.Name);
    }

    [Fact]
    public void Linear_on_transposed_views_equals_matmul_with_the_transposed_weight()
    {
        var x = Torch.Randn(5, 4).T();     // [4, 5], not contiguous
        var w = Torch.Randn(5, 3).T();     // [3, 5], a transposed view read in place
        var b = Torch.Randn(3);
        var expected = x.Contiguous().Matmul(w.Contiguous().T()).Add(b);
        TensorAssert.Close(expected, F.Linear(x, w, b), 1e-5);
        TensorAssert.Close(expected, F.Linear(x.Contiguous(), w.Contiguous(), b), 1e-5);
    }

    [Fact]
    public void Linear_gradcheck_2d_and_3d()
    {
        GradCheck.Assert(a => F.Linear(a[0], a[1], a[2]), Torch.Randn(3, 4), Torch.Randn(2, 4), Torch.Randn(2));
        GradCheck.Assert(a => F.Linear(a[0], a[1]), Torch.Randn(2, 3, 4), Torch.Randn(5, 4));
    }

    [Fact]
    public void Wrong_last_dimension_names_the_module_and_both_shapes()
    {
        var m = new Linear(2048, 512);
        var ex = Assert.Throws<ShapeMismatchException>(() => m.Call(Torch.Zeros(64, 8)));
        Assert.Equal("Linear(in_features=2048, out_features=512, bias=True) got input [64, 8]: expected last dimension 2048", ex.Message);
    }

    [Fact]
    public void LazyLinear_materialises_at_first_call_with_PyTorchs_seeded_init_and_becomes_a_Linear()
    {
        var c = LayerCase.Get("lazy_linear");
        var m = new LazyLinear(4);
        Assert.Equal(c.Str("repr_before"), m.ToString());
        Assert.Equal(0, m.InFeatures);
        Torch.ManualSeed(0);
        var y = m.Call(c.Tensor("x"));
        Assert.Equal(c.Str("repr_after"), m.ToString());
        Assert.Equal(6, m.InFeatures);
        TensorAssert.Close(c.Tensor("weight"), m.Weight, 1e-6);
        TensorAssert.Close(c.Tensor("bias"), m.Bias!, 1e-6);
        TensorAssert.Close(c.Tensor("y"), y);
        Assert.Equal(new[] { "weight", "bias" }, m.NamedParameters().Select(p => p.Name));
        Assert.Same(m.Weight, m.Parameters().First());
    }

    [Fact]
    public void Bilinear_matches_PyTorch_with_seeded_init()
    {
        var c = LayerCase.Get("bilinear");
        Torch.ManualSeed(0);
        var m = new Bilinear(3, 2, 4);
        TensorAssert.Close(c.Tensor("weight"), m.Weight, 1e-6);
        TensorAssert.Close(c.Tensor("bias"), m.Bias!, 1e-6);
        var x1 = c.Tensor("x1").RequiresGrad_();
        var x2 = c.Tensor("x2").RequiresGrad_();
        var y = m.Forward(x1, x2);
        TensorAssert.Close(c.Tensor("y"), y);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("dx1"), x1.Grad!);
        TensorAssert.Close(c.Tensor("dx2"), x2.Grad!);
        TensorAssert.Close(c.Tensor("dweight"), m.Weight.Grad!);
        TensorAssert.Close(c.Tensor("dbias"), m.Bias!.Grad!);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("linear_nobias")]
    [InlineData("lazy")]
    [InlineData("bilinear")]
    [InlineData("identity")]
    public void Repr_matches_PyTorch(string key)
    {
        Module m = key switch
        {
            "linear" => new Linear(2048, 512),
            "linear_nobias" => new Linear(3, 4, bias: false),
            "lazy" => new LazyLinear(10),
            "bilinear" => new Bilinear(2, 3, 4),
            _ => new Identity(),
        };
        Assert.Equal(LayerCase.Repr(key), m.ToString());
    }

    [Fact]
    public void Identity_returns_its_input()
    {
        var x = Torch.Randn(2, 3);
        Assert.Same(x, new Identity().Call(x));
    }

    [Fact]
    public void Sequential_of_these_layers_prints_like_PyTorch()
    {
        var net = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(inplace: true), new Dropout(0.25), new Linear(8, 2));
        Assert.Equal(LayerCase.Repr("sequential"), net.ToString());
    }
}
