namespace Lumen.Data;

/// <summary>Random indices, PyTorch's <c>RandomSampler(data_source, replacement, num_samples, generator)</c>, draw for draw:
/// without a generator each epoch first draws a seed from the global generator (<c>torch.empty((), dtype=torch.int64).random_()</c>)
/// and shuffles with a fresh generator seeded with it; with one, it draws from that generator directly. Without replacement an
/// epoch is <c>randperm(n)</c> (repeated and cut to <see cref="Count"/>); with replacement it is <c>randint(n)</c> in blocks of 32.
/// So <c>Torch.ManualSeed(0)</c> here gives the order that <c>torch.manual_seed(0)</c> gives in PyTorch.</summary>
public sealed class RandomSampler : Sampler
{
    private readonly IDataset _source;
    private readonly int? _numSamples;

    /// <summary>Whether indices are drawn with replacement.</summary>
    public bool Replacement { get; }

    /// <summary>The generator drawn from, or null for a per-epoch generator seeded from the global one.</summary>
    public Generator? Generator { get; }

    /// <param name="dataSource">the dataset (only its length is read, at each enumeration).</param>
    /// <param name="replacement">draw with replacement.</param>
    /// <param name="numSamples">indices per epoch; the dataset's length when null.</param>
    /// <param name="generator">generator to draw from (PyTorch's <c>generator=</c>).</param>
    public RandomSampler(IDataset dataSource, bool replacement = false, int? numSamples = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _source = dataSource;
        _numSamples = numSamples;
        Replacement = replacement;
        Generator = generator;
        if (Count <= 0) throw new ArgumentException($"RandomSampler: num_samples should be a positive integer value, but got num_samples={Count}.");
    }

    public override int Count => _numSamples ?? _source.Count;

    public override IEnumerator<int> GetEnumerator()
    {
        int n = _source.Count;
        var g = Generator ?? new Generator(DrawSeed(null));
        int total = Count;
        if (Replacement)
        {
            for (int b = 0; b < total / 32; b++)
                foreach (var i in Torch.RandInt(n, new[] { 32 }, g).ToArray<long>()) yield return (int)i;
            foreach (var i in Torch.RandInt(n, new[] { total % 32 }, g).ToArray<long>()) yield return (int)i;
        }
        else
        {
            if (n == 0) yield break;
            for (int r = 0; r < total / n; r++)
                foreach (var i in Torch.RandPerm(n, g).ToArray<long>()) yield return (int)i;
            var last = Torch.RandPerm(n, g).ToArray<long>(); // PyTorch draws the final permutation even when it keeps none of it
            for (int k = 0; k < total % n; k++) yield return (int)last[k];
        }
    }
}
