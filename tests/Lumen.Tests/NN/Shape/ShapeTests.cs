using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

public class ShapeTests
{
    [Fact]
    public void Flatten_and_Unflatten_match_PyTorch()
    {
        var c = LayerCase.Get("flatten");
        var x = c.Tensor("x");
        TensorAssert.Equal(c.Tensor("default"), new Flatten().Call(x));
        TensorAssert.Equal(c.Tensor("one_two"), new Flatten(1, 2).Call(x));
        TensorAssert.Equal(c.Tensor("unflatten"), new Unflatten(1, 3, 1).Call(x));
    }

    [Fact]
    public void Flatten_then_Unflatten_round_trips_and_passes_gradients()
    {
        var x = Torch.Randn(2, 3, 4).RequiresGrad_();
        var y = new Unflatten(1, 3, 4).Call(new Flatten().Call(x));
        TensorAssert.Equal(x.Detach(), y.Detach());
        y.Sum().Backward();
        TensorAssert.Equal(Torch.Ones(2, 3, 4), x.Grad!);
    }

    [Theory]
    [InlineData("flatten")]
    [InlineData("flatten_0_2")]
    [InlineData("unflatten")]
    [InlineData("unflatten_1")]
    public void Repr_matches_PyTorch(string key)
    {
        Module m = key switch
        {
            "flatten" => new Flatten(), "flatten_0_2" => new Flatten(0, 2), "unflatten" => new Unflatten(1, 2, 5),
            _ => new Unflatten(-1, 10),
        };
        Assert.Equal(LayerCase.Repr(key), m.ToString());
    }
}
