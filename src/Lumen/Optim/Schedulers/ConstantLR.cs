namespace Lumen.Optim.Schedulers;

/// <summary>Multiplies each group's rate by <c>factor</c> until epoch <c>totalIters</c>, then restores it,
/// PyTorch's <c>ConstantLR</c> (often the warm-up stage of a <see cref="SequentialLR"/>).</summary>
public sealed class ConstantLR : LRScheduler
{
    public double Factor { get; private set; }
    public int TotalIters { get; private set; }

    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int totalIters = 5, int lastEpoch = -1) : base(optimizer)
    {
        if (!(factor >= 0 && factor <= 1))
            throw new ArgumentException($"ConstantLR: Constant multiplicative factor expected to be between 0 and 1, got {factor}.");
        Factor = factor; TotalIters = totalIters;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr()
    {
        if (LastEpoch == 0) return GroupLrs().Select(lr => lr * Factor).ToArray();
        if (LastEpoch != TotalIters) return GroupLrs();
        return GroupLrs().Select(lr => lr * (1.0 / Factor)).ToArray();
    }

    protected override double[] GetClosedFormLr() =>
        BaseLrs.Select(b => b * (Factor + (LastEpoch >= TotalIters ? 1 : 0) * (1 - Factor))).ToArray();

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict(); d["factor"] = Factor; d["total_iters"] = TotalIters; return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("factor", out var f)) Factor = StateValues.Double(f);
        if (s.TryGetValue("total_iters", out var t)) TotalIters = StateValues.Int(t);
    }
}
