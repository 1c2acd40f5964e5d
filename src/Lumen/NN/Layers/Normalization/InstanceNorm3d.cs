namespace Lumen.NN;

/// <summary>Instance normalisation of a (N, C, D, H, W) or (C, D, H, W) input, PyTorch's <c>nn.InstanceNorm3d(num_features, eps=1e-05,
/// momentum=0.1, affine=False, track_running_stats=False)</c>. See <see cref="InstanceNormBase"/>.</summary>
public sealed class InstanceNorm3d : InstanceNormBase
{
    public InstanceNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false)
        : base(numFeatures, eps, momentum, affine, trackRunningStats) { }

    private protected override int BatchedRank => 5;
}
