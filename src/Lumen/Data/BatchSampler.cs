using System.Collections;

namespace Lumen.Data;

/// <summary>Groups a sampler's indices into batches, PyTorch's <c>BatchSampler(sampler, batch_size, drop_last)</c>: lists of
/// <see cref="BatchSize"/> indices in the sampler's order, the last one shorter unless <see cref="DropLast"/>.</summary>
public sealed class BatchSampler : IEnumerable<int[]>
{
    /// <summary>The sampler whose indices are grouped.</summary>
    public Sampler Sampler { get; }

    /// <summary>Indices per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a final incomplete batch is dropped.</summary>
    public bool DropLast { get; }

    public BatchSampler(Sampler sampler, int batchSize, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (batchSize <= 0) throw new ArgumentException($"BatchSampler: batch_size should be a positive integer value, but got batch_size={batchSize}.");
        Sampler = sampler;
        BatchSize = batchSize;
        DropLast = dropLast;
    }

    /// <summary>Number of batches per epoch, PyTorch's <c>len(batch_sampler)</c>.</summary>
    public int Count => DropLast ? Sampler.Count / BatchSize : (Sampler.Count + BatchSize - 1) / BatchSize;

    public IEnumerator<int[]> GetEnumerator()
    {
        var batch = new List<int>(BatchSize);
        foreach (var i in Sampler)
        {
            batch.Add(i);
            if (batch.Count == BatchSize) { yield return batch.ToArray(); batch.Clear(); }
        }
        if (batch.Count > 0 && !DropLast) yield return batch.ToArray();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
