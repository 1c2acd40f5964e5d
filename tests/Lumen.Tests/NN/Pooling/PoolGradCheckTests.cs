using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Pooling;

/// <summary>Finite-difference gradient checks of every pooling op (inputs without ties for the max pools).</summary>
public class PoolGradCheckTests
{
    public static TheoryData<string> Ops() => new()
    {
        "max_pool1d", "max_pool2d_2x2", "max_pool2d_ceil_pad_dilation", "max_pool2d_unbatched", "max_pool3d", "max_unpool2d",
        "max_unpool1d", "max_unpool3d", "avg_pool1d", "avg_pool2d_ceil_pad", "avg_pool2d_noinc", "avg_pool2d_divisor", "avg_pool3d",
        "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool2d_one", "adaptive_avg_pool3d", "adaptive_max_pool1d",
        "adaptive_max_pool2d", "adaptive_max_pool3d",
    };

    private static (Func<Tensor, Tensor>, Tensor) G(Func<Tensor, Tensor> f, Tensor x) => (f, x);

    [Theory]
    [MemberData(nameof(Ops))]
    public void Pooling_op_passes_gradcheck(string op)
    {
        var idx2 = F.MaxPool2dWithIndices(PoolData.Distinct(5, 2, 2, 6, 6), 2).Indices;
        // Non-overlapping windows: with overlap, two outputs can share an argmax and unpooling keeps only the last write.
        var idx1 = F.MaxPool1dWithIndices(PoolData.Distinct(6, 2, 3, 9), 3).Indices;
        var idx3 = F.MaxPool3dWithIndices(PoolData.Distinct(7, 1, 2, 4, 4, 4), 2).Indices;
        (Func<Tensor, Tensor> f, Tensor x) = op switch
        {
            "max_pool1d" => G(x => F.MaxPool1d(x, 3, 2, 1, ceilMode: true), PoolData.Distinct(1, 2, 3, 10)),
            "max_pool2d_2x2" => G(x => F.MaxPool2d(x, 2, 2), PoolData.Distinct(2, 2, 3, 6, 10)),
            "max_pool2d_ceil_pad_dilation" => G(x => F.MaxPool2d(x, (3, 2), (2, 1), (1, 1), dilation: (1, 2), ceilMode: true), PoolData.Distinct(3, 1, 2, 7, 8)),
            "max_pool2d_unbatched" => G(x => F.MaxPool2d(x, 3, 1, 1), PoolData.Distinct(4, 2, 5, 5)),
            "max_pool3d" => G(x => F.MaxPool3d(x, (2, 3, 2), (2, 2, 1), (1, 1, 0), ceilMode: true), PoolData.Distinct(5, 1, 2, 5, 6, 4)),
            "max_unpool2d" => G(x => F.MaxUnpool2d(x, idx2, 2), PoolData.Randn(6, 2, 2, 3, 3)),
            "max_unpool1d" => G(x => F.MaxUnpool1d(x, idx1, 3), PoolData.Randn(7, 2, 3, 3)),
            "max_unpool3d" => G(x => F.MaxUnpool3d(x, idx3, 2), PoolData.Randn(8, 1, 2, 2, 2, 2)),
            "avg_pool1d" => G(x => F.AvgPool1d(x, 3, 2, 1, ceilMode: true, countIncludePad: false), PoolData.Randn(9, 2, 3, 10)),
            "avg_pool2d_ceil_pad" => G(x => F.AvgPool2d(x, 3, 2, 1, ceilMode: true), PoolData.Randn(10, 1, 2, 6, 7)),
            "avg_pool2d_noinc" => G(x => F.AvgPool2d(x, (3, 2), (2, 1), (1, 1), ceilMode: true, countIncludePad: false), PoolData.Randn(11, 1, 2, 6, 7)),
            "avg_pool2d_divisor" => G(x => F.AvgPool2d(x, 3, 2, 1, divisorOverride: 4), PoolData.Randn(12, 2, 6, 7)),
            "avg_pool3d" => G(x => F.AvgPool3d(x, (2, 3, 2), (2, 2, 1), (1, 1, 0), ceilMode: true), PoolData.Randn(13, 1, 2, 5, 6, 4)),
            "adaptive_avg_pool1d" => G(x => F.AdaptiveAvgPool1d(x, 4), PoolData.Randn(14, 2, 3, 10)),
            "adaptive_avg_pool2d" => G(x => F.AdaptiveAvgPool2d(x, (3, 4)), PoolData.Randn(15, 2, 2, 7, 9)),
            "adaptive_avg_pool2d_one" => G(x => F.AdaptiveAvgPool2d(x, 1), PoolData.Randn(16, 2, 2, 3, 4)),
            "adaptive_avg_pool3d" => G(x => F.AdaptiveAvgPool3d(x, (2, 3, 2)), PoolData.Randn(17, 1, 2, 5, 4, 3)),
            "adaptive_max_pool1d" => G(x => F.AdaptiveMaxPool1d(x, 4), PoolData.Distinct(18, 2, 3, 10)),
            "adaptive_max_pool2d" => G(x => F.AdaptiveMaxPool2d(x, (3, 4)), PoolData.Distinct(19, 2, 2, 7, 9)),
            "adaptive_max_pool3d" => G(x => F.AdaptiveMaxPool3d(x, (2, 3, 2)), PoolData.Distinct(20, 1, 2, 5, 4, 3)),
            _ => throw new ArgumentException(op),
        };
        GradCheck.Assert(xs => f(xs[0]), x);
    }
}
