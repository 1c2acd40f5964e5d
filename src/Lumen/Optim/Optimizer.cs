using System.Globalization;
using System.Text;
using Lumen.Kernels;

namespace Lumen.Optim;

/// <summary>
/// Base class of all optimizers, PyTorch's <c>torch.optim.Optimizer</c>. It holds the parameter groups
/// (<see cref="ParamGroups"/>), the optimizer-wide <see cref="Defaults"/>, and per-parameter state; it clears gradients
/// (<see cref="ZeroGrad"/>) and saves/restores its state (<see cref="StateDict"/>, <see cref="LoadStateDict"/>) so a
/// resumed run continues the identical trajectory. Subclasses implement <see cref="Step"/>: it runs the closure if one
/// is given (with the caller's grad mode), then updates every parameter that has a gradient in place, under
/// <see cref="Autograd.Autograd.NoGrad"/>. Parameters without a gradient are skipped.
/// Hyperparameters are doubles (PyTorch's Python floats); element arithmetic is float32 in PyTorch's operation order.
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> _groups = new();
    private readonly Dictionary<Tensor, Dictionary<string, object?>> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer over <paramref name="paramGroups"/>; options a group leaves out come from
    /// <paramref name="defaults"/>, which is validated first.</summary>
    protected Optimizer(IEnumerable<ParamGroup> paramGroups, IDictionary<string, object?> defaults)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        var d = new ParamGroup(Array.Empty<Tensor>());
        foreach (var (k, v) in defaults) d[k] = v;
        Validate(d);
        Defaults = new OrderedDictionary<string, object?>();
        foreach (var k in d.Keys) Defaults[k] = d[k];
        var groups = paramGroups.ToList();
        if (groups.Count == 0) throw new ArgumentException($"{Name}: optimizer got an empty parameter list.");
        foreach (var g in groups) AddParamGroup(g);
    }

    /// <summary>Wraps a flat parameter list as one group (the usual <c>optimizer(model.parameters(), ...)</c> call).</summary>
    protected static IEnumerable<ParamGroup> Single(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new[] { new ParamGroup(parameters) };
    }

    /// <summary>The optimizer's class name as PyTorch prints it (<c>"SGD"</c>, <c>"Adam"</c>, …).</summary>
    public string Name => GetType().Name;

    /// <summary>Option defaults with PyTorch's keys, PyTorch's <c>optimizer.defaults</c>.</summary>
    public OrderedDictionary<string, object?> Defaults { get; }

    /// <summary>The parameter groups, PyTorch's <c>optimizer.param_groups</c>. Change options through them.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Per-parameter state (live objects, not copies), PyTorch's <c>optimizer.state</c>.</summary>
    public IReadOnlyDictionary<Tensor, Dictionary<string, object?>> State => _state;

    /// <summary>This parameter's state dictionary, created empty on first use.</summary>
    protected internal Dictionary<string, object?> StateOf(Tensor p)
    {
        if (!_state.TryGetValue(p, out var s)) _state[p] = s = new Dictionary<string, object?>();
        return s;
    }

    /// <summary>Checks a group's (or the defaults') options and throws <see cref="ArgumentException"/> naming a bad value.</summary>
    protected abstract void Validate(ParamGroup group);

    /// <summary>Performs one optimization step, PyTorch's <c>optimizer.step(closure)</c>. The optional closure
    /// re-evaluates the model (zero grads, forward, backward) and returns the loss, which <c>Step</c> returns.</summary>
    public abstract Tensor? Step(Func<Tensor>? closure = null);

    /// <summary>Adds a group, PyTorch's <c>add_param_group</c> (e.g. to unfreeze layers while fine-tuning). Missing options
    /// are filled from <see cref="Defaults"/>; a parameter may belong to one group only.</summary>
    public virtual void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        for (int i = 0; i < group.Params.Count; i++)
        {
            var p = group.Params[i] ?? throw new ArgumentException($"{Name}: parameter {i} of the group is null.");
            if (p.DType != DType.Float32)
                throw new ArgumentException($"{Name}: can only optimize float32 tensors, parameter {i} is {p.DType.TorchName()}.");
            if (!p.IsLeaf)
                throw new ArgumentException($"{Name}: can't optimize a non-leaf Tensor (parameter {i}, shape {p.Shape}).");
        }
        foreach (var (k, v) in Defaults) group.SetDefault(k, v is double[] a ? (double[])a.Clone() : v);
        Validate(group);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.Params)
            if (!seen.Add(p)) throw new ArgumentException($"{Name}: a parameter group contains the same parameter (shape {p.Shape}) twice.");
        foreach (var g in _groups)
            foreach (var p in g.Params)
                if (seen.Contains(p)) throw new ArgumentException($"{Name}: some parameters appear in more than one parameter group (shape {p.Shape}).");
        _groups.Add(group);
    }

    /// <summary>Clears the gradients of all optimized parameters, PyTorch's <c>zero_grad(set_to_none)</c>. With
    /// <paramref name="setToNone"/> (the default here, as in PyTorch 2 and <see cref="NN.Module.ZeroGrad"/>) each
    /// <see cref="Tensor.Grad"/> becomes null and such parameters are skipped by the next step unless a backward pass
    /// reaches them; otherwise the gradients are detached and filled with zeros in place (PyTorch 1.13's default). Inside a
    /// <see cref="DisposeScope"/>, gradients dropped with <paramref name="setToNone"/> are released when the scope ends (their
    /// memory serves the next backward); keep one with <see cref="Tensor.DetachFromDisposeScope"/> before this call.
    /// A sparse gradient (<see cref="Tensor.SparseGrad"/>) becomes null, or empty without setToNone (PyTorch's
    /// <c>zero_()</c> of a sparse tensor).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in _groups)
            foreach (var p in g.Params)
            {
                if (p.SparseGrad is { } sg) p.SparseGrad = setToNone ? null : SparseGradient.Empty(sg);   // PyTorch zero_()s a sparse grad to nnz 0
                var grad = p.Grad;
                if (grad == null) continue;
                if (setToNone) { DisposeScope.AdoptDroppedGrad(grad); p.Grad = null; continue; }
                if (grad.GradFn != null) grad.Detach_();
                else if (grad.RequiresGrad) grad.RequiresGrad = false;
                if (grad.IsContiguous()) grad.SpanF32().Clear();
                else using (Autograd.Autograd.NoGrad()) grad.Copy_(Torch.Scalar(0f));
                grad.BumpVersion();
            }
    }

    // ------------------------------------------------------------------ state dict

    /// <summary>A snapshot of the optimizer state in PyTorch's layout (<see cref="OptimizerStateDict"/>): tensors are
    /// copied, so training on does not change the snapshot.</summary>
    public OptimizerStateDict StateDict()
    {
        using var _ = Torch.NoDisposeScope();   // a snapshot is kept: never released by a scope
        var index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var sd = new OptimizerStateDict();
        int next = 0;
        foreach (var g in _groups)
        {
            var packed = g.CopyOptions();
            var ids = new int[g.Params.Count];
            for (int i = 0; i < ids.Length; i++)
            {
                if (!index.TryGetValue(g.Params[i], out var id)) index[g.Params[i]] = id = next++;
                ids[i] = id;
            }
            packed["params"] = ids;
            sd.ParamGroups.Add(packed);
        }
        foreach (var (p, s) in _state)
            if (index.TryGetValue(p, out var id))
                sd.State[id] = s.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value));
        return sd;
    }

    /// <summary>Restores state saved by <see cref="StateDict"/>, PyTorch's <c>load_state_dict</c>: the groups must have the
    /// same sizes; state is deep-copied onto this optimizer's parameters by index and every group's options are replaced
    /// by the saved ones (its parameters are kept).</summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        using var _ = Torch.NoDisposeScope();   // the copied state lives as long as the optimizer
        ArgumentNullException.ThrowIfNull(stateDict);
        var saved = stateDict.ParamGroups;
        if (saved.Count != _groups.Count)
            throw new ArgumentException($"{Name}: loaded state dict has {saved.Count} parameter groups, the optimizer has {_groups.Count}.");
        var idMap = new Dictionary<int, Tensor>();
        for (int gi = 0; gi < saved.Count; gi++)
        {
            var ids = saved[gi].TryGetValue("params", out var v) ? ToIntArray(v) : throw new ArgumentException($"{Name}: saved parameter group {gi} has no 'params'.");
            if (ids.Length != _groups[gi].Params.Count)
                throw new ArgumentException($"{Name}: loaded state dict contains a parameter group ({gi}) of {ids.Length} parameters that doesn't match the size of optimizer's group ({_groups[gi].Params.Count}).");
            for (int i = 0; i < ids.Length; i++) idMap[ids[i]] = _groups[gi].Params[i];
        }
        foreach (var (id, s) in stateDict.State)
        {
            if (!idMap.TryGetValue(id, out var p)) continue;
            _state[p] = s.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value));
        }
        for (int gi = 0; gi < saved.Count; gi++)
        {
            var g = _groups[gi];
            g.ClearOptions();
            foreach (var (k, v) in saved[gi])
                if (k != "params") g[k] = v is double[] a ? (double[])a.Clone() : v;
        }
    }

    private static int[] ToIntArray(object? v) => v switch
    {
        int[] a => a,
        long[] l => l.Select(x => checked((int)x)).ToArray(),
        IEnumerable<int> e => e.ToArray(),
        IEnumerable<long> e => e.Select(x => checked((int)x)).ToArray(),
        _ => throw new ArgumentException($"'params' of a saved parameter group must be a list of indices, got {v?.GetType().Name ?? "null"}."),
    };

    /// <summary>Copies state values: tensors are cloned (detached), lists and arrays copied element by element.</summary>
    internal static object? DeepCopy(object? v) => v switch
    {
        Tensor t => t.Detach().Clone(),
        List<Tensor> l => l.Select(x => x.Detach().Clone()).ToList(),
        List<double> l => new List<double>(l),
        double[] a => a.Clone(),
        float[] a => a.Clone(),
        int[] a => a.Clone(),
        _ => v,
    };

    // ------------------------------------------------------------------ helpers for subclasses

    /// <summary>The parameter's elements as (array, offset); parameters must be contiguous float32 tensors.</summary>
    protected internal static (float[] Data, int Offset) ParamData(Tensor p, string op)
    {
        if (!p.IsContiguous())
            throw new InvalidOperationException($"{op}: parameters must be contiguous to be updated in place (got strides [{string.Join(", ", p.Strides)}] for shape {p.Shape}).");
        return (p.F32, p.StorageOffset);
    }

    /// <summary>The gradient of <paramref name="p"/> as (array, offset) of a contiguous buffer (a copy when the gradient
    /// is a strided view), after checking its shape and dtype.</summary>
    protected internal static (float[] Data, int Offset) GradData(Tensor p, string op)
    {
        var g = p.Grad!;
        if (g.Shape != p.Shape)
            throw new ShapeMismatchException($"{op}: gradient of shape {g.Shape} does not match its parameter's shape {p.Shape}.");
        if (g.DType != DType.Float32)
            throw new InvalidOperationException($"{op}: gradient dtype {g.DType.TorchName()} is not float32.");
        return g.IsContiguous() ? (g.F32, g.StorageOffset) : (g.ToArray<float>(), 0);
    }

    /// <summary>How many times <see cref="Step"/> ran, PyTorch's <c>optimizer._step_count</c> (counted from construction;
    /// PyTorch counts from the scheduler's construction, which Lumen's schedulers record). A scheduler stepped before
    /// its optimizer ever did prints PyTorch's order warning.</summary>
    public int StepCount { get; private set; }

    /// <summary>Counts one <see cref="Step"/>: every optimizer's Step calls it first (a custom optimizer should too, or
    /// its scheduler warns that it was stepped before the optimizer).</summary>
    protected internal void CountStep() => StepCount++;

    /// <summary>True when <paramref name="p"/> has no dense gradient to step on (the dense optimizers skip it); throws
    /// when it has a sparse one, as PyTorch's Adam does ("Adam does not support sparse gradients, please consider
    /// SparseAdam instead"). PyTorch's SGD and Adagrad accept sparse gradients; Lumen's dense optimizers do not, and say
    /// so rather than skip the parameter.</summary>
    protected internal bool NoDenseGrad(Tensor p)
    {
        if (p.SparseGrad != null)
            throw new InvalidOperationException($"{Name} does not support sparse gradients, please consider SparseAdam instead " +
                                                "(or build the Embedding with sparse: false for a dense gradient).");
        return p.Grad == null;
    }

    /// <summary>Runs an elementwise update over <paramref name="n"/> elements, split across threads for large tensors.</summary>
    protected internal static void ForChunks(int n, Action<int, int> body) => ParallelFor.Run(n, 1 << 15, body);

    /// <summary>Elements [a, e) of a contiguous float tensor (state buffers are always contiguous).</summary>
    protected internal static Span<float> Slice(Tensor t, int a, int e) => t.F32.AsSpan(t.StorageOffset + a, e - a);

    /// <summary>Elements [a, e) of a (data, offset) pair from <see cref="ParamData"/> or <see cref="GradData"/>.</summary>
    protected internal static Span<float> Slice((float[] Data, int Offset) d, int a, int e) => d.Data.AsSpan(d.Offset + a, e - a);

    /// <summary>Zeros shaped like <paramref name="p"/> for per-parameter state (<c>exp_avg</c>, <c>momentum_buffer</c> …). State is
    /// created lazily inside the first step, which may run in a <see cref="DisposeScope"/>: it is made outside any scope so
    /// it outlives the step.</summary>
    protected internal static Tensor StateZerosLike(Tensor p)
    {
        using (Torch.NoDisposeScope()) return Torch.ZerosLike(p);
    }

    /// <summary><paramref name="value"/> everywhere, shaped like <paramref name="p"/>, made outside any scope (see
    /// <see cref="StateZerosLike"/>).</summary>
    protected internal static Tensor StateFullLike(Tensor p, float value)
    {
        using (Torch.NoDisposeScope()) return Torch.FullLike(p, value);
    }

    /// <summary>A new 0-d float32 tensor, PyTorch's <c>torch.tensor(value)</c> for state such as <c>"step"</c>.</summary>
    protected static Tensor ScalarState(double value) => Torch.Scalar((float)value);

    /// <summary>Increments a 0-d float32 <c>"step"</c> tensor in place and returns the new value.</summary>
    protected internal static double IncrementStep(Tensor step)
    {
        var s = step.SpanF32();
        s[0] += 1f;
        step.BumpVersion();
        return s[0];
    }

    /// <summary>Throws the error every optimizer uses for an out-of-range option.</summary>
    protected internal ArgumentException Invalid(string what, object? value, string rule) =>
        new($"{Name}: Invalid {what}: {ParamGroup.Describe(value)} ({rule}).");

    /// <summary>Checks 0 ≤ value (NaN fails).</summary>
    protected internal void NonNegative(ParamGroup g, string key, string what)
    {
        var v = g.GetDouble(key);
        if (!(v >= 0)) throw Invalid(what, v, $"{key} must be >= 0");
    }

    /// <summary>Checks a betas pair: both in [0, 1).</summary>
    protected internal void Betas(ParamGroup g, string key = "betas")
    {
        var (b1, b2) = g.GetPair(key);
        if (!(b1 >= 0 && b1 < 1)) throw Invalid("beta parameter at index 0", b1, "must be in [0, 1)");
        if (!(b2 >= 0 && b2 < 1)) throw Invalid("beta parameter at index 1", b2, "must be in [0, 1)");
    }

    /// <summary>PyTorch's repr: <c>SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n ...)</c>, keys sorted.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name + " (");
        for (int i = 0; i < _groups.Count; i++)
        {
            sb.Append('\n').Append("Parameter Group ").Append(i).Append('\n');
            foreach (var k in _groups[i].Keys.OrderBy(k => k, StringComparer.Ordinal))
                sb.Append("    ").Append(k).Append(": ").Append(ParamGroup.Describe(_groups[i][k])).Append('\n');
        }
        return sb.Append(')').ToString();
    }

    internal static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
