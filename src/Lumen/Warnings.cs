using System.Collections.Concurrent;

namespace Lumen;

/// <summary>
/// PyTorch's <c>warnings.warn(..., UserWarning)</c>: advice that does not stop the program, printed once per process
/// (Python's default filter shows a warning once per source location) as <c>UserWarning: message</c> on standard error.
/// <see cref="Sink"/> redirects them (a CLI or a log); <see cref="Capture"/> records them for a scope, like Python's
/// <c>warnings.catch_warnings(record=True)</c>, which is how tests see them.
/// </summary>
public static class Warnings
{
    private static readonly ConcurrentDictionary<string, byte> Shown = new();
    private static readonly AsyncLocal<WarningCapture?> CurrentCapture = new();

    /// <summary>Where shown warnings go (standard error by default).</summary>
    public static Action<string> Sink { get; set; } = line => Console.Error.WriteLine(line);

    /// <summary>Shows <paramref name="message"/> unless it was shown before in this process (or, inside
    /// <see cref="Capture"/>, in that scope).</summary>
    public static void Warn(string message, string category = "UserWarning")
    {
        var line = $"{category}: {message}";
        if (CurrentCapture.Value is { } capture) { capture.Record(line); return; }
        if (Shown.TryAdd(line, 0)) Sink(line);
    }

    /// <summary>Records the warnings raised on this thread (and the tasks it starts) until disposed, each once, instead of
    /// printing them: <c>using var w = Warnings.Capture(); scheduler.Step(); Assert.Single(w.Messages);</c>.</summary>
    public static WarningCapture Capture()
    {
        var c = new WarningCapture(CurrentCapture.Value, previous => CurrentCapture.Value = previous);
        CurrentCapture.Value = c;
        return c;
    }
}
