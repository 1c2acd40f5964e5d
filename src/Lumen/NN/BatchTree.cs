using System.Numerics;

namespace Lumen.NN;

/// <summary>
/// The fixed summation order of <see cref="Torch.UseSplitInvariantReductions"/>: the sum of n per-sample partials as
/// the decimation tree sum(p[0..n)) = sum(p[0::2]) + sum(p[1::2]), recursively. Its two halves are exactly what two ranks
/// that take every other sample hold, and their halves what four ranks hold, so a split batch sums in the same order as the
/// whole one. Ranks combine their local sums with the same tree over rank indices.
/// </summary>
public static class BatchTree
{
    /// <summary>Σ over i &lt; <paramref name="count"/> of the vectors <paramref name="partial"/> writes (into a zeroed
    /// array of <paramref name="length"/>), added in the decimation tree's order. Each partial is computed once, when the
    /// tree reaches it; at most about log2(count) vectors are alive at a time.</summary>
    public static T[] Sum<T>(int count, int length, Action<int, T[]> partial) where T : struct, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(partial);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"BatchTree.Sum: count {count} is negative.");
        return count == 0 ? new T[length] : Node(0, 1, count, length, partial);
    }

    private static T[] Node<T>(int start, int step, int count, int length, Action<int, T[]> partial) where T : struct, INumber<T>
    {
        if (count == 1)
        {
            var leaf = new T[length];
            partial(start, leaf);
            return leaf;
        }
        var even = Node(start, 2 * step, (count + 1) / 2, length, partial);
        var odd = Node(start + step, 2 * step, count / 2, length, partial);
        for (int i = 0; i < length; i++) even[i] += odd[i];
        return even;
    }
}
