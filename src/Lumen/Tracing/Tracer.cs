namespace Lumen.Tracing;

/// <summary>
/// Op tracing, the hook <c>torch.onnx.export</c>-style exporters stand on (PyTorch's tracer records ops as they run; so
/// does this). While a listener is attached on a thread, the tensor ops that user code calls directly between modules —
/// arithmetic, activations, views, <c>cat</c>, functional pools, dropout, interpolation — report themselves once each
/// (nested ops are not reported). Other threads and un-traced runs pay one static read per op.
/// <code>
/// using (Tracer.Listen(myListener)) model.Call(x);
/// </code>
/// </summary>
public static class Tracer
{
    private static int _listeningThreads;
    [ThreadStatic] private static ITraceListener? _listener;
    [ThreadStatic] private static int _depth;

    /// <summary>Attaches <paramref name="listener"/> to this thread until the returned scope is disposed.</summary>
    /// <exception cref="InvalidOperationException">another listener is attached on this thread.</exception>
    public static IDisposable Listen(ITraceListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (_listener != null) throw new InvalidOperationException("Tracer.Listen: a listener is already attached on this thread.");
        _listener = listener;
        _depth = 0;
        Interlocked.Increment(ref _listeningThreads);
        return new Scope();
    }

    /// <summary>Whether a listener is attached on this thread.</summary>
    public static bool IsListening => _listener != null;

    /// <summary>True when an op starting now must report itself: a listener is attached and no traced op is running.</summary>
    internal static bool Recording => Volatile.Read(ref _listeningThreads) != 0 && _listener != null && _depth == 0;

    /// <summary>Runs <paramref name="run"/> (the op itself; ops it calls are not reported) and reports it.</summary>
    internal static Tensor Record(string name, Tensor[] inputs, Func<Tensor> run, params (string Key, object? Value)[] attributes)
    {
        var listener = _listener!;
        Tensor output;
        _depth++;
        try { output = run(); }
        finally { _depth--; }
        var attrs = new Dictionary<string, object?>(attributes.Length);
        foreach (var (k, v) in attributes) attrs[k] = v;
        listener.OnOp(new TracedOp(name, inputs, output, attrs));
        return output;
    }

    private sealed class Scope : IDisposable
    {
        private bool _disposed;
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _listener = null;
            Interlocked.Decrement(ref _listeningThreads);
        }
    }
}
