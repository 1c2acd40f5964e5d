using Lumen.Data;

namespace Lumen.Distributed;

/// <summary>
/// The indices of one rank's shard of a dataset, PyTorch's <c>torch.utils.data.distributed.DistributedSampler</c>, index
/// for index. Each epoch the whole index list is shuffled (when <see cref="Shuffle"/>) with a fresh generator seeded with
/// <c>seed + epoch</c>, so every rank draws the same permutation; it is padded by repeating its head until it divides evenly
/// (or cut to a multiple of the ranks with <see cref="DropLast"/>), and rank r takes every <c>numReplicas</c>-th index from
/// position r. Call <see cref="SetEpoch"/> before each epoch (the Trainer does) or every epoch has the same order.
/// </summary>
public sealed class DistributedSampler : Sampler
{
    private readonly IDataset _dataset;

    /// <param name="dataset">the dataset (its length is read at each enumeration).</param>
    /// <param name="numReplicas">the number of ranks; the world size when null.</param>
    /// <param name="rank">this rank; the world rank when null.</param>
    /// <param name="shuffle">shuffle each epoch (PyTorch's default).</param>
    /// <param name="seed">the base seed, the same on every rank.</param>
    /// <param name="dropLast">drop the tail that does not divide evenly instead of padding.</param>
    public DistributedSampler(IDataset dataset, int? numReplicas = null, int? rank = null, bool shuffle = true, long seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _dataset = dataset;
        NumReplicas = numReplicas ?? ProcessGroup.World.WorldSize;
        Rank = rank ?? ProcessGroup.World.Rank;
        if (NumReplicas < 1) throw new ArgumentException($"DistributedSampler: numReplicas ({NumReplicas}) must be at least 1.");
        if (Rank < 0 || Rank >= NumReplicas)
            throw new ArgumentException($"DistributedSampler: invalid rank {Rank}, rank should be in the interval [0, {NumReplicas - 1}].");
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
    }

    public int NumReplicas { get; }
    public int Rank { get; }
    public bool Shuffle { get; }
    public long Seed { get; }
    public bool DropLast { get; }

    /// <summary>The epoch whose order the next enumeration draws.</summary>
    public int Epoch { get; private set; }

    /// <summary>Makes the next enumeration draw epoch <paramref name="epoch"/>'s order, PyTorch's <c>set_epoch</c>.</summary>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <summary>Indices per rank per epoch: ⌈len/N⌉, or ⌈(len−N)/N⌉ with <see cref="DropLast"/> when len is not a multiple of N.</summary>
    public override int Count
    {
        get
        {
            int len = _dataset.Count;
            return DropLast && len % NumReplicas != 0
                ? (int)Math.Ceiling((len - NumReplicas) / (double)NumReplicas)
                : (len + NumReplicas - 1) / NumReplicas;
        }
    }

    /// <summary>The whole padded (or cut) index list of the current epoch, before it is split among the ranks.</summary>
    public int[] GlobalIndices()
    {
        int len = _dataset.Count;
        int[] indices = Shuffle
            ? Torch.RandPerm(len, new Generator(Seed + Epoch)).ToArray<long>().Select(i => (int)i).ToArray()
            : Enumerable.Range(0, len).ToArray();
        int total = Count * NumReplicas;
        if (DropLast) return indices[..total];
        var padded = new int[total];
        for (int i = 0; i < total; i++) padded[i] = indices[i % len];   // PyTorch repeats the list as often as needed
        return padded;
    }

    public override IEnumerator<int> GetEnumerator()
    {
        var all = GlobalIndices();
        for (int i = Rank; i < all.Length; i += NumReplicas) yield return all[i];
    }
}
