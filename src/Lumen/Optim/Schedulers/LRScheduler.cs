namespace Lumen.Optim.Schedulers;

/// <summary>
/// Base class of the epoch-driven learning-rate schedulers (namespace <c>Lumen.Optim.Schedulers</c>, folder
/// Optim/Schedulers: PyTorch's <c>torch.optim.lr_scheduler</c>), PyTorch 1.13's <c>torch.optim.lr_scheduler._LRScheduler</c>.
/// Constructing a scheduler records each group's <c>"initial_lr"</c> (when <c>lastEpoch</c> is −1) and performs an
/// initial step, exactly as PyTorch does, so right after construction <see cref="GetLastLr"/> holds the epoch-0 rates.
/// Call <see cref="Step()"/> once per epoch (after <c>optimizer.Step()</c>; before it, PyTorch's warning is shown once
/// through <see cref="Warnings"/>). Most schedulers use PyTorch's recursive
/// ("chainable") form, which multiplies the groups' current rates, so several schedulers can act on one optimizer;
/// <see cref="Step(int)"/> jumps to an epoch with the closed form where PyTorch has one (deprecated there too, but
/// <see cref="SequentialLR"/> relies on it at its milestones). Rates are doubles (Python floats).
/// </summary>
public abstract class LRScheduler : ILRScheduler
{
    /// <summary>Only stores the optimizer; derived constructors set their fields, then call <see cref="Initialize"/>
    /// and <see cref="InitialStep"/> (PyTorch sets fields before <c>super().__init__</c>, which steps).</summary>
    protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _optimizerStepsAtInit = optimizer.StepCount;
    }

    private readonly int _optimizerStepsAtInit;

    /// <summary>PyTorch's order check: the first step after the initial one, with the optimizer not stepped since this
    /// scheduler was made, warns once per process that the first value of the schedule is skipped.</summary>
    private void WarnIfBeforeOptimizer()
    {
        if (StepCount == 1 && Optimizer.StepCount == _optimizerStepsAtInit)
            Warnings.Warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you " +
                          "should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do " +
                          "this will result in PyTorch skipping the first value of the learning rate schedule. See more details at " +
                          "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate");
    }

    /// <summary>The optimizer whose groups' <c>"lr"</c> this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's <c>"initial_lr"</c>, PyTorch's <c>base_lrs</c>.</summary>
    public double[] BaseLrs { get; protected set; } = Array.Empty<double>();

    /// <summary>The index of the last epoch (−1 before the initial step), PyTorch's <c>last_epoch</c>.</summary>
    public int LastEpoch { get; protected internal set; }

    /// <summary>Steps taken since the initial step began, PyTorch's <c>_step_count</c> (CosineAnnealingLR reads it).</summary>
    protected internal int StepCount { get; set; }

    /// <summary>The rates set by the last step, PyTorch's <c>_last_lr</c>.</summary>
    protected double[] LastLr = Array.Empty<double>();

    /// <summary>The optimizer's groups.</summary>
    protected IReadOnlyList<ParamGroup> Groups => Optimizer.ParamGroups;

    /// <summary>PyTorch's <c>_LRScheduler.__init__</c> bookkeeping: sets <c>"initial_lr"</c> on every group when
    /// <paramref name="lastEpoch"/> is −1 (else requires it), reads <see cref="BaseLrs"/>, sets <see cref="LastEpoch"/>.</summary>
    protected void Initialize(int lastEpoch)
    {
        if (lastEpoch < -1) throw new ArgumentException($"{GetType().Name}: lastEpoch must be >= -1, got {lastEpoch}.");
        if (lastEpoch == -1)
            foreach (var g in Groups) g.SetDefault("initial_lr", g.Lr);
        else
            for (int i = 0; i < Groups.Count; i++)
                if (!Groups[i].ContainsKey("initial_lr"))
                    throw new ArgumentException($"{GetType().Name}: param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer (lastEpoch {lastEpoch}).");
        BaseLrs = Groups.Select(g => g.GetDouble("initial_lr")).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>Resets the step count and performs a step, PyTorch's <c>_initial_step</c>.</summary>
    protected internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Advances one epoch and sets every group's learning rate, PyTorch's <c>scheduler.step()</c>.</summary>
    public virtual void Step()
    {
        WarnIfBeforeOptimizer();
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>Jumps to <paramref name="epoch"/>: the closed-form rate where PyTorch has one, else the recursive form
    /// evaluated at that epoch (PyTorch's deprecated <c>step(epoch)</c>).</summary>
    public virtual void Step(int epoch)
    {
        WarnIfBeforeOptimizer();
        StepCount++;
        LastEpoch = epoch;
        Apply(GetClosedFormLr() ?? GetLr());
    }

    /// <summary>The rates for <see cref="LastEpoch"/> (PyTorch's <c>get_lr</c>, usually recursive in the groups' current rates).</summary>
    protected virtual double[] GetLr() => throw new NotSupportedException($"{GetType().Name} has no get_lr.");

    /// <summary>The closed-form rates for <see cref="LastEpoch"/>, or null when PyTorch has none.</summary>
    protected virtual double[]? GetClosedFormLr() => null;

    /// <summary>Writes the rates into the groups and records them as the last rates.</summary>
    protected void Apply(double[] lrs)
    {
        for (int i = 0; i < Groups.Count && i < lrs.Length; i++) Groups[i].Lr = lrs[i];
        LastLr = Groups.Select(g => g.Lr).ToArray();
    }

    /// <summary>The group rates set by the last step, PyTorch's <c>get_last_lr()</c>.</summary>
    public double[] GetLastLr() => (double[])LastLr.Clone();

    /// <summary>The current rates of the groups.</summary>
    protected double[] GroupLrs() => Groups.Select(g => g.Lr).ToArray();

    /// <summary>The scheduler's state with PyTorch's keys (<c>base_lrs</c>, <c>last_epoch</c>, <c>_step_count</c>,
    /// <c>_last_lr</c>, and the subclass's own fields); plain values only.</summary>
    public virtual Dictionary<string, object?> StateDict() => new()
    {
        ["base_lrs"] = (double[])BaseLrs.Clone(),
        ["last_epoch"] = LastEpoch,
        ["verbose"] = false,
        ["_step_count"] = StepCount,
        ["_get_lr_called_within_step"] = false,
        ["_last_lr"] = (double[])LastLr.Clone(),
    };

    /// <summary>Restores a <see cref="StateDict"/> (keys it lacks are left as they are), PyTorch's <c>load_state_dict</c>.</summary>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, object?> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.TryGetValue("base_lrs", out var b)) BaseLrs = StateValues.Doubles(b);
        if (stateDict.TryGetValue("last_epoch", out var e)) LastEpoch = StateValues.Int(e);
        if (stateDict.TryGetValue("_step_count", out var c)) StepCount = StateValues.Int(c);
        if (stateDict.TryGetValue("_last_lr", out var l)) LastLr = StateValues.Doubles(l);
    }

    /// <summary>A per-group list: one value for every group, or exactly one value per group.</summary>
    protected double[] Format(string name, PerGroup value) => value.For(Groups.Count, $"{GetType().Name}: {name}");
}

