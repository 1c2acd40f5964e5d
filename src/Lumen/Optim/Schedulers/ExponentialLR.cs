namespace Lumen.Optim.Schedulers;

/// <summary>Multiplies each group's rate by <c>gamma</c> every epoch, PyTorch's <c>ExponentialLR</c>: lr = base_lr · gammaᵉᵖᵒᶜʰ.</summary>
public sealed class ExponentialLR : LRScheduler
{
    public double Gamma { get; private set; }

    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer)
    {
        Gamma = gamma;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr() => LastEpoch == 0 ? GroupLrs() : GroupLrs().Select(lr => lr * Gamma).ToArray();

    protected override double[] GetClosedFormLr() => BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch)).ToArray();

    public override Dictionary<string, object?> StateDict() { var d = base.StateDict(); d["gamma"] = Gamma; return d; }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("gamma", out var g)) Gamma = StateValues.Double(g);
    }
}
