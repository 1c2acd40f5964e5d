using System.Text;

namespace Lumen.NN;

/// <summary>
/// Base class of every layer and model, PyTorch's <c>nn.Module</c>. Submodules, parameters and buffers are
/// registered explicitly and in order, so <see cref="NamedParameters"/> yields PyTorch's keys
/// (<c>layer1.conv1.weight</c>) in PyTorch's order:
/// <code>
/// public sealed class Net : Module
/// {
///     public readonly Conv2d Conv1;
///     public Net() { Conv1 = RegisterModule("conv1", new Conv2d(3, 16, kernelSize: 3)); }
///     public override Tensor Forward(Tensor x) => Conv1.Call(x).Relu();
/// }
/// </code>
/// Override <see cref="Forward"/>; run a module with <see cref="Call"/> (PyTorch's <c>model(x)</c>), which also runs hooks.
/// </summary>
public abstract class Module
{
    private readonly List<KeyValuePair<string, Parameter?>> _parameters = new();
    private readonly List<KeyValuePair<string, Tensor?>> _buffers = new();
    private readonly HashSet<string> _nonPersistent = new();
    private readonly List<KeyValuePair<string, Module?>> _modules = new();
    private readonly List<Func<Module, Tensor, Tensor?>> _preHooks = new();
    private readonly List<Func<Module, Tensor, Tensor, Tensor?>> _hooks = new();

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>; Dropout and BatchNorm read it.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The computation, PyTorch's <c>forward</c>. Callers use <see cref="Call"/>. A module whose forward takes or
    /// returns something other than one tensor derives from <see cref="Module{TIn, TOut}"/> instead.</summary>
    public virtual Tensor Forward(Tensor input) =>
        throw new NotSupportedException(this is IModuleOf typed
            ? $"{GetType().Name} maps {typed.InputType.Name} to {typed.OutputType.Name}: call its own Call({typed.InputType.Name}), not Module.Call(Tensor)."
            : $"{GetType().Name} does not implement Forward(Tensor).");

    /// <summary>Runs the forward pre-hooks, <see cref="Forward"/>, then the forward hooks, PyTorch's <c>module(input)</c>.
    /// The first call checks that every Module or Parameter field of this module was registered
    /// (<see cref="UnregisteredFieldException"/>).</summary>
    public Tensor Call(Tensor input)
    {
        CheckFieldsRegistered();
        foreach (var h in _preHooks.ToArray()) input = h(this, input) ?? input;
        Tensor output;
        try { output = Forward(input); }   // no closure here: Call is on every forward's hot path
        catch (ShapeMismatchException ex) when (WithModulePath(ex) is var withPath && !ReferenceEquals(withPath, ex)) { throw withPath; }
        foreach (var h in _hooks.ToArray()) output = h(this, input, output) ?? output;
        return output;
    }

    /// <summary>Runs <paramref name="forward"/>, prefixing a shape error with the module path (see <see cref="WithModulePath"/>),
    /// for the calls other than <see cref="Call"/> (typed modules, pools with indices, unpooling).</summary>
    private protected T WithShapeErrorPath<T>(Func<T> forward)
    {
        try { return forward(); }
        catch (ShapeMismatchException ex) when (WithModulePath(ex) is var withPath && !ReferenceEquals(withPath, ex)) { throw withPath; }
    }

    // ------------------------------------------------------------------ unregistered fields

    private bool _fieldsChecked;

    /// <summary>Throws <see cref="UnregisteredFieldException"/> if a field of this module holds a Module or a Parameter
    /// that is not part of it (registered here or below). Runs until it has passed once for good: a call
    /// (<paramref name="called"/>; the module is built by then) settles it, while a parameter walk with a Module/Parameter
    /// field still null (a constructor that walks its own parameters before assigning everything) checks again next time.</summary>
    private protected void CheckFieldsRegistered(bool called = true)
    {
        if (_fieldsChecked) return;
        bool complete = ModuleFields.Check(this, out var problem);
        if (problem != null) throw problem;
        _fieldsChecked = complete || called;
    }

