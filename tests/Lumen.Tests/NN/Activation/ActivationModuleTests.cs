using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

public class ActivationModuleTests
{
    private static Module Make(string key) => key switch
    {
        "relu" => new ReLU(), "relu6" => new ReLU6(), "leaky_relu" => new LeakyReLU(0.2f), "elu" => new ELU(0.5f),
        "selu" => new SELU(), "celu" => new CELU(0.7f), "gelu" => new GELU(), "gelu_tanh" => new GELU("tanh"),
        "silu" => new SiLU(), "sigmoid" => new Sigmoid(), "tanh" => new Tanh(), "hardtanh" => new Hardtanh(-2f, 3f),
        "hardswish" => new Hardswish(), "hardsigmoid" => new Hardsigmoid(), "softplus" => new Softplus(0.5f, 10f),
        "logsigmoid" => new LogSigmoid(), "softmax" => new Softmax(dim: 1), "log_softmax" => new LogSoftmax(dim: -1),
        _ => throw new ArgumentException(key),
    };

    public static TheoryData<string> Keys() => new()
    {
        "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "hardtanh",
        "hardswish", "hardsigmoid", "softplus", "logsigmoid", "softmax", "log_softmax",
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Activation_module_output_and_input_grad_match_PyTorch(string key) => LayerCase.Check(Make(key), "act_" + key);

    [Theory]
    [InlineData("relu")]
    [InlineData("relu6")]
    [InlineData("leaky_relu")]
    [InlineData("elu")]
    [InlineData("selu")]
    [InlineData("celu")]
    [InlineData("silu")]
    [InlineData("hardtanh")]
    [InlineData("hardswish")]
    [InlineData("hardsigmoid")]
    public void Inplace_module_overwrites_its_input_with_PyTorchs_values_and_backpropagates(string key)
    {
        Module m = key switch
        {
            "relu" => new ReLU(inplace: true), "relu6" => new ReLU6(inplace: true), "leaky_relu" => new LeakyReLU(0.2f, inplace: true),
            "elu" => new ELU(0.5f, inplace: true), "selu" => new SELU(inplace: true), "celu" => new CELU(0.7f, inplace: true),
            "silu" => new SiLU(inplace: true), "hardtanh" => new Hardtanh(-2f, 3f, inplace: true),
            "hardswish" => new Hardswish(inplace: true), _ => new Hardsigmoid(inplace: true),
        };
        var c = LayerCase.Get("act_" + key);
        var leaf = c.Tensor("x").RequiresGrad_();
        var x = leaf.Mul(1f);          // a non-leaf, as in a network
        var y = m.Call(x);
        Assert.Same(x, y);
        TensorAssert.Close(c.Tensor("y"), x, 1e-5, key);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("dx"), leaf.Grad!, 1e-5, key + " dx");
    }

    [Theory]
    [InlineData("prelu_shared", 1, 0.25f)]
    [InlineData("prelu_channels", 3, 0.1f)]
    public void PReLU_output_and_grads_for_input_and_weight_match_PyTorch(string name, int n, float init)
    {
        var m = new PReLU(n, init);
        TensorAssert.Close(Torch.Full(new[] { n }, init), m.Weight);
        LayerCase.Check(m, name);
        Assert.Equal("PreluBackward0", m.Call(Torch.Randn(2, n, 3)).GradFn!.Name);
    }

    [Fact]
    public void PReLU_gradcheck_shared_and_per_channel_weights()
    {
        // Own generator (no global RNG race) and values kept 0.1 away from the kink at 0.
        var r = Torch.Randn(new[] { 2, 3, 4 }, new Generator().ManualSeed(7));
        var x = r.Sign() * (r.Abs() + 0.1f);
        GradCheck.Assert(a => F.Prelu(a[0], a[1]), x, Torch.Tensor(new[] { 0.1f, -0.3f, 0.5f }));
        GradCheck.Assert(a => F.Prelu(a[0], a[1]), x, Torch.Tensor(new[] { 0.2f }));
    }

    [Fact]
    public void PReLU_with_a_weight_per_channel_rejects_a_wrong_channel_count()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new PReLU(3).Call(Torch.Zeros(2, 4)));
        Assert.Contains("[2, 4]", ex.Message);
    }

    [Fact]
    public void Softmax_without_dim_uses_PyTorchs_implicit_dim()
    {
        var x = Torch.Randn(2, 3);
        TensorAssert.Close(x.Softmax(1), new Softmax().Call(x));
        var v = Torch.Randn(2, 3, 4);
        TensorAssert.Close(v.Softmax(0), new Softmax().Call(v));
    }

    [Theory]
    [InlineData("relu")] [InlineData("relu_inplace")] [InlineData("relu6")] [InlineData("relu6_inplace")] [InlineData("leaky")]
    [InlineData("leaky_inplace")] [InlineData("prelu")] [InlineData("prelu3")] [InlineData("elu")] [InlineData("elu_inplace")]
    [InlineData("selu")] [InlineData("selu_inplace")] [InlineData("celu")] [InlineData("celu_07")] [InlineData("gelu")]
    [InlineData("gelu_tanh")] [InlineData("silu")] [InlineData("silu_inplace")] [InlineData("sigmoid")] [InlineData("tanh")]
    [InlineData("hardtanh")] [InlineData("hardtanh_custom")] [InlineData("hardswish")] [InlineData("hardsigmoid")]
    [InlineData("softplus")] [InlineData("softplus_custom")] [InlineData("logsigmoid")] [InlineData("softmax")]
    [InlineData("softmax_none")] [InlineData("log_softmax")]
    public void Repr_matches_PyTorch(string key)
    {
        Module m = key switch
        {
            "relu" => new ReLU(), "relu_inplace" => new ReLU(inplace: true), "relu6" => new ReLU6(), "relu6_inplace" => new ReLU6(true),
            "leaky" => new LeakyReLU(), "leaky_inplace" => new LeakyReLU(0.2f, true), "prelu" => new PReLU(), "prelu3" => new PReLU(3, 0.1f),
            "elu" => new ELU(), "elu_inplace" => new ELU(0.5f, true), "selu" => new SELU(), "selu_inplace" => new SELU(true),
            "celu" => new CELU(), "celu_07" => new CELU(0.7f), "gelu" => new GELU(), "gelu_tanh" => new GELU("tanh"),
            "silu" => new SiLU(), "silu_inplace" => new SiLU(true), "sigmoid" => new Sigmoid(), "tanh" => new Tanh(),
            "hardtanh" => new Hardtanh(), "hardtanh_custom" => new Hardtanh(-2f, 3f, true), "hardswish" => new Hardswish(),
            "hardsigmoid" => new Hardsigmoid(), "softplus" => new Softplus(), "softplus_custom" => new Softplus(0.5f, 10f),
            "logsigmoid" => new LogSigmoid(), "softmax" => new Softmax(dim: 1), "softmax_none" => new Softmax(),
            "log_softmax" => new LogSoftmax(dim: -1), _ => throw new ArgumentException(key),
        };
        Assert.Equal(LayerCase.Repr(key), m.ToString());
    }
}
