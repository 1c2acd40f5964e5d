namespace Lumen.Optim.Schedulers;

/// <summary>Cosine annealing from each group's rate to <c>etaMin</c> over <c>tMax</c> epochs (and back up after, as
/// PyTorch's recursive form does), PyTorch's <c>CosineAnnealingLR</c>:
/// lr ← (1 + cos(π·e/T)) / (1 + cos(π·(e−1)/T)) · (lr − η_min) + η_min; closed form η_min + (base − η_min)(1 + cos(π·e/T))/2.</summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    public int TMax { get; private set; }
    public double EtaMin { get; private set; }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer)
    {
        if (tMax < 1) throw new ArgumentException($"CosineAnnealingLR: tMax must be >= 1, got {tMax}.");
        TMax = tMax; EtaMin = etaMin;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0) return lrs;
        if (StepCount == 1 && LastEpoch > 0)
            return BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(LastEpoch * Math.PI / TMax)) / 2).ToArray();
        if (StateValues.Mod(LastEpoch - 1 - TMax, 2 * TMax) == 0)
            return lrs.Select((lr, i) => lr + (BaseLrs[i] - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2).ToArray();
        return lrs.Select(lr => (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax)) * (lr - EtaMin) + EtaMin).ToArray();
    }

    protected override double[] GetClosedFormLr() =>
        BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2).ToArray();

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict(); d["T_max"] = TMax; d["eta_min"] = EtaMin; return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("T_max", out var t)) TMax = StateValues.Int(t);
        if (s.TryGetValue("eta_min", out var e)) EtaMin = StateValues.Double(e);
    }
}
