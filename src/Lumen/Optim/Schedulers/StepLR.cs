namespace Lumen.Optim.Schedulers;

/// <summary>Multiplies each group's rate by <c>gamma</c> every <c>stepSize</c> epochs, PyTorch's <c>StepLR</c>:
/// lr = base_lr · gamma^⌊epoch / step_size⌋ (applied recursively, so it composes with other schedulers).</summary>
public sealed class StepLR : LRScheduler
{
    public int StepSize { get; private set; }
    public double Gamma { get; private set; }

    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer)
    {
        if (stepSize < 1) throw new ArgumentException($"StepLR: stepSize must be >= 1, got {stepSize}.");
        StepSize = stepSize; Gamma = gamma;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr() =>
        LastEpoch == 0 || LastEpoch % StepSize != 0 ? GroupLrs() : GroupLrs().Select(lr => lr * Gamma).ToArray();

    protected override double[] GetClosedFormLr() =>
        BaseLrs.Select(b => b * Math.Pow(Gamma, StateValues.FloorDiv(LastEpoch, StepSize))).ToArray();

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict(); d["step_size"] = StepSize; d["gamma"] = Gamma; return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("step_size", out var v)) StepSize = StateValues.Int(v);
        if (s.TryGetValue("gamma", out var g)) Gamma = StateValues.Double(g);
    }
}
