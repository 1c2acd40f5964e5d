using System.Collections;

namespace Lumen;

/// <summary>An immutable tensor shape, printed like PyTorch's <c>torch.Size([2, 3])</c> contents.</summary>
public readonly struct Shape : IReadOnlyList<int>, IEquatable<Shape>
{
    private readonly int[]? _dims;

    /// <summary>Creates a shape from its dimensions (copied).</summary>
    public Shape(params int[] dims)
    {
        foreach (var d in dims)
            if (d < 0) throw new ArgumentException($"Shape dimensions must be non-negative, got [{string.Join(", ", dims)}].");
        _dims = (int[])dims.Clone();
    }

    internal static Shape Wrap(int[] dims) => new(dims, wrap: true);
    private Shape(int[] dims, bool wrap) { _dims = dims; }

    internal int[] Dims => _dims ?? Array.Empty<int>();

    /// <summary>Number of dimensions.</summary>
    public int Count => Dims.Length;

    /// <summary>Size of dimension <paramref name="index"/>; negative indices count from the end.</summary>
    public int this[int index] => Dims[ShapeUtil.NormalizeDim(index, Dims.Length)];

    /// <summary>Total number of elements (1 for a 0-d shape).</summary>
    public long Numel => ShapeUtil.Numel(Dims);

    public int[] ToArray() => (int[])Dims.Clone();
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public bool Equals(Shape other) => Dims.AsSpan().SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode() { var h = new HashCode(); foreach (var d in Dims) h.Add(d); return h.ToHashCode(); }
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>"[2, 3]"</summary>
    public override string ToString() => "[" + string.Join(", ", Dims) + "]";
}

/// <summary>Shape and stride arithmetic shared by the tensor layer.</summary>
internal static class ShapeUtil
{
    public static long Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }

    public static int NumelInt(ReadOnlySpan<int> shape)
    {
        long n = Numel(shape);
        if (n > int.MaxValue) throw new ArgumentException($"Tensor of shape [{string.Join(", ", shape.ToArray())}] has more than 2^31-1 elements.");
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { strides[i] = s; s *= Math.Max(shape[i], 1); }
        return strides;
    }

    /// <summary>Wraps a possibly negative dimension index into [0, rank). Rank 0 accepts -1 and 0 like PyTorch.</summary>
    public static int NormalizeDim(int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {dim}).");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>The broadcast shape of two shapes, NumPy/PyTorch rules; throws naming the op and both shapes.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int n = Math.Max(a.Length, b.Length);
        var r = new int[n];
        for (int i = 0; i < n; i++)
        {
            int da = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            int db = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else throw new ShapeMismatchException(
                $"{op}: shapes [{string.Join(", ", a.ToArray())}] and [{string.Join(", ", b.ToArray())}] cannot be broadcast " +
                $"(size {da} vs {db} at dimension {i}).");
        }
        return r;
    }

    public static string Str(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