/// <summary>What every scheduler offers a training loop: the last rates and a state dict for checkpoints.</summary>
public interface ILRScheduler
{
    /// <summary>The scheduled optimizer.</summary>
    Optimizer Optimizer { get; }

    /// <summary>The group rates after the last step, PyTorch's <c>get_last_lr()</c>.</summary>
    double[] GetLastLr();

    /// <summary>The scheduler's state as plain values with PyTorch's keys.</summary>
    Dictionary<string, object?> StateDict();

    /// <summary>Restores a state from <see cref="StateDict"/>.</summary>
    void LoadStateDict(IReadOnlyDictionary<string, object?> stateDict);
}

/// <summary>A hyperparameter given once for all groups or once per group (PyTorch accepts a float or a list):
/// <c>maxLr: 0.1</c> or <c>maxLr: new[] { 0.1, 0.01 }</c>.</summary>
public readonly struct PerGroup
{
    private readonly double _value;
    private readonly double[]? _values;

    private PerGroup(double value, double[]? values) { _value = value; _values = values; }

    public static implicit operator PerGroup(double value) => new(value, null);
    public static implicit operator PerGroup(double[] values) => new(0, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>The values for <paramref name="groups"/> groups; a list of the wrong length throws naming <paramref name="what"/>.</summary>
    public double[] For(int groups, string what)
    {
        if (_values == null) return Enumerable.Repeat(_value, groups).ToArray();
        if (_values.Length != groups) throw new ArgumentException($"{what}: expected {groups} values (one per parameter group), got {_values.Length}.");
        return (double[])_values.Clone();
    }
}

/// <summary>Conversions for values read back from state dicts (which may have passed through a serialiser).</summary>
internal static class StateValues
{
    public static int Int(object? v) => v switch
    {
        int i => i,
        long l => checked((int)l),
        double d => checked((int)d),
        _ => throw new ArgumentException($"Expected an integer in the scheduler state dict, got {v?.GetType().Name ?? "null"}."),
    };

    public static double Double(object? v) => v switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        _ => throw new ArgumentException($"Expected a number in the scheduler state dict, got {v?.GetType().Name ?? "null"}."),
    };

    public static double[] Doubles(object? v) => v switch
    {
        double[] a => (double[])a.Clone(),
        IEnumerable<double> e => e.ToArray(),
        System.Collections.IEnumerable e => e.Cast<object?>().Select(Double).ToArray(),
        _ => throw new ArgumentException($"Expected a list of numbers in the scheduler state dict, got {v?.GetType().Name ?? "null"}."),
    };

    /// <summary>Python's floor division and modulo (the result takes the divisor's sign).</summary>
    public static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);
    public static int Mod(int a, int b) => ((a % b) + b) % b;
}
