namespace Lumen.NN;

/// <summary>
/// How a loss reduces its per-element values, PyTorch's <c>reduction=</c> string. Call sites read as in PyTorch,
/// <c>new CrossEntropyLoss(reduction: "sum")</c> (a string converts implicitly and is checked at once), or typed,
/// <c>reduction: Reduction.Sum</c>. The default value of the struct is <see cref="Mean"/>, PyTorch's default.
/// </summary>
public readonly struct Reduction : IEquatable<Reduction>
{
    private enum Kind { Mean, Sum, None, BatchMean }

    private readonly Kind _kind;
    private Reduction(Kind kind) => _kind = kind;

    /// <summary>"mean": the average over elements (weighted losses divide by the summed weights). The default.</summary>
    public static Reduction Mean => new(Kind.Mean);

    /// <summary>"sum": the sum over elements.</summary>
    public static Reduction Sum => new(Kind.Sum);

    /// <summary>"none": the per-element losses, unreduced.</summary>
    public static Reduction None => new(Kind.None);

    /// <summary>"batchmean": the sum divided by the batch size; only <see cref="KLDivLoss"/> accepts it.</summary>
    public static Reduction BatchMean => new(Kind.BatchMean);

    internal bool IsMean => _kind == Kind.Mean;
    internal bool IsSum => _kind == Kind.Sum;
    internal bool IsNone => _kind == Kind.None;
    internal bool IsBatchMean => _kind == Kind.BatchMean;

    /// <summary>Parses PyTorch's spelling ("mean", "sum", "none", "batchmean").</summary>
    public static Reduction Parse(string reduction) => reduction switch
    {
        "mean" => Mean,
        "sum" => Sum,
        "none" => None,
        "batchmean" => BatchMean,
        _ => throw new ArgumentException($"{reduction} is not a valid value for reduction (expected \"mean\", \"sum\" or \"none\"; KLDivLoss also takes \"batchmean\")."),
    };

    public static implicit operator Reduction(string reduction) => Parse(reduction);

    /// <summary>Throws unless this is mean, sum or none (every loss but KLDivLoss rejects "batchmean").</summary>
    internal Reduction Plain(string op) => IsBatchMean
        ? throw new ArgumentException($"{op}: batchmean is not a valid value for reduction (only KLDivLoss accepts it).")
        : this;

    public bool Equals(Reduction other) => _kind == other._kind;
    public override bool Equals(object? obj) => obj is Reduction r && Equals(r);
    public override int GetHashCode() => (int)_kind;
    public static bool operator ==(Reduction a, Reduction b) => a.Equals(b);
    public static bool operator !=(Reduction a, Reduction b) => !a.Equals(b);

    /// <summary>PyTorch's spelling: "mean", "sum", "none" or "batchmean".</summary>
    public override string ToString() => _kind switch
    {
        Kind.Mean => "mean",
        Kind.Sum => "sum",
        Kind.None => "none",
        _ => "batchmean",
    };
}
