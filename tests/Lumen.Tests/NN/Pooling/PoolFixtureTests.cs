using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Pooling;

/// <summary>Pooling and max unpooling against PyTorch 1.13 (tests/Fixtures/gen_pool.py): forward values, argmax indices,
/// grad_fn names and input gradients of a fixed random upstream gradient, on the odd configurations.</summary>
public class PoolFixtureTests
{
    private static (Tensor Out, Tensor? Idx) Run(string name, Tensor x, FixtureCase c) => name switch
    {
        "mp2d_basic" => Vi(F.MaxPool2dWithIndices(x, 2)),
        "mp2d_asym" => Vi(F.MaxPool2dWithIndices(x, (2, 3), (1, 2), (1, 1))),
        "mp2d_ceil_pad" => Vi(F.MaxPool2dWithIndices(x, 3, 2, 1, ceilMode: true)),
        "mp2d_ceil_nopad" => Vi(F.MaxPool2dWithIndices(x, 2, ceilMode: true)),
        "mp2d_dilation" => Vi(F.MaxPool2dWithIndices(x, 3, 2, 1, dilation: 2)),
        "mp2d_dil_ceil" => Vi(F.MaxPool2dWithIndices(x, (2, 3), (3, 2), (1, 1), dilation: (2, 3), ceilMode: true)),
        "mp2d_ties" => Vi(F.MaxPool2dWithIndices(x, 2)),
        "mp2d_ties_overlap" => Vi(F.MaxPool2dWithIndices(x, 3, 1, 1)),
        "mp2d_unbatched" => Vi(F.MaxPool2dWithIndices(x, 2)),
        "mp2d_fast" or "mp2d_fast_odd" or "mp2d_fast_ties" => Vi(F.MaxPool2dWithIndices(x, 2, 2)),
        "mp1d" => Vi(F.MaxPool1dWithIndices(x, 3, 2, 1, ceilMode: true)),
        "mp1d_unbatched" => Vi(F.MaxPool1dWithIndices(x, 2)),
        "mp1d_dilation" => Vi(F.MaxPool1dWithIndices(x, 2, 1, 1, dilation: 3)),
        "mp3d" => Vi(F.MaxPool3dWithIndices(x, (2, 3, 2), (2, 2, 1), (1, 1, 0), ceilMode: true)),
        "mp3d_basic" => Vi(F.MaxPool3dWithIndices(x, 2)),
        "mp3d_unbatched" => Vi(F.MaxPool3dWithIndices(x, (1, 2, 2))),
        "mp3d_dilation" => Vi(F.MaxPool3dWithIndices(x, 2, 1, 1, dilation: 2)),
        "mp3d_ties" => Vi(F.MaxPool3dWithIndices(x, 2, 1)),
        "unpool2d" => (F.MaxUnpool2d(x, c.Tensor("idx"), 2), null),
        "unpool2d_size" => (F.MaxUnpool2d(x, c.Tensor("idx"), 2, outputSize: new[] { 6, 7 }), null),
        "unpool1d" => (F.MaxUnpool1d(x, c.Tensor("idx"), 3, 2), null),
        "unpool3d" => (F.MaxUnpool3d(x, c.Tensor("idx"), 2), null),
        "ap2d_basic" => (F.AvgPool2d(x, 2), null),
        "ap2d_pad_ceil" or "ap2d_ceil_edge" => (F.AvgPool2d(x, 3, 2, 1, ceilMode: true), null),
        "ap2d_pad_ceil_noinc" => (F.AvgPool2d(x, 3, 2, 1, ceilMode: true, countIncludePad: false), null),
        "ap2d_divisor" => (F.AvgPool2d(x, 3, 2, 1, ceilMode: true, divisorOverride: 5), null),
        "ap2d_asym" => (F.AvgPool2d(x, (2, 3), (1, 2), (1, 0)), null),
        "ap2d_unbatched" => (F.AvgPool2d(x, 2, countIncludePad: false), null),
        "ap1d" => (F.AvgPool1d(x, 3, 2, 1, ceilMode: true, countIncludePad: false), null),
        "ap1d_basic" => (F.AvgPool1d(x, 2), null),
        "ap3d" => (F.AvgPool3d(x, (2, 3, 2), (2, 2, 1), (1, 1, 0), ceilMode: true), null),
        "ap3d_noinc" => (F.AvgPool3d(x, 3, 2, 1, ceilMode: true, countIncludePad: false), null),
        "ap3d_divisor" => (F.AvgPool3d(x, 2, 1, 1, divisorOverride: 3), null),
        "aap2d" => (F.AdaptiveAvgPool2d(x, (3, 4)), null),
        "aap2d_up" => (F.AdaptiveAvgPool2d(x, (5, 11)), null),
        "aap2d_one" => (F.AdaptiveAvgPool2d(x, 1), null),
        "aap2d_unbatched" => (F.AdaptiveAvgPool2d(x, 4), null),
        "aap1d" => (F.AdaptiveAvgPool1d(x, 4), null),
        "aap3d" => (F.AdaptiveAvgPool3d(x, (2, 3, 4)), null),
        "aap3d_one" => (F.AdaptiveAvgPool3d(x, 1), null),
        "amp2d" => Vi(F.AdaptiveMaxPool2dWithIndices(x, (3, 4))),
        "amp2d_ties" => Vi(F.AdaptiveMaxPool2dWithIndices(x, (4, 3))),
        "amp2d_unbatched" => Vi(F.AdaptiveMaxPool2dWithIndices(x, 3)),
        "amp1d" => Vi(F.AdaptiveMaxPool1dWithIndices(x, 4)),
        "amp3d" => Vi(F.AdaptiveMaxPool3dWithIndices(x, (2, 3, 4))),
        _ => throw new ArgumentException(name),
    };

