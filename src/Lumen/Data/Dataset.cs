namespace Lumen.Data;

/// <summary>Dataset helpers, PyTorch's <c>torch.utils.data.random_split</c>.</summary>
public static class Dataset
{
    /// <summary>Splits <paramref name="dataset"/> into non-overlapping subsets of the given <paramref name="lengths"/>, PyTorch's
    /// <c>random_split(dataset, lengths, generator)</c>: one <c>randperm(sum(lengths), generator)</c>, then consecutive slices of
    /// it. The same seed gives PyTorch's subsets.</summary>
    /// <param name="dataset">the dataset to split.</param>
    /// <param name="lengths">the length of each split; they must sum to the dataset's length.</param>
    /// <param name="generator">the generator to draw from; <see cref="Generator.Default"/> when null (PyTorch's default_generator).</param>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<int> lengths, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        long sum = 0;
        foreach (var l in lengths)
        {
            if (l < 0) throw new ArgumentException($"RandomSplit: lengths must be non-negative, got [{string.Join(", ", lengths)}].");
            sum += l;
        }
        if (sum != dataset.Count)
            throw new ArgumentException($"RandomSplit: sum of input lengths ({sum}, from [{string.Join(", ", lengths)}]) does not equal the length of the input dataset ({dataset.Count}).");
        var perm = Torch.RandPerm((int)sum, generator).ToArray<long>();
        var result = new Subset<T>[lengths.Count];
        int offset = 0;
        for (int i = 0; i < lengths.Count; i++)
        {
            var idx = new int[lengths[i]];
            for (int k = 0; k < idx.Length; k++) idx[k] = (int)perm[offset + k];
            offset += lengths[i];
            result[i] = new Subset<T>(dataset, idx);
        }
        return result;
    }

    /// <summary>Splits by fractions that sum to 1, PyTorch's <c>random_split(dataset, [0.8, 0.2])</c>: each length is
    /// floor(n·fraction), and the remainder is handed out one at a time round-robin from the first split.</summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<double> fractions, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        if (fractions.Count == 0) throw new ArgumentException("RandomSplit: needs at least one fraction.");
        double total = fractions.Sum();
        // Python's math.isclose(sum, 1) (rel_tol 1e-9) and sum <= 1.
        if (!(Math.Abs(total - 1) <= 1e-9 * Math.Max(1, Math.Abs(total)) && total <= 1))
            throw new ArgumentException($"RandomSplit: fractions [{string.Join(", ", fractions)}] must sum to 1 (they sum to {total}).");
        var lengths = new int[fractions.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            double f = fractions[i];
            if (!(f >= 0 && f <= 1)) throw new ArgumentException($"RandomSplit: fraction at index {i} ({f}) is not between 0 and 1.");
            lengths[i] = (int)Math.Floor(dataset.Count * f);
        }
        int remainder = dataset.Count - lengths.Sum();
        for (int i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }
}
