namespace Lumen.NN;

/// <summary>
/// Batch normalisation over the channel dim, PyTorch's <c>_BatchNorm</c> (base of <see cref="BatchNorm1d"/>,
/// <see cref="BatchNorm2d"/>, <see cref="BatchNorm3d"/>). In training mode each channel is normalised with the batch's
/// mean and biased variance and the running statistics are updated (unbiased variance, momentum or cumulative average);
/// in eval mode the running statistics normalise (the batch statistics if the module does not track them).
/// </summary>
public abstract class BatchNormBase : NormBase
{
    private protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
        : base(numFeatures, eps, momentum, affine, trackRunningStats) { }

    /// <summary>The input layouts this module accepts, e.g. "4-D input (N, C, H, W)".</summary>
    private protected abstract string ExpectedInput { get; }
    private protected abstract bool RankOk(int ndim);

    public override Tensor Forward(Tensor input)
    {
        if (!RankOk(input.Ndim) || input.Size(1) != NumFeatures)
            throw new ShapeMismatchException($"{this} got input {input.Shape}: expected {ExpectedInput} with C = {NumFeatures}");
        // The output of a convolution this batch norm was folded into is already normalised (FuseForInference).
        if (FusedOutputs.Armed && FusedOutputs.TakeForBatchNorm(input, this)) return input;
        double factor = StepMomentum();
        bool useBatchStats = Training || (RunningMean == null && RunningVar == null);
        bool passStats = !Training || TrackRunningStats;
        return F.BatchNorm(input, passStats ? RunningMean : null, passStats ? RunningVar : null, Weight, Bias,
                           useBatchStats, factor, Eps);
    }
}