    private static (Tensor, Tensor?) Vi(ValuesIndices r) => (r.Values, r.Indices);

    public static TheoryData<string> Cases() => new()
    {
        "mp2d_basic", "mp2d_asym", "mp2d_ceil_pad", "mp2d_ceil_nopad", "mp2d_dilation", "mp2d_dil_ceil", "mp2d_ties",
        "mp2d_ties_overlap", "mp2d_unbatched", "mp2d_fast", "mp2d_fast_odd", "mp2d_fast_ties", "mp1d", "mp1d_unbatched",
        "mp1d_dilation", "mp3d", "mp3d_basic", "mp3d_unbatched", "mp3d_dilation", "mp3d_ties",
        "unpool2d", "unpool2d_size", "unpool1d", "unpool3d",
        "ap2d_basic", "ap2d_pad_ceil", "ap2d_pad_ceil_noinc", "ap2d_ceil_edge", "ap2d_divisor", "ap2d_asym", "ap2d_unbatched",
        "ap1d", "ap1d_basic", "ap3d", "ap3d_noinc", "ap3d_divisor",
        "aap2d", "aap2d_up", "aap2d_one", "aap2d_unbatched", "aap1d", "aap3d", "aap3d_one",
        "amp2d", "amp2d_ties", "amp2d_unbatched", "amp1d", "amp3d",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pool_matches_PyTorch_forward_indices_grad_fn_and_input_gradient(string name)
    {
        var c = Fixtures.Case("pool", name);
        var x = c.Tensor("x").RequiresGrad_();
        var (y, idx) = Run(name, x, c);
        TensorAssert.Close(c.Tensor("out"), y, 1e-5, name + " forward");
        if (c.Has("idx") && idx != null) TensorAssert.Equal(c.Tensor("idx"), idx, name + " indices");
        Assert.Equal(c.Str("grad_fn"), y.GradFn!.Name);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("gx"), x.Grad!, 1e-5, name + " input gradient");
    }

    [Fact]
    public void MaxPool2d_propagates_NaN_and_reports_first_index_of_all_minus_infinity_windows_as_PyTorch()
    {
        var c = Fixtures.Case("pool", "mp2d_special");
        var x = c.Tensor("x");
        var (v, i) = F.MaxPool2dWithIndices(x, 2);          // the vectorised 2×2 path
        TensorAssert.Close(c.Tensor("out"), v, 0, "2x2 values");
        TensorAssert.Equal(c.Tensor("idx"), i, "2x2 indices");
        var (vg, ig) = F.MaxPool2dWithIndices(x, 3, 2, 1); // the generic path
        TensorAssert.Close(c.Tensor("out_generic"), vg, 0, "generic values");
        TensorAssert.Equal(c.Tensor("idx_generic"), ig, "generic indices");
    }
}
