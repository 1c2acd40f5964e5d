using Lumen.NN;
using Module = Lumen.NN.Module;
using Xunit;

namespace Lumen.Tests.NN;

/// <summary>A forward that returns a dict or a tuple (seed 000's TinyConv returns {'out': x}) through
/// <see cref="Module{TIn, TOut}"/>: registration, parameters and state dict are a Module's; Call returns TOut.</summary>
[Collection("GlobalRng")]   // seeds the global generator
public class TypedModuleTests
{
    /// <summary>Seed 000's TinyConv with its <c>return {'out': x}</c>.</summary>
    private sealed class TinyConvDict : Module<Tensor, Dictionary<string, Tensor>>
    {
        public readonly Sequential Conv;
        public readonly Linear Fc;
        public TinyConvDict()
        {
            Conv = RegisterModule("conv", new Sequential(new Conv2d(3, 8, 3, stride: 3), new ReLU(), new Conv2d(8, 16, 3, stride: 3), new ReLU()));
            Fc = RegisterModule("fc", new Linear(16 * 3 * 3, 3));
        }
        public override Dictionary<string, Tensor> Forward(Tensor x) => new() { ["out"] = Fc.Call(Conv.Call(x).Flatten(1)) };
    }

    private sealed class TwoHeads : Module<(Tensor Image, Tensor Extra), (Tensor Logits, Tensor Embedding)>
    {
        public readonly Linear Head;
        public TwoHeads() { Head = RegisterModule("head", new Linear(4, 2)); }
        public override (Tensor Logits, Tensor Embedding) Forward((Tensor Image, Tensor Extra) input)
        {
            var e = input.Image.Flatten(1).Add(input.Extra);
            return (Head.Call(e), e);
        }
    }

    [Fact]
    public void A_forward_returning_a_dict_is_called_like_seed_000s_model()
    {
        Torch.ManualSeed(0);
        var model = new TinyConvDict();
        var y = model.Call(Torch.Randn(2, 3, 32, 32))["out"];   // model(x)['out']
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.Equal(new[] { "conv.0.weight", "conv.0.bias", "conv.2.weight", "conv.2.bias", "fc.weight", "fc.bias" }, model.StateDict().Keys);
        y.Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void A_tuple_in_and_out_module_trains_its_registered_head()
    {
        var m = new TwoHeads();
        var (logits, emb) = m.Call((Torch.Randn(3, 2, 2), Torch.Randn(3, 4)));
        Assert.Equal(new Shape(3, 2), logits.Shape);
        Assert.Equal(new Shape(3, 4), emb.Shape);
        Assert.Equal(10, m.NumParameters());   // Linear(4, 2): 8 + 2
    }

    [Fact]
    public void Calling_a_typed_module_as_a_tensor_module_points_to_its_own_Call()
    {
        Module asPlain = new TinyConvDict();
        var ex = Assert.Throws<NotSupportedException>(() => asPlain.Call(Torch.Randn(1, 3, 32, 32)));
        Assert.Contains("TinyConvDict maps Tensor to Dictionary`2", ex.Message);
        Assert.Contains("call its own Call(Tensor)", ex.Message);
    }

    [Fact]
    public void Shape_errors_inside_a_typed_module_carry_the_module_path()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new TinyConvDict().Call(Torch.Randn(1, 3, 20, 20)));
        Assert.StartsWith("fc:", ex.Message);
    }
}
