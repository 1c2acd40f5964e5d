namespace Lumen.NN;

/// <summary>
/// Batch normalisation of a (N, C, D, H, W) input over its C channels, PyTorch's
/// <c>nn.BatchNorm3d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)</c>; the output has the
/// input's shape. <c>momentum: null</c> keeps a cumulative moving average. See <see cref="BatchNormBase"/>.
/// </summary>
public sealed class BatchNorm3d : BatchNormBase
{
    public BatchNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats) { }

    private protected override string ExpectedInput => "5-D input (N, C, D, H, W)";
    private protected override bool RankOk(int ndim) => ndim == 5;
}
