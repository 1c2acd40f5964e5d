namespace Lumen.Optim.Schedulers;

/// <summary>Scales each group's rate by a factor that moves linearly from <c>startFactor</c> to <c>endFactor</c> over
/// <c>totalIters</c> epochs, PyTorch's <c>LinearLR</c> (warm-up or linear decay). Recursive form:
/// lr ← lr · (1 + (end − start) / (total·start + (epoch − 1)·(end − start))).</summary>
public sealed class LinearLR : LRScheduler
{
    public double StartFactor { get; private set; }
    public double EndFactor { get; private set; }
    public int TotalIters { get; private set; }

    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(optimizer)
    {
        if (!(startFactor >= 0 && startFactor <= 1))
            throw new ArgumentException($"LinearLR: Starting multiplicative factor expected to be between 0 and 1, got {startFactor}.");
        if (!(endFactor >= 0 && endFactor <= 1))
            throw new ArgumentException($"LinearLR: Ending multiplicative factor expected to be between 0 and 1, got {endFactor}.");
        StartFactor = startFactor; EndFactor = endFactor; TotalIters = totalIters;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr()
    {
        if (LastEpoch == 0) return GroupLrs().Select(lr => lr * StartFactor).ToArray();
        if (LastEpoch > TotalIters) return GroupLrs();
        double f = 1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor));
        return GroupLrs().Select(lr => lr * f).ToArray();
    }

    protected override double[] GetClosedFormLr() =>
        BaseLrs.Select(b => b * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters)).ToArray();

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict(); d["start_factor"] = StartFactor; d["end_factor"] = EndFactor; d["total_iters"] = TotalIters; return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("start_factor", out var a)) StartFactor = StateValues.Double(a);
        if (s.TryGetValue("end_factor", out var b)) EndFactor = StateValues.Double(b);
        if (s.TryGetValue("total_iters", out var t)) TotalIters = StateValues.Int(t);
    }
}
