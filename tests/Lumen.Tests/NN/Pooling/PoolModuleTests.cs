using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Pooling;

/// <summary>Pooling and upsampling modules: PyTorch's exact reprs, forward through F, and errors that name the module.</summary>
public class PoolModuleTests
{
    public static TheoryData<string> ReprNames() => new()
    {
        "MaxPool2d(2, 2)", "MaxPool2d(3, 2, 1, ceil)", "MaxPool2d asym", "MaxPool1d(2)", "MaxPool3d((1,2,2))", "AvgPool2d(2, 2)",
        "AvgPool2d asym", "AvgPool1d(2)", "AvgPool3d(2)", "AdaptiveAvgPool2d((1,1))", "AdaptiveAvgPool2d(7)", "AdaptiveAvgPool1d(3)",
        "AdaptiveAvgPool3d((2,3,4))", "AdaptiveMaxPool2d(3)", "MaxUnpool2d(2, 2)", "MaxUnpool1d(2)", "MaxUnpool3d(2)", "Upsample(x2)",
        "Upsample(size=4)", "Upsample(size=(3,4))", "Upsample(x1.5 bilinear ac)", "Upsample((2,1.5))", "Upsample(1e-5)",
        "UpsamplingNearest2d(x2)", "UpsamplingBilinear2d(x2)", "UpsamplingNearest2d(size=3)", "Sequential",
    };

    private static Module Make(string name) => name switch
    {
        "MaxPool2d(2, 2)" => new MaxPool2d(2, 2),
        "MaxPool2d(3, 2, 1, ceil)" => new MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true),
        "MaxPool2d asym" => new MaxPool2d((2, 3), (1, 2), (1, 0), dilation: (2, 1)),
        "MaxPool1d(2)" => new MaxPool1d(2),
        "MaxPool3d((1,2,2))" => new MaxPool3d((1, 2, 2)),
        "AvgPool2d(2, 2)" => new AvgPool2d(2, 2),
        "AvgPool2d asym" => new AvgPool2d((2, 3), (1, 2), (1, 0), ceilMode: true, countIncludePad: false, divisorOverride: 3),
        "AvgPool1d(2)" => new AvgPool1d(2),
        "AvgPool3d(2)" => new AvgPool3d(2),
        "AdaptiveAvgPool2d((1,1))" => new AdaptiveAvgPool2d((1, 1)),
        "AdaptiveAvgPool2d(7)" => new AdaptiveAvgPool2d(7),
        "AdaptiveAvgPool1d(3)" => new AdaptiveAvgPool1d(3),
        "AdaptiveAvgPool3d((2,3,4))" => new AdaptiveAvgPool3d((2, 3, 4)),
        "AdaptiveMaxPool2d(3)" => new AdaptiveMaxPool2d(3),
        "MaxUnpool2d(2, 2)" => new MaxUnpool2d(2, 2),
        "MaxUnpool1d(2)" => new MaxUnpool1d(2),
        "MaxUnpool3d(2)" => new MaxUnpool3d(2),
        "Upsample(x2)" => new Upsample(scaleFactor: 2),
        "Upsample(size=4)" => new Upsample(size: 4),
        "Upsample(size=(3,4))" => new Upsample(size: (3, 4)),
        "Upsample(x1.5 bilinear ac)" => new Upsample(scaleFactor: 1.5, mode: "bilinear", alignCorners: true),
        "Upsample((2,1.5))" => new Upsample(scaleFactor: (2, 1.5)),
        "Upsample(1e-5)" => new Upsample(scaleFactor: 1e-5),
        "UpsamplingNearest2d(x2)" => new UpsamplingNearest2d(scaleFactor: 2),
        "UpsamplingBilinear2d(x2)" => new UpsamplingBilinear2d(scaleFactor: 2),
        "UpsamplingNearest2d(size=3)" => new UpsamplingNearest2d(size: 3),
        "Sequential" => new Sequential(new MaxPool2d(2), new AdaptiveAvgPool2d((1, 1))),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ReprNames))]
    public void Module_repr_matches_PyTorch(string name)
    {
        var expected = Fixtures.Case("pool", "reprs").Str(name);
        Assert.Equal(expected, Make(name).ToString());
    }

    [Fact]
    public void Modules_forward_through_the_functional_ops_and_keep_no_parameters()
    {
        var x = PoolData.Randn(7, 2, 3, 8, 8);
        TensorAssert.Close(F.MaxPool2d(x, 3, 2, 1, ceilMode: true), new MaxPool2d(3, 2, 1, ceilMode: true).Call(x), 0);
        TensorAssert.Close(F.AvgPool2d(x, 2), new AvgPool2d(2).Call(x), 0);
        TensorAssert.Close(F.AdaptiveAvgPool2d(x, (3, 5)), new AdaptiveAvgPool2d((3, 5)).Call(x), 0);
        TensorAssert.Close(F.AdaptiveMaxPool2d(x, 3), new AdaptiveMaxPool2d(3).Call(x), 0);
        TensorAssert.Close(F.Interpolate(x, scaleFactor: 2), new Upsample(scaleFactor: 2).Call(x), 0);
        TensorAssert.Close(F.Interpolate(x, scaleFactor: 2, mode: "bilinear", alignCorners: true), new UpsamplingBilinear2d(scaleFactor: 2).Call(x), 0);
        var pool = new MaxPool2d(2, returnIndices: true);
        var (v, i) = pool.ForwardWithIndices(x);
        var u = new MaxUnpool2d(2).Forward(v, i);
        Assert.Equal(x.Shape, u.Shape);
        TensorAssert.Close(v.Sum(), u.Sum(), 1e-5);
        Assert.Empty(pool.Parameters());
        Assert.Equal(new Shape(2, 3, 1, 1), new AdaptiveAvgPool2d((1, 1)).Call(x).Shape);
    }

    [Fact]
    public void A_wrongly_ranked_input_names_the_module_and_the_shape()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new MaxPool2d(2, 2).Call(PoolData.Randn(7, 64, 8)));
        Assert.Contains("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", ex.Message);
        Assert.Contains("[64, 8]", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => new AvgPool1d(2).Call(PoolData.Randn(7, 1, 2, 3, 4)));
        Assert.Throws<ShapeMismatchException>(() => new AdaptiveAvgPool3d(2).Call(PoolData.Randn(7, 2, 3)));
    }
}
