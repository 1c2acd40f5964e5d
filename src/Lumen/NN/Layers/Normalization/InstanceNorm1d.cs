namespace Lumen.NN;

/// <summary>Instance normalisation of a (N, C, L) or (C, L) input, PyTorch's <c>nn.InstanceNorm1d(num_features, eps=1e-05,
/// momentum=0.1, affine=False, track_running_stats=False)</c>. See <see cref="InstanceNormBase"/>.</summary>
public sealed class InstanceNorm1d : InstanceNormBase
{
    public InstanceNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false)
        : base(numFeatures, eps, momentum, affine, trackRunningStats) { }

    private protected override int BatchedRank => 3;
}
