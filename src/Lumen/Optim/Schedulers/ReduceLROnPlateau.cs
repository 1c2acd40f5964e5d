namespace Lumen.Optim.Schedulers;

/// <summary>
/// Reduces each group's rate by <c>factor</c> when a metric has not improved for more than <c>patience</c> epochs,
/// PyTorch's <c>ReduceLROnPlateau</c>. Improvement means, in <see cref="PlateauMode.Min"/> mode, a value below
/// best·(1 − threshold) (<see cref="ThresholdMode.Rel"/>) or best − threshold (<see cref="ThresholdMode.Abs"/>); mirrored
/// for <see cref="PlateauMode.Max"/>. After a reduction, <c>cooldown</c> epochs pass before bad epochs count again. Rates
/// never go below <c>minLr</c>, and a reduction smaller than <c>eps</c> is skipped.
/// <code>var plateau = new ReduceLROnPlateau(optimizer, patience: 2); ... plateau.Step(validationLoss);</code>
/// </summary>
public sealed class ReduceLROnPlateau : ILRScheduler
{
    public Optimizer Optimizer { get; }
    public PlateauMode Mode { get; private set; }
    public double Factor { get; private set; }
    public int Patience { get; private set; }
    public double Threshold { get; private set; }
    public ThresholdMode ThresholdMode { get; private set; }
    public int Cooldown { get; private set; }
    public double[] MinLrs { get; private set; }
    public double Eps { get; private set; }
    /// <summary>The best metric so far (±∞ before the first step).</summary>
    public double Best { get; private set; }
    public int NumBadEpochs { get; private set; }
    public int CooldownCounter { get; private set; }
    public int LastEpoch { get; private set; }
    private double[]? _lastLr;

    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0,
                             PerGroup? minLr = null, double eps = 1e-8)
    {
        if (factor >= 1.0) throw new ArgumentException($"ReduceLROnPlateau: Factor should be < 1.0, got {factor}.");
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Factor = factor;
        MinLrs = (minLr ?? 0.0).For(optimizer.ParamGroups.Count, "ReduceLROnPlateau: min_lr");
        Patience = patience; Cooldown = cooldown; Mode = mode; Threshold = threshold; ThresholdMode = thresholdMode; Eps = eps;
        LastEpoch = 0;
        Reset();
    }

    private double ModeWorse => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    private void Reset() { Best = ModeWorse; CooldownCounter = 0; NumBadEpochs = 0; }

    /// <summary>Records one epoch's metric and reduces the rates when it has plateaued.</summary>
    public void Step(double metrics)
    {
        double current = metrics;
        LastEpoch += 1;
        if (IsBetter(current, Best)) { Best = current; NumBadEpochs = 0; }
        else NumBadEpochs++;
        if (CooldownCounter > 0) { CooldownCounter--; NumBadEpochs = 0; }
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = Optimizer.ParamGroups.Select(g => g.Lr).ToArray();
    }

    /// <summary>Convenience for a 0-d loss tensor.</summary>
    public void Step(Tensor metrics) => Step((double)metrics.Item());

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            double oldLr = groups[i].Lr, newLr = Math.Max(oldLr * Factor, MinLrs[i]);
            if (oldLr - newLr > Eps) groups[i].Lr = newLr;
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    /// <summary>The group rates after the last step (before any step: the current rates; PyTorch 1.13 has none yet).</summary>
    public double[] GetLastLr() => _lastLr != null ? (double[])_lastLr.Clone() : Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    public Dictionary<string, object?> StateDict()
    {
        var d = new Dictionary<string, object?>
        {
            ["factor"] = Factor, ["min_lrs"] = (double[])MinLrs.Clone(), ["patience"] = Patience, ["verbose"] = false,
            ["cooldown"] = Cooldown, ["cooldown_counter"] = CooldownCounter, ["mode"] = Mode == PlateauMode.Min ? "min" : "max",
            ["threshold"] = Threshold, ["threshold_mode"] = ThresholdMode == ThresholdMode.Rel ? "rel" : "abs",
            ["best"] = Best, ["num_bad_epochs"] = NumBadEpochs, ["mode_worse"] = ModeWorse, ["eps"] = Eps, ["last_epoch"] = LastEpoch,
        };
        if (_lastLr != null) d["_last_lr"] = (double[])_lastLr.Clone();
        return d;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.TryGetValue("factor", out var v)) Factor = StateValues.Double(v);
        if (s.TryGetValue("min_lrs", out v)) MinLrs = StateValues.Doubles(v);
        if (s.TryGetValue("patience", out v)) Patience = StateValues.Int(v);
        if (s.TryGetValue("cooldown", out v)) Cooldown = StateValues.Int(v);
        if (s.TryGetValue("cooldown_counter", out v)) CooldownCounter = StateValues.Int(v);
        if (s.TryGetValue("mode", out v)) Mode = (string?)v == "max" ? PlateauMode.Max : PlateauMode.Min;
        if (s.TryGetValue("threshold", out v)) Threshold = StateValues.Double(v);
        if (s.TryGetValue("threshold_mode", out v)) ThresholdMode = (string?)v == "abs" ? ThresholdMode.Abs : ThresholdMode.Rel;
        if (s.TryGetValue("best", out v)) Best = StateValues.Double(v);
        if (s.TryGetValue("num_bad_epochs", out v)) NumBadEpochs = StateValues.Int(v);
        if (s.TryGetValue("eps", out v)) Eps = StateValues.Double(v);
        if (s.TryGetValue("last_epoch", out v)) LastEpoch = StateValues.Int(v);
        if (s.TryGetValue("_last_lr", out v)) _lastLr = StateValues.Doubles(v);
    }
}
