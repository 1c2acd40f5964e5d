namespace Lumen.NN;

/// <summary>
/// A pooling size, stride, padding or dilation given as one int or a tuple of ints, PyTorch's <c>_size_any_t</c>:
/// <c>new MaxPool2d(2)</c>, <c>new MaxPool3d((1, 2, 2))</c>, <c>new AvgPool1d(new[] { 3 })</c>. It remembers which form it
/// was given so a module's repr prints it as PyTorch does (<c>kernel_size=2</c> vs <c>kernel_size=(2, 2)</c>).
/// </summary>
public readonly struct PoolSize : IEquatable<PoolSize>
{
    private readonly int[]? _values;

    private PoolSize(int[] values, bool isTuple) { _values = values; IsTuple = isTuple; }

    /// <summary>True when given as a tuple (or array) rather than a single int.</summary>
    public bool IsTuple { get; }

    /// <summary>The values as given (one value for a single int).</summary>
    public IReadOnlyList<int> Values => _values ?? new[] { 0 };

    public static implicit operator PoolSize(int value) => new(new[] { value }, false);
    public static implicit operator PoolSize((int, int) t) => new(new[] { t.Item1, t.Item2 }, true);
    public static implicit operator PoolSize((int, int, int) t) => new(new[] { t.Item1, t.Item2, t.Item3 }, true);
    public static implicit operator PoolSize(int[] values) => new((int[])values.Clone(), true);

    /// <summary>One value per spatial dimension: a single int repeated <paramref name="n"/> times, a tuple of length
    /// <paramref name="n"/> (or of length 1, as PyTorch accepts) as is.</summary>
    internal int[] Expand(int n, string op, string name)
    {
        var v = (int[])Values;
        if (!IsTuple || v.Length == 1) return Enumerable.Repeat(v[0], n).ToArray();
        if (v.Length != n)
            throw new ArgumentException($"{op}: {name} must be a single int or a tuple of {n} ints, got {this}.");
        return (int[])v.Clone();
    }

    public bool Equals(PoolSize other) => IsTuple == other.IsTuple && Values.SequenceEqual(other.Values);
    public override bool Equals(object? obj) => obj is PoolSize p && Equals(p);
    public override int GetHashCode() => HashCode.Combine(IsTuple, string.Join(",", Values));

    /// <summary>Python's repr: <c>2</c>, <c>(2, 3)</c>, <c>(2,)</c>.</summary>
    public override string ToString() =>
        !IsTuple ? Values[0].ToString() : Values.Count == 1 ? $"({Values[0]},)" : "(" + string.Join(", ", Values) + ")";
}
