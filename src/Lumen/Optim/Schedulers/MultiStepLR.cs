namespace Lumen.Optim.Schedulers;

/// <summary>Multiplies each group's rate by <c>gamma</c> at each milestone epoch (a milestone listed twice applies
/// gamma twice), PyTorch's <c>MultiStepLR</c>.</summary>
public sealed class MultiStepLR : LRScheduler
{
    /// <summary>Milestone epoch → how many times it was listed (PyTorch's Counter).</summary>
    public SortedDictionary<int, int> Milestones { get; private set; }
    public double Gamma { get; private set; }

    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer)
    {
        Milestones = new SortedDictionary<int, int>();
        foreach (var m in milestones) Milestones[m] = Milestones.GetValueOrDefault(m) + 1;
        Gamma = gamma;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr() =>
        !Milestones.TryGetValue(LastEpoch, out var count) ? GroupLrs() : GroupLrs().Select(lr => lr * Math.Pow(Gamma, count)).ToArray();

    protected override double[] GetClosedFormLr()
    {
        int passed = Milestones.Where(m => m.Key <= LastEpoch).Sum(m => m.Value);
        return BaseLrs.Select(b => b * Math.Pow(Gamma, passed)).ToArray();
    }

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict();
        d["milestones"] = Milestones.ToDictionary(m => m.Key, m => m.Value);
        d["gamma"] = Gamma;
        return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("milestones", out var m) && m is IEnumerable<KeyValuePair<int, int>> pairs)
            Milestones = new SortedDictionary<int, int>(pairs.ToDictionary(p => p.Key, p => p.Value));
        if (s.TryGetValue("gamma", out var g)) Gamma = StateValues.Double(g);
    }
}
