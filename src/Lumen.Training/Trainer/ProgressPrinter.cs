using System.Diagnostics;
using System.Globalization;

namespace Lumen.Training;

/// <summary>Live progress: on a terminal one line rewritten in place (at most ten times a second); in a log (CI,
/// redirected output) a plain line every tenth of an epoch. Summary lines always go out whole.</summary>
internal sealed class ProgressPrinter
{
    private readonly TextWriter? _w;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDrawMs = -1000;
    private int _lastLength;

    public ProgressPrinter(TextWriter? writer, bool? interactive)
    {
        _w = writer;
        _interactive = interactive ?? (writer != null && ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected);
    }

    public bool Interactive => _interactive;

    /// <summary>One batch done; <paramref name="inLogs"/> false shows it only on a terminal (evaluation passes).</summary>
    public void Batch(string label, int done, int total, double loss, double accuracy, double imagesPerSecond, double etaSeconds, bool inLogs = true)
    {
        if (_w == null || (!inLogs && !_interactive)) return;
        bool last = done == total;
        if (_interactive)
        {
            long now = _clock.ElapsedMilliseconds;
            if (!last && now - _lastDrawMs < 100) return;
            _lastDrawMs = now;
        }
        else
        {
            int every = Math.Max(1, total / 10);
            if (!last && done % every != 0) return;
        }
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{label} {done,5}/{total}  loss {loss:F4}{(double.IsNaN(accuracy) ? "" : $"  acc {accuracy * 100:F2}%")}  {imagesPerSecond:F0} img/s  ETA {Eta(etaSeconds)}");
        if (_interactive) Draw(text);
        else _w.WriteLine(text);
    }

    /// <summary>Writes a whole line (clearing a live line first).</summary>
    public void Line(string text)
    {
        if (_w == null) return;
        if (_interactive && _lastLength > 0) { _w.Write('\r' + new string(' ', _lastLength) + '\r'); _lastLength = 0; }
        _w.WriteLine(text);
        _w.Flush();
    }

    private void Draw(string text)
    {
        int pad = Math.Max(0, _lastLength - text.Length);
        _w!.Write('\r' + text + new string(' ', pad));
        _w.Flush();
        _lastLength = text.Length;
    }

    internal static string Eta(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "--:--";
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes:D2}:{t.Seconds:D2}";
    }
}
