namespace Lumen.Optim.Schedulers;

/// <summary>Cyclical learning rate between <c>baseLr</c> and <c>maxLr</c> (Smith 2017), stepped once per batch,
/// PyTorch's <c>CyclicLR</c>. With <c>cycleMomentum</c> the optimizer's <c>"momentum"</c> cycles inversely between
/// <c>maxMomentum</c> and <c>baseMomentum</c> (the optimizer must have a momentum option). Constructing it sets each
/// group's rate to <c>baseLr</c>.</summary>
public sealed class CyclicLR : LRScheduler
{
    private readonly Func<double, double>? _customScale;
    public double[] MaxLrs { get; private set; }
    public double TotalSize { get; private set; }
    public double StepRatio { get; private set; }
    public CyclicMode Mode { get; }
    public double Gamma { get; private set; }
    public ScaleMode ScaleMode { get; }
    public bool CycleMomentum { get; }
    public double[] BaseMomentums { get; private set; } = Array.Empty<double>();
    public double[] MaxMomentums { get; private set; } = Array.Empty<double>();

    public CyclicLR(Optimizer optimizer, PerGroup baseLr, PerGroup maxLr, double stepSizeUp = 2000, double? stepSizeDown = null,
                    CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, Func<double, double>? scaleFn = null,
                    ScaleMode scaleMode = ScaleMode.Cycle, bool cycleMomentum = true, PerGroup? baseMomentum = null,
                    PerGroup? maxMomentum = null, int lastEpoch = -1) : base(optimizer)
    {
        var baseLrs = Format("base_lr", baseLr);
        if (lastEpoch == -1)
            for (int i = 0; i < Groups.Count; i++) Groups[i].Lr = baseLrs[i];
        MaxLrs = Format("max_lr", maxLr);
        double down = stepSizeDown ?? stepSizeUp;
        if (!(stepSizeUp > 0) || !(down > 0))
            throw new ArgumentException($"CyclicLR: step sizes must be > 0, got stepSizeUp {stepSizeUp}, stepSizeDown {down}.");
        TotalSize = stepSizeUp + down;
        StepRatio = stepSizeUp / TotalSize;
        Mode = mode;
        Gamma = gamma;
        _customScale = scaleFn;
        ScaleMode = scaleFn != null ? scaleMode : mode == CyclicMode.ExpRange ? ScaleMode.Iterations : ScaleMode.Cycle;
        CycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum"))
                throw new ArgumentException($"CyclicLR: optimizer must support momentum with `cycle_momentum` option enabled ({optimizer.Name} has no 'momentum').");
            var baseMoms = Format("base_momentum", baseMomentum ?? 0.8);
            if (lastEpoch == -1)
                for (int i = 0; i < Groups.Count; i++) Groups[i]["momentum"] = baseMoms[i];
            BaseMomentums = Groups.Select(g => g.GetDouble("momentum")).ToArray();
            MaxMomentums = Format("max_momentum", maxMomentum ?? 0.9);
        }
        Initialize(lastEpoch);
        InitialStep();
        BaseLrs = baseLrs;
    }

    private double Scale(double x) => _customScale != null ? _customScale(x) : Mode switch
    {
        CyclicMode.Triangular => 1.0,
        CyclicMode.Triangular2 => 1 / Math.Pow(2.0, x - 1),
        _ => Math.Pow(Gamma, x),
    };

    protected override double[] GetLr()
    {
        double cycle = Math.Floor(1 + LastEpoch / TotalSize);
        double x = 1.0 + LastEpoch / TotalSize - cycle;
        double scaleFactor = x <= StepRatio ? x / StepRatio : (x - 1) / (StepRatio - 1);
        double s = Scale(ScaleMode == ScaleMode.Cycle ? cycle : LastEpoch);
        var lrs = BaseLrs.Select((b, i) => b + (MaxLrs[i] - b) * scaleFactor * s).ToArray();
        if (CycleMomentum)
            for (int i = 0; i < Groups.Count; i++)
                Groups[i]["momentum"] = MaxMomentums[i] - (MaxMomentums[i] - BaseMomentums[i]) * scaleFactor * s;
        return lrs;
    }

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict();
        d["max_lrs"] = (double[])MaxLrs.Clone();
        d["total_size"] = TotalSize;
        d["step_ratio"] = StepRatio;
        d["mode"] = Mode switch { CyclicMode.Triangular => "triangular", CyclicMode.Triangular2 => "triangular2", _ => "exp_range" };
        d["gamma"] = Gamma;
        d["scale_mode"] = ScaleMode == ScaleMode.Cycle ? "cycle" : "iterations";
        d["cycle_momentum"] = CycleMomentum;
        if (CycleMomentum) { d["base_momentums"] = (double[])BaseMomentums.Clone(); d["max_momentums"] = (double[])MaxMomentums.Clone(); }
        return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("max_lrs", out var m)) MaxLrs = StateValues.Doubles(m);
        if (s.TryGetValue("total_size", out var t)) TotalSize = StateValues.Double(t);
        if (s.TryGetValue("step_ratio", out var r)) StepRatio = StateValues.Double(r);
        if (s.TryGetValue("gamma", out var g)) Gamma = StateValues.Double(g);
        if (s.TryGetValue("base_momentums", out var bm)) BaseMomentums = StateValues.Doubles(bm);
        if (s.TryGetValue("max_momentums", out var mm)) MaxMomentums = StateValues.Doubles(mm);
    }
}
