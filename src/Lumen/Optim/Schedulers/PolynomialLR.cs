namespace Lumen.Optim.Schedulers;

/// <summary>Decays each group's rate polynomially to 0 over <c>totalIters</c> epochs, PyTorch's <c>PolynomialLR</c>:
/// lr = base_lr · (1 − min(epoch, total)/total)^power (applied recursively).</summary>
public sealed class PolynomialLR : LRScheduler
{
    public int TotalIters { get; private set; }
    public double Power { get; private set; }

    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0, int lastEpoch = -1) : base(optimizer)
    {
        TotalIters = totalIters; Power = power;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr()
    {
        if (LastEpoch == 0 || LastEpoch > TotalIters) return GroupLrs();
        double decay = Math.Pow((1.0 - (double)LastEpoch / TotalIters) / (1.0 - (double)(LastEpoch - 1) / TotalIters), Power);
        return GroupLrs().Select(lr => lr * decay).ToArray();
    }

    protected override double[] GetClosedFormLr() =>
        BaseLrs.Select(b => b * Math.Pow(1.0 - (double)Math.Min(TotalIters, LastEpoch) / TotalIters, Power)).ToArray();

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict(); d["total_iters"] = TotalIters; d["power"] = Power; return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("total_iters", out var t)) TotalIters = StateValues.Int(t);
        if (s.TryGetValue("power", out var p)) Power = StateValues.Double(p);
    }
}