    /// <summary>Every module and parameter below this one (this module excluded), for <see cref="ModuleFields"/>.</summary>
    internal (HashSet<object> Modules, HashSet<object> Parameters) Registered()
    {
        var mods = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pars = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var (_, m) in NamedModules())
        {
            if (!ReferenceEquals(m, this)) mods.Add(m);
            foreach (var p in m._parameters) if (p.Value != null) pars.Add(p.Value);
        }
        return (mods, pars);
    }

    private const string FailedModuleKey = "Lumen.FailedModule", BareMessageKey = "Lumen.BareMessage";

    /// <summary>Prefixes a shape error with the dotted path, from this module, of the innermost module that raised it
    /// (<c>layer4.fc1: Linear(in_features=2048, …) got input [64, 8]: …</c>). Each enclosing <see cref="Call"/> redoes
    /// this, so the outermost module called gives the full path.</summary>
    private ShapeMismatchException WithModulePath(ShapeMismatchException ex)
    {
        if (ex.Data[FailedModuleKey] is not Module failed)
        {
            ex.Data[FailedModuleKey] = this;
            ex.Data[BareMessageKey] = ex.Message;
            return ex;
        }
        var path = NamedModules().FirstOrDefault(m => ReferenceEquals(m.Module, failed)).Name;
        if (string.IsNullOrEmpty(path)) return ex;
        var wrapped = new ShapeMismatchException($"{path}: {ex.Data[BareMessageKey]}", ex.InnerException ?? ex);
        foreach (var key in new[] { FailedModuleKey, BareMessageKey }) wrapped.Data[key] = ex.Data[key];
        return wrapped;
    }

    // ------------------------------------------------------------------ registration

    /// <summary>Registers a submodule under <paramref name="name"/> (replacing one of that name in place) and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module? { SetEntry(_modules, CheckName(name, "module"), module); return module; }

    /// <summary>Adds a submodule, PyTorch's <c>add_module</c>.</summary>
    public void AddModule(string name, Module? module) => SetEntry(_modules, CheckName(name, "module"), module);

    /// <summary>Registers a parameter (null registers a slot that is absent, as PyTorch's <c>bias=None</c>) and returns it.</summary>
    protected Parameter? RegisterParameter(string name, Parameter? parameter) { SetEntry(_parameters, CheckName(name, "parameter"), parameter); return parameter; }

    /// <summary>Registers a parameter from a tensor and returns the new <see cref="Parameter"/>.</summary>
    protected Parameter RegisterParameter(string name, Tensor data) => RegisterParameter(name, new Parameter(data))!;

    /// <summary>Registers a buffer: state that is saved in the state dict but not trained (BatchNorm's running mean).</summary>
    protected Tensor? RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        if (tensor != null) DisposeScope.Exclude(tensor.Storage);   // buffers outlive any DisposeScope
        SetEntry(_buffers, CheckName(name, "buffer"), tensor);
        if (!persistent) _nonPersistent.Add(name); else _nonPersistent.Remove(name);
        return tensor;
    }

    /// <summary>Replaces a registered parameter's tensor (e.g. after loading); null clears it.</summary>
    internal void SetParameter(string name, Parameter? p) => SetEntry(_parameters, name, p);
    internal void SetBuffer(string name, Tensor? t)
    {
        if (t != null) DisposeScope.Exclude(t.Storage);
        SetEntry(_buffers, name, t);
    }

    private string CheckName(string name, string kind)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: {kind} name '{name}' must be non-empty and contain no '.'.");
        bool clash = kind switch
        {
            "module" => _parameters.Any(p => p.Key == name) || _buffers.Any(p => p.Key == name),
            "parameter" => _modules.Any(p => p.Key == name) || _buffers.Any(p => p.Key == name),
            _ => _modules.Any(p => p.Key == name) || _parameters.Any(p => p.Key == name),
        };
        if (clash) throw new ArgumentException($"{GetType().Name}: attribute '{name}' already exists as another kind than {kind}.");
        return name;
    }

    private static void SetEntry<T>(List<KeyValuePair<string, T>> list, string name, T value)
    {
        int i = list.FindIndex(p => p.Key == name);
        if (i >= 0) list[i] = new(name, value); else list.Add(new(name, value));
    }

    // ------------------------------------------------------------------ introspection

    /// <summary>This module's own parameters (not those of submodules), null slots skipped.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParametersOwn() =>
        _parameters.Where(p => p.Value != null).Select(p => (p.Key, p.Value!));

    /// <summary>All parameters with their dotted names in registration order, each once, PyTorch's <c>named_parameters()</c>.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "", bool recurse = true)
    {
        foreach (var (_, m) in recurse ? NamedModules() : new[] { ("", this) })
            m.CheckFieldsRegistered(called: false);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (modName, m) in recurse ? NamedModules(prefix) : new[] { (prefix, this) })
            foreach (var p in m._parameters)
                if (p.Value != null && seen.Add(p.Value))
                    yield return (Join(modName, p.Key), p.Value);
    }

    /// <summary>All parameters, PyTorch's <c>parameters()</c>.</summary>
    public IEnumerable<Parameter> Parameters(bool recurse = true) => NamedParameters(recurse: recurse).Select(p => p.Parameter);

    /// <summary>All buffers with dotted names, PyTorch's <c>named_buffers()</c>.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (modName, m) in recurse ? NamedModules(prefix) : new[] { (prefix, this) })
            foreach (var b in m._buffers)
                if (b.Value != null && seen.Add(b.Value))
                    yield return (Join(modName, b.Key), b.Value);
    }

    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse: recurse).Select(b => b.Buffer);

    /// <summary>Direct submodules with their names, PyTorch's <c>named_children()</c>.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var m in _modules)
            if (m.Value != null && seen.Add(m.Value)) yield return (m.Key, m.Value);
    }

    /// <summary>Direct submodules, PyTorch's <c>children()</c>.</summary>
    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>The registered submodule slots in order with duplicates kept (one module registered under two names
    /// appears twice), PyTorch's <c>_modules.items()</c>: what Sequential runs and what the state dict walks.</summary>
    internal IEnumerable<(string Name, Module Module)> ModuleSlots() =>
        _modules.Where(m => m.Value != null).Select(m => (m.Key, m.Value!));

    /// <summary>This module and every submodule, depth first, each once, with dotted names ("" for this one),
    /// PyTorch's <c>named_modules()</c>.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push((prefix, this));
        while (stack.Count > 0)
        {
            var (name, m) = stack.Pop();
            if (!seen.Add(m)) continue;
            yield return (name, m);
            for (int i = m._modules.Count - 1; i >= 0; i--)
                if (m._modules[i].Value is { } child) stack.Push((Join(name, m._modules[i].Key), child));
        }
    }

    /// <summary>This module and every submodule, PyTorch's <c>modules()</c>.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ------------------------------------------------------------------ modes and bulk operations

    /// <summary>Sets training mode on this module and every submodule, PyTorch's <c>train(mode)</c>.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Evaluation mode (Dropout off, BatchNorm uses running statistics), PyTorch's <c>eval()</c>.</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient, PyTorch's <c>zero_grad(set_to_none)</c>: to null by default, or to
    /// zeros with <c>setToNone: false</c>. The default is PyTorch 2's; PyTorch 1.13 (the seed tutorials') defaulted to
    /// <c>set_to_none=False</c>, filling zeros. Training gives the same numbers either way; code that reads
    /// <c>p.Grad</c> right after zero_grad sees null here where 1.13 showed zeros: pass <c>setToNone: false</c> for
    /// 1.13's behaviour.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.SparseGrad is { } sg) p.SparseGrad = setToNone ? null : SparseGradient.Empty(sg);
            if (p.Grad == null) continue;
            if (setToNone) { DisposeScope.AdoptDroppedGrad(p.Grad); p.Grad = null; }   // released with the open scope, if any
            else using (Autograd.Autograd.NoGrad()) p.Grad.Mul_(0f);
        }
    }

    /// <summary>Freezes (false) or unfreezes every parameter, PyTorch's <c>requires_grad_()</c>.</summary>
    public Module RequiresGrad_(bool requiresGrad = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Calls <paramref name="fn"/> on every submodule (children first) and then this one, PyTorch's <c>apply</c>
    /// (used for custom weight initialisation).</summary>
    public Module Apply(Action<Module> fn)
    {
        foreach (var c in Children()) c.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>Number of elements over all parameters (optionally only trainable ones).</summary>
    public long NumParameters(bool onlyTrainable = false) =>
        Parameters().Where(p => !onlyTrainable || p.RequiresGrad).Sum(p => (long)p.Numel());

    // ------------------------------------------------------------------ hooks

    /// <summary>Whether any forward or forward-pre hook is registered here (fused inference steps aside for them).</summary>
    internal bool HasHooks => _preHooks.Count != 0 || _hooks.Count != 0;

    /// <summary>Registers hook(module, input) that runs before Forward; a non-null result replaces the input.</summary>
    public HookHandle RegisterForwardPreHook(Func<Module, Tensor, Tensor?> hook)
    {
        _preHooks.Add(hook);
        return new HookHandle(() => _preHooks.Remove(hook));
    }

    /// <summary>Registers hook(module, input, output) that runs after Forward; a non-null result replaces the output.
    /// Used for feature extraction and visualisation.</summary>
    public HookHandle RegisterForwardHook(Func<Module, Tensor, Tensor, Tensor?> hook)
    {
        _hooks.Add(hook);
        return new HookHandle(() => _hooks.Remove(hook));
    }

    /// <summary>Convenience overload for hooks that only observe.</summary>
    public HookHandle RegisterForwardHook(Action<Module, Tensor, Tensor> hook) =>
        RegisterForwardHook((m, i, o) => { hook(m, i, o); return null; });

    // ------------------------------------------------------------------ state dict

    /// <summary>Parameters and persistent buffers by dotted name, in registration order, PyTorch's <c>state_dict()</c>.
    /// The tensors are detached views of the live data (no copy). A module registered under several names appears
    /// under each of them, as in PyTorch.</summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var d = new OrderedDictionary<string, Tensor>();
        AddStateTo(d, "");
        return d;
    }

    // Like PyTorch's state_dict, this walks _modules without removing duplicates: a block shared under several names
    // (DLwPT's n_blocks * [ResBlock(...)]) gives one key per name, all holding the same tensor.
    private void AddStateTo(OrderedDictionary<string, Tensor> d, string prefix)
    {
        foreach (var p in _parameters) if (p.Value != null) d[Join(prefix, p.Key)] = p.Value.Detach();
        foreach (var b in _buffers) if (b.Value != null && !_nonPersistent.Contains(b.Key)) d[Join(prefix, b.Key)] = b.Value.Detach();
        foreach (var m in _modules) m.Value?.AddStateTo(d, Join(prefix, m.Key));
    }

    /// <summary>Copies values from <paramref name="stateDict"/> into the parameters and buffers, PyTorch's
    /// <c>load_state_dict</c>. Shape mismatches always throw; with <paramref name="strict"/> missing or unexpected keys
    /// throw too. The exception lists every key involved; nothing is copied unless all checks pass.</summary>
    public LoadResult LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict, bool strict = true)
    {
        var own = StateDict();
        var given = stateDict.ToList();
        var missing = own.Keys.Where(k => !given.Any(g => g.Key == k)).ToList();
        var unexpected = given.Where(g => !own.ContainsKey(g.Key)).Select(g => g.Key).ToList();
        var wrongShape = given.Where(g => own.TryGetValue(g.Key, out var t) && t.Shape != g.Value.Shape)
                              .Select(g => $"{g.Key}: checkpoint {g.Value.Shape}, model {own[g.Key].Shape}").ToList();
        if (wrongShape.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var sb = new StringBuilder($"Error(s) in loading state_dict for {GetType().Name}:");
            if (missing.Count > 0) sb.Append($" Missing key(s): {string.Join(", ", missing)}.");
            if (unexpected.Count > 0) sb.Append($" Unexpected key(s): {string.Join(", ", unexpected)}.");
            if (wrongShape.Count > 0) sb.Append($" Size mismatch: {string.Join("; ", wrongShape)}.");
            throw new StateDictException(sb.ToString(), missing, unexpected, wrongShape);
        }
        using (Autograd.Autograd.NoGrad())
            foreach (var (k, v) in given)
                if (own.TryGetValue(k, out var target)) target.Copy_(v);
        return new LoadResult(missing, unexpected);
    }

    // ------------------------------------------------------------------ printing

    /// <summary>The part inside the parentheses of this module's repr, PyTorch's <c>extra_repr()</c>.</summary>
    public virtual string ExtraRepr() => "";

    /// <summary>PyTorch's module repr: <c>Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))</c>, nested modules indented.</summary>
    public override string ToString()
    {
        var lines = new List<string>();
        var extra = ExtraRepr();
        if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
        foreach (var (name, child) in _modules.Where(m => m.Value != null).Select(m => (m.Key, m.Value!)))
            lines.Add($"({name}): " + Indent(child.ToString()));
        var head = ReprName + "(";
        if (lines.Count == 0) return head + ")";
        if (_modules.All(m => m.Value == null) && lines.Count == 1) return head + lines[0] + ")";
        return head + "\n  " + string.Join("\n  ", lines) + "\n)";
    }

    /// <summary>The type name printed in the repr (the class name by default).</summary>
    protected virtual string ReprName => GetType().Name;

    private static string Indent(string s) => s.Replace("\n", "\n  ");
}

