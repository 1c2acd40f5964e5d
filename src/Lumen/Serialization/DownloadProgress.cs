using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Lumen.Serialization;

/// <summary>A one-line byte-count progress bar on stderr in tqdm's layout (the bar torch.hub draws while it downloads):
/// <c> 45%|████▌     | 20.1M/44.7M [00:01&lt;00:01, 16.3MB/s]</c>, binary units as tqdm's <c>unit_divisor=1024</c>. The
/// line is redrawn in place ('\r') at most ten times a second and ended with a newline by <see cref="Dispose"/>.</summary>
internal sealed class DownloadProgress : IDisposable
{
    private readonly TextWriter? _out;
    private readonly long? _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _done;
    private long _lastDrawTicks = long.MinValue;
    private int _lastWidth;

    /// <param name="total">Bytes expected (the Content-Length), or null when the server did not say.</param>
    /// <param name="output">Where to draw; null draws nothing (the quiet mode).</param>
    public DownloadProgress(long? total, TextWriter? output)
    {
        _total = total is > 0 ? total : null;
        _out = output;
        Draw(force: true);
    }

    /// <summary>Counts <paramref name="bytes"/> more bytes received.</summary>
    public void Update(int bytes)
    {
        _done += bytes;
        Draw(force: false);
    }

    private void Draw(bool force)
    {
        if (_out == null) return;
        long now = _clock.ElapsedTicks;
        if (!force && now - _lastDrawTicks < Stopwatch.Frequency / 10) return;
        _lastDrawTicks = now;
        var line = Format(_done, _total, _clock.Elapsed.TotalSeconds);
        _out.Write("\r" + line + new string(' ', Math.Max(0, _lastWidth - line.Length)));
        _lastWidth = line.Length;
        _out.Flush();
    }

    /// <summary>The bar for <paramref name="done"/> of <paramref name="total"/> bytes after <paramref name="seconds"/>.</summary>
    internal static string Format(long done, long? total, double seconds)
    {
        double rate = seconds > 0 ? done / seconds : 0;
        string rateText = seconds > 0 ? Size(rate) + "B/s" : "?B/s";
        if (total is not long t)
            return $"{Size(done)} [{Clock(seconds)}, {rateText}]";
        double frac = Math.Clamp((double)done / t, 0, 1);
        const int width = 10;
        // tqdm's bar: whole cells, then one partial cell drawn with an eighth block, then spaces.
        int eighths = (int)(frac * width * 8);
        var bar = new StringBuilder(new string('█', eighths / 8));
        if (eighths / 8 < width && eighths % 8 > 0) bar.Append(" ▏▎▍▌▋▊▉"[eighths % 8]);
        bar.Append(' ', width - bar.Length);
        string remaining = rate > 0 ? Clock((t - done) / rate) : "?";
        return $"{(int)(frac * 100),3}%|{bar}| {Size(done)}/{Size(t)} [{Clock(seconds)}<{remaining}, {rateText}]";
    }

    /// <summary>A byte count with tqdm's scaled units (divisor 1024): 512, 1.50k, 20.1M, 3.00G.</summary>
    internal static string Size(double n)
    {
        string[] units = { "", "k", "M", "G", "T" };
        int u = 0;
        while (Math.Abs(n) >= 999.5 && u < units.Length - 1) { n /= 1024; u++; }
        string digits = Math.Abs(n) < 9.995 ? n.ToString("0.00", CultureInfo.InvariantCulture)
            : Math.Abs(n) < 99.95 ? n.ToString("0.0", CultureInfo.InvariantCulture)
            : n.ToString("0", CultureInfo.InvariantCulture);
        return u == 0 && n == Math.Floor(n) ? ((long)n).ToString(CultureInfo.InvariantCulture) : digits + units[u];
    }

    private static string Clock(double seconds)
    {
        var s = (long)Math.Max(0, seconds);
        return s >= 3600 ? $"{s / 3600}:{s / 60 % 60:00}:{s % 60:00}" : $"{s / 60:00}:{s % 60:00}";
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Dispose()
    {
        if (_out == null) return;
        Draw(force: true);
        _out.WriteLine();
        _out.Flush();
    }
}
