namespace Lumen.NN;

/// <summary>
/// Shared state of batch and instance norm, PyTorch's <c>_NormBase</c>: parameters <c>weight</c> (ones) and <c>bias</c>
/// (zeros) of [num_features] when affine, and buffers <c>running_mean</c> (zeros), <c>running_var</c> (ones) and
/// <c>num_batches_tracked</c> (int64 0-d) when tracking running statistics, registered in PyTorch's order.
/// </summary>
public abstract class NormBase : Module
{
    public int NumFeatures { get; }
    public double Eps { get; }
    /// <summary>Weight of the newest batch in the running statistics; null means a cumulative moving average (1/num_batches_tracked).</summary>
    public double? Momentum { get; }
    public bool Affine { get; }
    public bool TrackRunningStats { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }
    public Tensor? RunningMean { get; }
    public Tensor? RunningVar { get; }
    /// <summary>Number of training batches seen (int64 0-d tensor).</summary>
    public Tensor? NumBatchesTracked { get; }

    protected NormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
        : this(numFeatures, eps, momentum, affine, trackRunningStats, adopt: null) { }

    /// <summary>As the other constructor, but with <paramref name="adopt"/> the new module takes over that module's
    /// parameters and buffers instead of making fresh ones (PyTorch's <c>convert_sync_batchnorm</c> assigns them), so an
    /// optimizer made earlier still steps the weights the new module uses.</summary>
    protected NormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, NormBase? adopt)
    {
        if (numFeatures <= 0) throw new ArgumentException($"{GetType().Name}: numFeatures ({numFeatures}) must be positive.");
        if (!(eps >= 0)) throw new ArgumentException($"{GetType().Name}: eps ({eps}) must be non-negative.");
        NumFeatures = numFeatures; Eps = eps; Momentum = momentum; Affine = affine; TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = adopt?.Weight is { } w ? RegisterParameter("weight", w)! : RegisterParameter("weight", Torch.Ones(numFeatures));
            Bias = adopt?.Bias is { } b ? RegisterParameter("bias", b)! : RegisterParameter("bias", Torch.Zeros(numFeatures));
        }
        else
        {
            RegisterParameter("weight", (Parameter?)null);
            RegisterParameter("bias", (Parameter?)null);
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", adopt?.RunningMean ?? Torch.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", adopt?.RunningVar ?? Torch.Ones(numFeatures));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", adopt?.NumBatchesTracked ?? Torch.Scalar(0L));
        }
        else
        {
            RegisterBuffer("running_mean", null);
            RegisterBuffer("running_var", null);
            RegisterBuffer("num_batches_tracked", null);
        }
    }

    /// <summary>Running mean to zeros, running variance to ones, the batch count to 0, PyTorch's <c>reset_running_stats()</c>.</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        using (Autograd.Autograd.NoGrad())
        {
            RunningMean!.Zero_();
            RunningVar!.Fill_(1f);
            NumBatchesTracked!.Zero_();
        }
    }

    /// <summary>Running statistics reset, weight to ones and bias to zeros, PyTorch's <c>reset_parameters()</c>.</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (Affine) { Init.Ones_(Weight!); Init.Zeros_(Bias!); }
    }

    /// <summary>Counts a training batch and returns the momentum to use for it (the cumulative factor when Momentum is null).</summary>
    protected double StepMomentum()
    {
        double factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats && NumBatchesTracked != null)
        {
            using (Autograd.Autograd.NoGrad()) NumBatchesTracked.Add_(Torch.Scalar(1L));
            if (Momentum == null) factor = 1.0 / NumBatchesTracked.Item<long>();
        }
        return factor;
    }

    public override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyFormat.Float(Eps)}, momentum={(Momentum is double m ? PyFormat.Float(m) : "None")}, " +
        $"affine={PyFormat.Bool(Affine)}, track_running_stats={PyFormat.Bool(TrackRunningStats)}";
}
