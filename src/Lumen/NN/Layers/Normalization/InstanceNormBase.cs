namespace Lumen.NN;

/// <summary>
/// Instance normalisation, PyTorch's <c>_InstanceNorm</c> (base of <see cref="InstanceNorm1d"/>,
/// <see cref="InstanceNorm2d"/>, <see cref="InstanceNorm3d"/>): each (sample, channel) plane is normalised by its own
/// mean and biased variance. By default there is no affine map and no running statistics (affine: false,
/// trackRunningStats: false); with tracking, eval mode uses the running statistics. An input without the batch dim is
/// accepted.
/// </summary>
public abstract class InstanceNormBase : NormBase
{
    private protected InstanceNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
        : base(numFeatures, eps, momentum, affine, trackRunningStats) { }

    /// <summary>Rank of a batched input (3 for 1d, 4 for 2d, 5 for 3d).</summary>
    private protected abstract int BatchedRank { get; }

    public override Tensor Forward(Tensor input)
    {
        int r = BatchedRank;
        if (input.Ndim != r && input.Ndim != r - 1)
            throw new ShapeMismatchException($"{this} got input {input.Shape}: expected {r - 1}-D (unbatched) or {r}-D (batched) input");
        bool unbatched = input.Ndim == r - 1;
        var x = unbatched ? input.Unsqueeze(0) : input;
        if (x.Size(1) != NumFeatures && Affine)
            throw new ShapeMismatchException($"{this} got input {input.Shape}: expected {NumFeatures} channels");
        var y = F.InstanceNorm(x, RunningMean, RunningVar, Weight, Bias, Training || !TrackRunningStats, Momentum ?? 0.1, Eps);
        return unbatched ? y.Squeeze(0) : y;
    }
}
