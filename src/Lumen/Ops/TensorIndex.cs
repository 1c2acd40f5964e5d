namespace Lumen;

/// <summary>
/// One item of a basic-indexing expression, PyTorch's <c>x[0, 1:3, ..., None]</c>. Ints, C# <see cref="System.Index"/>
/// and <see cref="System.Range"/> convert implicitly, so PyTorch's <c>x[:, 1:3]</c> reads <c>x[.., 1..3]</c>,
/// <c>x[-1]</c> reads <c>x[-1]</c> or <c>x[^1]</c>, and <c>x[:, ::2]</c> reads <c>x[.., TensorIndex.Slice(step: 2)]</c>.
/// Every form is a view; out-of-range slice bounds are clamped as in Python.
/// </summary>
public readonly struct TensorIndex
{
    internal enum Kind { Int, Slice, Ellipsis, NewAxis }

    internal readonly Kind Type;
    internal readonly Index? Start;   // Int: the position; Slice: the start (null = from the beginning)
    internal readonly Index? Stop;    // Slice: the end, exclusive (null = to the end)
    internal readonly int Step;

    private TensorIndex(Kind type, Index? start = null, Index? stop = null, int step = 1)
    {
        Type = type; Start = start; Stop = stop; Step = step;
    }

    /// <summary>PyTorch's <c>...</c>: as many full slices as needed to index every remaining dimension.</summary>
    public static TensorIndex Ellipsis => new(Kind.Ellipsis);

    /// <summary>PyTorch's <c>None</c>: inserts a size-1 dimension here.</summary>
    public static TensorIndex NewAxis => new(Kind.NewAxis);

    /// <summary>PyTorch's <c>start:stop:step</c> with Python's ints (negative counts from the end; null is open).
    /// <paramref name="step"/> must be positive, as in PyTorch.</summary>
    public static TensorIndex Slice(int? start = null, int? stop = null, int step = 1) =>
        new(Kind.Slice, start is int s ? FromPython(s) : null, stop is int e ? FromPython(e) : null, step);

    /// <summary>An integer position (negative counts from the end); selects and removes the dimension.</summary>
    public static implicit operator TensorIndex(int index) => new(Kind.Int, FromPython(index));

    /// <summary>A C# index such as <c>^1</c>; selects and removes the dimension.</summary>
    public static implicit operator TensorIndex(Index index) => new(Kind.Int, index);

    /// <summary>A C# range such as <c>1..3</c>, <c>..</c> or <c>^2..</c>: a slice with step 1.</summary>
    public static implicit operator TensorIndex(Range range) =>
        new(Kind.Slice, range.Start.Equals(System.Index.Start) ? null : range.Start, range.End.Equals(System.Index.End) ? null : range.End);

    private static Index FromPython(int i) => i >= 0 ? new Index(i) : new Index(-i, fromEnd: true);

    /// <summary>The item in Python's notation: <c>1</c>, <c>^1</c>, <c>start:stop:step</c>, <c>...</c> or <c>None</c>.</summary>
    public override string ToString() => Type switch
    {
        Kind.Int => Start!.Value.ToString(),
        Kind.Ellipsis => "...",
        Kind.NewAxis => "None",
        _ => $"{Start?.ToString() ?? ""}:{Stop?.ToString() ?? ""}" + (Step != 1 ? $":{Step}" : ""),
    };
}
