using Lumen.NN;
using Module = Lumen.NN.Module;
using Xunit;

namespace Lumen.Tests.NN.Pooling;

/// <summary>PyTorch's <c>values, indices = nn.MaxPool2d(2, return_indices=True)(x)</c>: the module call gives the pair
/// (fixtures from PyTorch 1.13 called as modules), and the values-only Call refuses rather than drop the indices.</summary>
public class PoolIndicesCallTests
{
    public static TheoryData<string> Cases => new() { "maxpool1d", "maxpool2d", "maxpool2d_ceil", "maxpool3d", "adaptive1d", "adaptive2d", "adaptive3d" };

    private static Module Make(string name) => name switch
    {
        "maxpool1d" => new MaxPool1d(3, stride: 2, padding: 1, returnIndices: true),
        "maxpool2d" => new MaxPool2d(2, returnIndices: true),
        "maxpool2d_ceil" => new MaxPool2d(3, stride: 2, ceilMode: true, returnIndices: true),
        "maxpool3d" => new MaxPool3d(2, returnIndices: true),
        "adaptive1d" => new AdaptiveMaxPool1d(4, returnIndices: true),
        "adaptive2d" => new AdaptiveMaxPool2d((3, 2), returnIndices: true),
        _ => new AdaptiveMaxPool3d(2, returnIndices: true),
    };

    private static ValuesIndices CallWithIndices(Module m, Tensor x) => m switch
    {
        MaxPoolNd p => p.CallWithIndices(x),
        AdaptiveMaxPool1d a => a.CallWithIndices(x),
        AdaptiveMaxPool2d a => a.CallWithIndices(x),
        AdaptiveMaxPool3d a => a.CallWithIndices(x),
        _ => throw new ArgumentException(m.GetType().Name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_module_call_with_indices_gives_PyTorchs_values_and_indices(string name)
    {
        var c = Fixtures.Case("api", "pool_" + name);
        var (values, indices) = CallWithIndices(Make(name), c.Tensor("x"));
        TensorAssert.Equal(c.Tensor("values"), values);
        TensorAssert.Equal(c.Tensor("indices"), indices);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_values_only_Call_refuses_to_drop_the_indices(string name)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Make(name).Call(Fixtures.Case("api", "pool_" + name).Tensor("x")));
        Assert.Contains("returnIndices: true", ex.Message);
        Assert.Contains("CallWithIndices(x)", ex.Message);
    }

    [Fact]
    public void MaxUnpool2d_called_on_the_pair_puts_values_back_as_PyTorch()
    {
        var c = Fixtures.Case("api", "pool_maxpool2d");
        var (values, indices) = new MaxPool2d(2, returnIndices: true).CallWithIndices(c.Tensor("x"));
        TensorAssert.Equal(c.Tensor("unpooled"), new MaxUnpool2d(2).Call(values, indices));
    }

    [Fact]
    public void A_pool_without_returnIndices_still_calls_to_values()
    {
        var x = Fixtures.Case("api", "pool_maxpool2d").Tensor("x");
        TensorAssert.Equal(Fixtures.Case("api", "pool_maxpool2d").Tensor("values"), new MaxPool2d(2).Call(x));
    }
}
