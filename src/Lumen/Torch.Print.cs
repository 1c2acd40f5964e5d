namespace Lumen;

public static partial class Torch
{
    /// <summary>Sets how tensors print, PyTorch's <c>torch.set_printoptions</c>: digits after the point
    /// (<paramref name="precision"/>, default 4), the element count above which tensors are summarised
    /// (<paramref name="threshold"/>, 1000), items kept at each end when summarising (<paramref name="edgeItems"/>, 3),
    /// characters per line (<paramref name="lineWidth"/>, 80), and scientific notation forced on or off
    /// (<paramref name="sciMode"/>; null lets the values decide, and, as in PyTorch, every call resets it).
    /// <paramref name="profile"/> "default", "short" or "full" sets the first four first.</summary>
    public static void SetPrintOptions(int? precision = null, long? threshold = null, int? edgeItems = null,
                                       int? lineWidth = null, string? profile = null, bool? sciMode = null)
    {
        var o = new TensorFormatter.PrintOptions();
        var old = TensorFormatter.Options;
        (o.Precision, o.Threshold, o.EdgeItems, o.LineWidth) = profile switch
        {
            null => (old.Precision, old.Threshold, old.EdgeItems, old.LineWidth),
            "default" => (4, 1000L, 3, 80),
            "short" => (2, 1000L, 2, 80),
            "full" => (4, long.MaxValue, 3, 80),
            _ => throw new ArgumentException($"SetPrintOptions: unknown profile '{profile}' (expected default, short or full)."),
        };
        if (precision is int p) o.Precision = p >= 0 ? p : throw new ArgumentException($"SetPrintOptions: precision must be >= 0, got {p}.");
        if (threshold is long t) o.Threshold = t;
        if (edgeItems is int e) o.EdgeItems = e;
        if (lineWidth is int w) o.LineWidth = w;
        o.SciMode = sciMode;
        TensorFormatter.Options = o;
    }
}