/// <summary>Removes a hook when disposed or when <see cref="Remove"/> is called.</summary>
public sealed class HookHandle : IDisposable
{
    private Action? _remove;
    internal HookHandle(Action remove) => _remove = remove;
    public void Remove() { _remove?.Invoke(); _remove = null; }
    public void Dispose() => Remove();
}

/// <summary>Keys that <see cref="Module.LoadStateDict"/> did not match (non-strict loading).</summary>
public sealed record LoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>PyTorch's printout of <c>load_state_dict</c>'s result: <c>&lt;All keys matched successfully&gt;</c>, else
    /// <c>_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['x'])</c>.</summary>
    public override string ToString() =>
        MissingKeys.Count == 0 && UnexpectedKeys.Count == 0
            ? "<All keys matched successfully>"
            : $"_IncompatibleKeys(missing_keys=[{Quote(MissingKeys)}], unexpected_keys=[{Quote(UnexpectedKeys)}])";

    private static string Quote(IReadOnlyList<string> keys) => string.Join(", ", keys.Select(k => $"'{k}'"));
}

/// <summary>A state dict that does not fit the model: lists missing, unexpected and wrongly shaped keys.</summary>
public sealed class StateDictException : Exception
{
    public IReadOnlyList<string> MissingKeys { get; }
    public IReadOnlyList<string> UnexpectedKeys { get; }
    public IReadOnlyList<string> ShapeMismatches { get; }
    public StateDictException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapes)
        : base(message) { MissingKeys = missing; UnexpectedKeys = unexpected; ShapeMismatches = shapes; }
}
