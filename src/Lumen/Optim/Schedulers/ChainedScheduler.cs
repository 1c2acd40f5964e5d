namespace Lumen.Optim.Schedulers;

/// <summary>Steps several chainable schedulers together so their effects multiply, PyTorch's <c>ChainedScheduler</c>
/// (e.g. a ConstantLR warm-up combined with ExponentialLR decay). Construction performs no extra step.</summary>
public sealed class ChainedScheduler : LRScheduler
{
    private readonly LRScheduler[] _schedulers;

    public ChainedScheduler(IReadOnlyList<LRScheduler> schedulers) : base(First(schedulers).Optimizer)
    {
        for (int i = 1; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, schedulers[0].Optimizer))
                throw new ArgumentException($"ChainedScheduler: ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and {i} to be different.");
        _schedulers = schedulers.ToArray();
        LastLr = GroupLrs();
    }

    private static LRScheduler First(IReadOnlyList<LRScheduler> s) =>
        s is { Count: > 0 } ? s[0] : throw new ArgumentException("ChainedScheduler: needs at least one scheduler.");

    /// <summary>The chained schedulers.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    public override void Step()
    {
        foreach (var s in _schedulers) s.Step();
        LastLr = GroupLrs();
    }

    /// <summary>Not supported (PyTorch's ChainedScheduler.step takes no epoch).</summary>
    public override void Step(int epoch) => throw new NotSupportedException("ChainedScheduler.Step(epoch) is not supported; call Step().");

    public override Dictionary<string, object?> StateDict() => new()
    {
        ["_last_lr"] = (double[])LastLr.Clone(),
        ["_schedulers"] = _schedulers.Select(s => s.StateDict()).ToList(),
    };

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("_schedulers", out var v) && v is IEnumerable<Dictionary<string, object?>> inner)
        {
            var list = inner.ToList();
            for (int i = 0; i < list.Count && i < _schedulers.Length; i++) _schedulers[i].LoadStateDict(list[i]);
        }
    }
}
