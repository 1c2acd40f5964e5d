namespace Lumen;

/// <summary>The warnings recorded by <see cref="Warnings.Capture"/> (each distinct one once, in order), until disposed.</summary>
public sealed class WarningCapture : IDisposable
{
    private readonly List<string> _messages = new();
    private readonly WarningCapture? _previous;
    private readonly Action<WarningCapture?> _restore;
    private bool _disposed;

    internal WarningCapture(WarningCapture? previous, Action<WarningCapture?> restore) { _previous = previous; _restore = restore; }

    /// <summary>The recorded lines, <c>UserWarning: …</c>.</summary>
    public IReadOnlyList<string> Messages => _messages;

    internal void Record(string line)
    {
        lock (_messages) if (!_messages.Contains(line)) _messages.Add(line);
    }

    /// <summary>Stops recording; warnings print again (or go to the enclosing capture).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _restore(_previous);
    }
}
