namespace Lumen.Data;

/// <summary>The DataLoader of image datasets: samples <c>(Tensor Image, long Label)</c> become batches
/// <c>(Tensor Images (N, …), Tensor Labels (N) int64)</c>, so PyTorch's <c>for images, labels in loader:</c> reads
/// <c>foreach (var (images, labels) in loader)</c>. See <see cref="DataLoader{TItem, TBatch}"/> for the options.</summary>
public sealed class DataLoader : DataLoader<(Tensor Image, long Label), (Tensor Images, Tensor Labels)>
{
    public DataLoader(Dataset<(Tensor Image, long Label)> dataset, int batchSize = 1, bool shuffle = false, Sampler? sampler = null,
        BatchSampler? batchSampler = null, int numWorkers = 0,
        Func<IReadOnlyList<(Tensor Image, long Label)>, (Tensor Images, Tensor Labels)>? collate = null,
        bool dropLast = false, Generator? generator = null, int prefetchFactor = 2)
        : base(dataset, batchSize, shuffle, sampler, batchSampler, numWorkers, collate, dropLast, generator, prefetchFactor) { }
}
