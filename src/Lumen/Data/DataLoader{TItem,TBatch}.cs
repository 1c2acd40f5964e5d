using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Lumen.Data;

/// <summary>Batches of a dataset, PyTorch's <c>torch.utils.data.DataLoader</c>: a sampler orders the indices (sequential, or
/// shuffled like PyTorch's <see cref="RandomSampler"/> when <c>shuffle</c>), a <see cref="BatchSampler"/> groups them, and
/// <c>collate</c> turns each group of samples into a batch. With <c>numWorkers</c> &gt; 0 samples are loaded on that many
/// background threads, up to <c>numWorkers × prefetchFactor</c> batches ahead (a bounded queue); batches still come out in
/// the sampler's order, so a seed gives the same batches whatever numWorkers is.</summary>
/// <remarks>Each enumeration is one epoch. Like PyTorch's iterator, starting one draws a 64-bit base seed from
/// <c>generator</c> (the global generator when null) before the sampler draws, so the global stream advances exactly as in
/// PyTorch. Random transforms that draw from the global generator inside worker threads interleave their draws in a
/// thread-dependent order: give such runs numWorkers = 0 when bit-exact augmentation matters.</remarks>
public class DataLoader<TItem, TBatch> : IEnumerable<TBatch>
{
    private readonly Func<IReadOnlyList<TItem>, TBatch> _collate;

    /// <summary>The dataset batches are drawn from.</summary>
    public Dataset<TItem> Dataset { get; }

    /// <summary>The index sampler (per sample).</summary>
    public Sampler Sampler { get; }

    /// <summary>The batch sampler grouping <see cref="Sampler"/>'s indices.</summary>
    public BatchSampler BatchSampler { get; }

    /// <summary>Background loading threads; 0 loads on the enumerating thread.</summary>
    public int NumWorkers { get; }

    /// <summary>Batches each worker may have loaded ahead (PyTorch's <c>prefetch_factor</c>).</summary>
    public int PrefetchFactor { get; }

    /// <summary>The generator for the shuffling sampler and the base seed; the global one when null.</summary>
    public Generator? Generator { get; }

    /// <param name="dataset">samples to load.</param>
    /// <param name="batchSize">samples per batch.</param>
    /// <param name="shuffle">shuffle every epoch (a <see cref="RandomSampler"/> over <paramref name="generator"/>).</param>
    /// <param name="sampler">a custom index order (exclusive with shuffle).</param>
    /// <param name="batchSampler">custom batches (exclusive with batchSize ≠ 1, shuffle, sampler and dropLast).</param>
    /// <param name="numWorkers">background loading threads (0: load on the enumerating thread).</param>
    /// <param name="collate">samples → batch; <see cref="Collate.Default{TItem, TBatch}"/> when null.</param>
    /// <param name="dropLast">drop the last incomplete batch.</param>
    /// <param name="generator">generator for shuffling and the base seed.</param>
    /// <param name="prefetchFactor">batches loaded ahead per worker (numWorkers &gt; 0 only).</param>
    public DataLoader(Dataset<TItem> dataset, int batchSize = 1, bool shuffle = false, Sampler? sampler = null,
        BatchSampler? batchSampler = null, int numWorkers = 0, Func<IReadOnlyList<TItem>, TBatch>? collate = null,
        bool dropLast = false, Generator? generator = null, int prefetchFactor = 2)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (numWorkers < 0) throw new ArgumentException($"DataLoader: num_workers option should be non-negative, got {numWorkers}.");
        if (prefetchFactor < 1) throw new ArgumentException($"DataLoader: prefetch_factor must be positive, got {prefetchFactor}.");
        if (batchSize < 1) throw new ArgumentException($"DataLoader: batch_size should be a positive integer value, but got batch_size={batchSize}.");
        if (sampler is not null && shuffle) throw new ArgumentException("DataLoader: sampler option is mutually exclusive with shuffle.");
        if (batchSampler is not null && (batchSize != 1 || shuffle || sampler is not null || dropLast))
            throw new ArgumentException("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last.");
        Dataset = dataset;
        Generator = generator;
        NumWorkers = numWorkers;
        PrefetchFactor = prefetchFactor;
        if (batchSampler is not null)
        {
            BatchSampler = batchSampler;
            Sampler = batchSampler.Sampler;
        }
        else
        {
            Sampler = sampler ?? (shuffle ? new RandomSampler(dataset, generator: generator) : new SequentialSampler(dataset));
            BatchSampler = new BatchSampler(Sampler, batchSize, dropLast);
        }
        _collate = collate ?? Collate.Default<TItem, TBatch>();
    }

    /// <summary>Batches per epoch, PyTorch's <c>len(loader)</c>.</summary>
    public int Count => BatchSampler.Count;

    public IEnumerator<TBatch> GetEnumerator()
    {
        // PyTorch's _BaseDataLoaderIter draws its base seed before the (lazy) sampler draws anything.
        Sampler.DrawSeed(Generator);
        return NumWorkers == 0 ? Serial() : Parallel();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private TBatch Load(int[] indices)
    {
        var items = new TItem[indices.Length];
        for (int i = 0; i < indices.Length; i++) items[i] = Dataset[indices[i]];
        return _collate(items);
    }

    private IEnumerator<TBatch> Serial()
    {
        foreach (var indices in BatchSampler) yield return Load(indices);
    }

    private sealed class Job
    {
        public required int[] Indices;
        public TBatch? Result;
        public ExceptionDispatchInfo? Error;
        public readonly ManualResetEventSlim Done = new(false);
    }

    private IEnumerator<TBatch> Parallel()
    {
        // Indices are drawn here, on the enumerating thread, in order; workers only load. A window of at most
        // NumWorkers × PrefetchFactor outstanding batches bounds memory; results are handed out in submission order.
        var queue = new BlockingCollection<Job>();
        using var cancel = new CancellationTokenSource();
        var threads = new Thread[NumWorkers];
        for (int w = 0; w < threads.Length; w++)
        {
            threads[w] = new Thread(() =>
            {
                try
                {
                    foreach (var job in queue.GetConsumingEnumerable(cancel.Token))
                    {
                        try { job.Result = Load(job.Indices); }
                        catch (Exception e) { job.Error = ExceptionDispatchInfo.Capture(e); }
                        job.Done.Set();
                    }
                }
                catch (OperationCanceledException) { }
            }) { IsBackground = true, Name = $"DataLoader worker {w}" };
            threads[w].Start();
        }
        var pending = new Queue<Job>();
        int window = NumWorkers * PrefetchFactor;
        using var batches = BatchSampler.GetEnumerator();
        try
        {
            bool more = true;
            while (true)
            {
                while (more && pending.Count < window)
                {
                    more = batches.MoveNext();
                    if (!more) break;
                    var job = new Job { Indices = batches.Current };
                    pending.Enqueue(job);
                    queue.Add(job);
                }
                if (pending.Count == 0) break;
                var head = pending.Dequeue();
                head.Done.Wait();
                head.Done.Dispose();
                head.Error?.Throw();
                yield return head.Result!;
            }
        }
        finally
        {
            queue.CompleteAdding();
            cancel.Cancel();
            foreach (var t in threads) t.Join();
            queue.Dispose();
        }
    }
}
