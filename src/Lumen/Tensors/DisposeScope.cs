namespace Lumen;

/// <summary>
/// Frees a training step's tensors the moment the step ends, instead of when the garbage collector gets to them:
/// PyTorch frees a tensor when its reference count drops to zero; a .NET program opens a scope per step.
/// <code>
/// foreach (var (x, y) in loader)
/// {
///     using var scope = Torch.NewDisposeScope();
///     var loss = lossFn.Call(model.Call(x), y);
///     optimizer.ZeroGrad();
///     loss.Backward();
///     optimizer.Step();
///     total += loss.Item();          // copies out: fine
/// }                                  // every tensor the step created is released here
/// </code>
/// While a scope is open on a thread, every tensor storage allocated on that thread is rented from a pool and recorded;
/// <see cref="Dispose"/> hands each recorded array back to the pool (the next step rents the same arrays) and revokes
/// the storage, so a tensor used after its scope ends throws <see cref="ObjectDisposedException"/> instead of reading
/// recycled memory. What outlives the step is excluded: parameters and module buffers (also ones created lazily inside
/// a scope), a leaf's <see cref="Tensor.Grad"/> and other gradients handed to user code, optimizer state, and any tensor
/// kept with <see cref="Tensor.DetachFromDisposeScope"/> or <see cref="Tensor.MoveToOuterDisposeScope"/>. Values copied
/// out (<see cref="Tensor.Item()"/>, <see cref="Tensor.ToArray()"/>) are plain arrays and need nothing.
/// Scopes nest (an inner scope frees only its own tensors), belong to the thread that opened them (tensors made on other
/// threads are not recorded), and are optional: without one, tensors are ordinary garbage-collected objects.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;

    private readonly List<Storage> _storages = new();
    private List<Array>? _arrays;
    private readonly int _threadId;

    internal DisposeScope()
    {
        Outer = _current;
        _threadId = Environment.CurrentManagedThreadId;
        _current = this;
    }

    /// <summary>The innermost open scope of this thread, or null (also inside <see cref="Torch.NoDisposeScope"/>).</summary>
    internal static DisposeScope? Current => _current;

    /// <summary>The scope that was current when this one was opened; null for an outermost scope.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>True once <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>How many tensor storages this scope will release (views of one storage count once).</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (var s in _storages) if (ReferenceEquals(s.Scope, this)) n++;
            return n;
        }
    }

    internal void Record(Storage s)
    {
        s.Scope = this;
        _storages.Add(s);
    }

    /// <summary>Rents a scratch array that lives until the scope ends (e.g. max-pool's argmax indices, which its backward
    /// reads); a fresh array when no scope is open.</summary>
    internal static T[] RentArray<T>(int length) where T : unmanaged
    {
        var scope = _current;
        if (scope == null) return GC.AllocateUninitializedArray<T>(length);
        var a = BufferPool.Rent<T>(length);
        (scope._arrays ??= new()).Add(a);
        return a;
    }

    /// <summary>Takes <paramref name="s"/> out of whatever scope holds it: no scope will release it.</summary>
    internal static void Exclude(Storage s) => s.Scope = null;

    /// <summary>The user keeps <paramref name="s"/>: out of its scope, and never adopted by one.</summary>
    internal static void Keep(Storage s)
    {
        s.Scope = null;
        s.Kept = true;
    }

    /// <summary>Moves <paramref name="s"/> from its scope to that scope's outer scope (none: kept, as
    /// <see cref="Keep"/>).</summary>
    internal static void MoveOut(Storage s)
    {
        if (s.Scope == null) return;
        var outer = s.Scope.Outer;
        while (outer is { IsDisposed: true }) outer = outer.Outer;
        if (outer == null) { Keep(s); return; }
        outer.Record(s);
    }

    /// <summary>A leaf gradient that <c>ZeroGrad(setToNone: true)</c> drops inside a scope goes to that scope, so the step's
    /// end returns its buffer to the pool for the next backward (PyTorch frees it by refcount at the same point).
    /// Only gradients the engine made and the user did not keep (<see cref="Tensor.DetachFromDisposeScope"/>) qualify.</summary>
    internal static void AdoptDroppedGrad(Tensor grad)
    {
        var s = grad.Storage;
        var scope = _current;
        if (scope == null || !s.IsEngineGrad || s.Kept || s.Scope != null || s.IsReleased) return;
        scope.Record(s);
    }

    /// <summary>Releases every storage still recorded here (and any scope opened inside this one and not yet disposed),
    /// then makes the outer scope current again. Disposing twice does nothing.</summary>
    /// <exception cref="InvalidOperationException">called on another thread than the one that opened the scope.</exception>
    public void Dispose()
    {
        if (IsDisposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("DisposeScope: a scope must be disposed on the thread that opened it.");
        // Inner scopes left open (an exception skipped their using) go first, innermost first.
        while (_current != null && _current != this && IsOuterOf(_current)) _current.Dispose();
        IsDisposed = true;
        foreach (var s in _storages)
            if (ReferenceEquals(s.Scope, this)) s.Release();
        _storages.Clear();
        if (_arrays != null) { foreach (var a in _arrays) BufferPool.Return(a); _arrays = null; }
        if (ReferenceEquals(_current, this)) _current = Outer;
        if (Outer == null) BufferPool.Tick();
    }

    private bool IsOuterOf(DisposeScope inner)
    {
        for (var s = inner.Outer; s != null; s = s.Outer) if (ReferenceEquals(s, this)) return true;
        return false;
    }

    /// <summary>Makes no scope current until the returned value is disposed (see <see cref="Torch.NoDisposeScope"/>).</summary>
    internal static SuspendedDisposeScope Suspend() => new(_current);

    internal static void Restore(DisposeScope? saved)
    {
        while (saved is { IsDisposed: true }) saved = saved.Outer;   // disposed while suspended: do not revive it
        _current = saved;
    }

    /// <summary>The error every access to a released tensor raises.</summary>
    internal static ObjectDisposedException ReleasedError(Tensor? t) => new("Tensor",
        $"This tensor{(t == null ? "" : $" (shape {t.Shape}, {t.DType.TorchName()})")} was released when its DisposeScope was disposed; " +
        "call .DetachFromDisposeScope() or .MoveToOuterDisposeScope() on it before the scope ends to keep it.");
}

/// <summary>A section in which tensors are not recorded by any <see cref="DisposeScope"/>; returned by
/// <see cref="Torch.NoDisposeScope"/>. Disposing it makes the scope that was current before current again.</summary>
public readonly struct SuspendedDisposeScope : IDisposable
{
    private readonly DisposeScope? _saved;

    internal SuspendedDisposeScope(DisposeScope? saved)
    {
        _saved = saved;
        DisposeScope.Restore(null);
    }

    /// <summary>Ends the section.</summary>
    public void Dispose() => DisposeScope.Restore(_saved);
}
