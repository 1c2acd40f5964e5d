namespace Lumen.Data;

/// <summary>Indices 0…len(weights)−1 drawn with probabilities proportional to <see cref="Weights"/>, PyTorch's
/// <c>WeightedRandomSampler(weights, num_samples, replacement, generator)</c>, which is <c>torch.multinomial</c> over the
/// weights as float64. Reproduces PyTorch 1.13's CPU multinomial draw for draw: with replacement
/// a 53-bit uniform per sample searched in the normalised cumulative sum; otherwise the
/// exponential trick, <c>topk(weights / Exp(1))</c>.</summary>
public sealed class WeightedRandomSampler : Sampler
{
    private readonly double[] _weights;
    private readonly int _numSamples;

    /// <summary>The (unnormalised) weights, one per index.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Whether indices are drawn with replacement.</summary>
    public bool Replacement { get; }

    /// <summary>The generator drawn from; the global one when null.</summary>
    public Generator? Generator { get; }

    public WeightedRandomSampler(IReadOnlyList<double> weights, int numSamples, bool replacement = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (numSamples <= 0) throw new ArgumentException($"WeightedRandomSampler: num_samples should be a positive integer value, but got num_samples={numSamples}.");
        if (weights.Count == 0) throw new ArgumentException("WeightedRandomSampler: weights must not be empty.");
        double sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                throw new ArgumentException($"WeightedRandomSampler: invalid multinomial distribution (weight {i} is {weights[i]}; weights must be finite and >= 0).");
            sum += weights[i];
        }
        if (!(sum > 0)) throw new ArgumentException("WeightedRandomSampler: invalid multinomial distribution (sum of probabilities <= 0).");
        if (!replacement && numSamples > weights.Count)
            throw new ArgumentException($"WeightedRandomSampler: cannot sample num_samples={numSamples} > {weights.Count} categories without replacement.");
        _weights = weights.ToArray();
        _numSamples = numSamples;
        Replacement = replacement;
        Generator = generator;
    }

    public override int Count => _numSamples;

    public override IEnumerator<int> GetEnumerator()
    {
        foreach (var i in Multinomial(_weights, _numSamples, Replacement, Generator)) yield return i;
    }

    /// <summary>PyTorch 1.13's CPU <c>torch.multinomial(weights (float64), n, replacement, generator)</c>.</summary>
    internal static int[] Multinomial(double[] w, int n, bool replacement, Generator? generator)
    {
        var g = generator ?? Lumen.Generator.Default;
        var result = new int[n];
        if (!replacement)
        {
            // Gumbel/exponential trick: q ~ Exp(1) per category, keys = w / q, take the n largest (argmax for n = 1).
            var keys = new double[w.Length];
            lock (g.Sync)
                for (int i = 0; i < w.Length; i++) keys[i] = w[i] / Distributions.ExponentialD(g, 1.0);
            var order = Enumerable.Range(0, w.Length).ToArray();
            // topk/argmax: largest first; among equal keys the lower index first.
            Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
            Array.Copy(order, result, n);
            return result;
        }
        var cum = new double[w.Length];
        double sum = 0;
        for (int j = 0; j < w.Length; j++) { sum += w[j]; cum[j] = sum; }
        for (int j = 0; j < w.Length; j++) cum[j] /= sum;
        cum[^1] = 1;
        lock (g.Sync)
        {
            for (int s = 0; s < n; s++)
            {
                double u = Distributions.Uniform01D(g);
                int left = 0, right = w.Length;
                while (right - left > 0)
                {
                    int mid = left + (right - left) / 2;
                    if (cum[mid] < u) left = mid + 1; else right = mid;
                }
                result[s] = left;
            }
        }
        return result;
    }
}
