namespace Lumen.Optim.Schedulers;

/// <summary>Runs schedulers one after another, switching at the milestone epochs, PyTorch's <c>SequentialLR</c>:
/// epochs [0, m₀) use the first, [m₀, m₁) the second, and so on; at each milestone the next scheduler starts from its
/// closed form at epoch 0 (<c>step(0)</c>). Construct the inner schedulers on the same optimizer first (each performs
/// its own initial step, as in PyTorch); SequentialLR then resets the rates to <c>"initial_lr"</c> and restarts the first.
/// <code>
/// var warmup = new LinearLR(opt, startFactor: 0.1, totalIters: 5);
/// var cosine = new CosineAnnealingLR(opt, tMax: 95);
/// var sched = new SequentialLR(opt, new LRScheduler[] { warmup, cosine }, milestones: new[] { 5 });
/// </code></summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private readonly int[] _milestones;

    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(optimizer)
    {
        for (int i = 0; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index {i} to be different than the optimizer passed in.");
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR: needs at least one scheduler.");
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}.");
        _schedulers = schedulers.ToArray();
        _milestones = milestones.ToArray();
        LastEpoch = lastEpoch + 1;
        foreach (var g in Groups) g.Lr = g.GetDouble("initial_lr");
        foreach (var s in _schedulers) s.LastEpoch -= 1;
        _schedulers[0].InitialStep();
        LastLr = _schedulers[0].GetLastLr();
    }

    /// <summary>The wrapped schedulers.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    public override void Step()
    {
        LastEpoch++;
        int idx = _milestones.Count(m => m <= LastEpoch); // bisect_right
        var s = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) s.Step(0);
        else s.Step();
        LastLr = s.GetLastLr();
    }

    /// <summary>Not supported (PyTorch's SequentialLR.step takes no epoch).</summary>
    public override void Step(int epoch) => throw new NotSupportedException("SequentialLR.Step(epoch) is not supported; call Step().");

    public override Dictionary<string, object?> StateDict() => new()
    {
        ["_milestones"] = (int[])_milestones.Clone(),
        ["last_epoch"] = LastEpoch,
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
