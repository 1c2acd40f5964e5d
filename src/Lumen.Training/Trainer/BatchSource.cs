using Lumen.Data;

namespace Lumen.Training;

/// <summary>
/// A data loader as the trainer sees it: batches of (input, target), their count, and the generator that orders them
/// (recorded in checkpoints so an epoch's order can be drawn again on resume). Any <see cref="DataLoader"/> converts
/// implicitly, and so does a <c>DataLoader&lt;Tensor[], Tensor[]&gt;</c> over a two-tensor <see cref="TensorDataset"/>;
/// other loaders go through <see cref="From{TItem, TBatch}"/>.
/// </summary>
public sealed class BatchSource
{
    private readonly Func<IEnumerator<(Tensor Input, Tensor Target)>> _start;

    private BatchSource(Func<IEnumerator<(Tensor, Tensor)>> start, int count, int sampleCount, Generator? generator, Sampler? sampler)
    {
        Sampler = sampler;
        _start = start;
        Count = count;
        SampleCount = sampleCount;
        Generator = generator;
    }

    /// <summary>Batches per epoch.</summary>
    public int Count { get; }

    /// <summary>Examples per epoch (for throughput and ETA).</summary>
    public int SampleCount { get; }

    /// <summary>The generator the loader shuffles with; null when it uses the global generator.</summary>
    public Generator? Generator { get; }

    /// <summary>The loader's sampler (the Trainer sets a DistributedSampler's epoch before each epoch).</summary>
    public Sampler? Sampler { get; }

    /// <summary>Starts one epoch (the loader draws its seed and its order as PyTorch's iterator does).</summary>
    public IEnumerator<(Tensor Input, Tensor Target)> Start() => _start();

    /// <summary>Wraps any loader whose batches hold an input and a target.</summary>
    public static BatchSource From<TItem, TBatch>(DataLoader<TItem, TBatch> loader, Func<TBatch, (Tensor Input, Tensor Target)> split)
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(split);
        int samples = loader.BatchSampler.DropLast ? loader.Count * loader.BatchSampler.BatchSize : loader.Sampler.Count;
        return new BatchSource(() => Map(loader.GetEnumerator(), split), loader.Count, samples, loader.Generator, loader.Sampler);
    }

    private static IEnumerator<(Tensor, Tensor)> Map<TBatch>(IEnumerator<TBatch> source, Func<TBatch, (Tensor, Tensor)> split)
    {
        using (source)
            while (source.MoveNext()) yield return split(source.Current);
    }

    // A null loader converts to null, so optional splits can be passed straight through.
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(loader))]
    public static implicit operator BatchSource?(DataLoader? loader) => loader is null ? null : From(loader, b => b);

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(loader))]
    public static implicit operator BatchSource?(DataLoader<Tensor[], Tensor[]>? loader) => loader is null ? null : From(loader, b =>
        b.Length == 2 ? (b[0], b[1]) : throw new ArgumentException($"BatchSource: a TensorDataset batch must hold (input, target), got {b.Length} tensors."));
}
