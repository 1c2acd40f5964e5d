namespace Lumen.Optim.Schedulers;

/// <summary>The 1cycle policy (Smith &amp; Topin 2018), stepped once per batch, PyTorch's <c>OneCycleLR</c>: the rate
/// anneals from max_lr/<c>divFactor</c> up to <c>maxLr</c> over <c>pctStart</c> of the steps, then down to
/// initial_lr/<c>finalDivFactor</c> (with <c>threePhase</c>, back to the initial rate first). With <c>cycleMomentum</c>
/// the momentum (SGD's <c>"momentum"</c> or Adam's β1) moves inversely between <c>maxMomentum</c> and
/// <c>baseMomentum</c>. Stepping beyond <c>totalSteps</c> throws.</summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly record struct Phase(double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum);

    private readonly Phase[] _phases;
    public int TotalSteps { get; }
    public AnnealStrategy AnnealStrategy { get; }
    public bool CycleMomentum { get; }
    private readonly bool _useBeta1;

    public OneCycleLR(Optimizer optimizer, PerGroup maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
                      double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true,
                      PerGroup? baseMomentum = null, PerGroup? maxMomentum = null, double divFactor = 25.0,
                      double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1) : base(optimizer)
    {
        if (totalSteps == null && (epochs == null || stepsPerEpoch == null))
            throw new ArgumentException("OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch).");
        if (totalSteps != null)
        {
            if (totalSteps <= 0) throw new ArgumentException($"OneCycleLR: Expected positive integer total_steps, but got {totalSteps}.");
            TotalSteps = totalSteps.Value;
        }
        else
        {
            if (epochs <= 0) throw new ArgumentException($"OneCycleLR: Expected positive integer epochs, but got {epochs}.");
            if (stepsPerEpoch <= 0) throw new ArgumentException($"OneCycleLR: Expected positive integer steps_per_epoch, but got {stepsPerEpoch}.");
            TotalSteps = epochs!.Value * stepsPerEpoch!.Value;
        }
        _phases = threePhase
            ? new[]
            {
                new Phase(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(2 * pctStart * TotalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                new Phase(TotalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            }
            : new[]
            {
                new Phase(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(TotalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            };
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentException($"OneCycleLR: Expected float between 0 and 1 pct_start, but got {pctStart}.");
        AnnealStrategy = annealStrategy;
        var maxLrs = Format("max_lr", maxLr);
        if (lastEpoch == -1)
            for (int i = 0; i < Groups.Count; i++)
            {
                Groups[i]["initial_lr"] = maxLrs[i] / divFactor;
                Groups[i]["max_lr"] = maxLrs[i];
                Groups[i]["min_lr"] = Groups[i].GetDouble("initial_lr") / finalDivFactor;
            }
        CycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum") && !optimizer.Defaults.ContainsKey("betas"))
                throw new ArgumentException($"OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled ({optimizer.Name} has neither 'momentum' nor 'betas').");
            _useBeta1 = optimizer.Defaults.ContainsKey("betas");
            var maxMoms = Format("max_momentum", maxMomentum ?? 0.95);
            var baseMoms = Format("base_momentum", baseMomentum ?? 0.85);
            if (lastEpoch == -1)
                for (int i = 0; i < Groups.Count; i++)
                {
                    SetMomentum(Groups[i], maxMoms[i]);
                    Groups[i]["max_momentum"] = maxMoms[i];
                    Groups[i]["base_momentum"] = baseMoms[i];
                }
        }
        Initialize(lastEpoch);
        InitialStep();
    }

    private void SetMomentum(ParamGroup g, double m)
    {
        if (_useBeta1) g["betas"] = new[] { m, g.GetPair("betas").Item2 };
        else g["momentum"] = m;
    }

    private double Anneal(double start, double end, double pct) => AnnealStrategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    protected override double[] GetLr()
    {
        int stepNum = LastEpoch;
        if (stepNum > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: Tried to step {stepNum + 1} times. The specified number of total steps is {TotalSteps}.");
        var lrs = new double[Groups.Count];
        for (int gi = 0; gi < Groups.Count; gi++)
        {
            var g = Groups[gi];
            double startStep = 0, lr = 0, momentum = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var ph = _phases[i];
                if (stepNum <= ph.EndStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - startStep) / (ph.EndStep - startStep);
                    lr = Anneal(g.GetDouble(ph.StartLr), g.GetDouble(ph.EndLr), pct);
                    if (CycleMomentum) momentum = Anneal(g.GetDouble(ph.StartMomentum), g.GetDouble(ph.EndMomentum), pct);
                    break;
                }
                startStep = ph.EndStep;
            }
            lrs[gi] = lr;
            if (CycleMomentum) SetMomentum(g, momentum);
        }
        return lrs;
    }

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict();
        d["total_steps"] = TotalSteps;
        d["_schedule_phases"] = _phases.Select(p => new Dictionary<string, object?>
        {
            ["end_step"] = p.EndStep, ["start_lr"] = p.StartLr, ["end_lr"] = p.EndLr,
            ["start_momentum"] = p.StartMomentum, ["end_momentum"] = p.EndMomentum,
        }).ToList();
        d["anneal_strategy"] = AnnealStrategy == AnnealStrategy.Cos ? "cos" : "linear";
        d["cycle_momentum"] = CycleMomentum;
        d["use_beta1"] = _useBeta1;
        return d;
    }
}
