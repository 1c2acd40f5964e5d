namespace Lumen.Autograd;

/// <summary>Whether ops record the graph on this thread. Scoped through <see cref="Autograd.NoGrad"/>.</summary>
internal static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    public static bool Enabled => _disabledDepth == 0;

    internal static void Push() => _disabledDepth++;
    internal static void Pop() => _disabledDepth--;
}

/// <summary>A scope in which no graph is recorded; <c>using (Autograd.NoGrad()) { ... }</c>.</summary>
public readonly struct NoGradScope : IDisposable
{
    private readonly bool _active;
    internal NoGradScope(bool active) { _active = active; if (active) GradMode.Push(); }
    public void Dispose() { if (_active) GradMode.Pop(); }
}
