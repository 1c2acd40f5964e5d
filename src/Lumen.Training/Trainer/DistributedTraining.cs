using System.Globalization;
using Lumen.Data;
using Lumen.Distributed;
using Lumen.NN;

namespace Lumen.Training;

/// <summary>
/// What the <see cref="Trainer"/> does differently in a data-parallel run (<see cref="TrainerOptions.ProcessGroup"/> with
/// more than one rank): it trains through a <see cref="DistributedDataParallel"/> wrapper, sets the
/// <see cref="DistributedSampler"/>'s epoch, sums the epoch's loss and counts over the ranks, lets only rank 0 write files
/// and print, and keeps every rank's generator states in rank 0's checkpoint so each rank resumes its own random stream.
/// </summary>
internal sealed class DistributedTraining
{
    private const string RngKey = "rank_rng";

    public DistributedTraining(Module model, ProcessGroup group)
    {
        Group = group;
        Parallel = model as DistributedDataParallel ?? new DistributedDataParallel(model, group);
    }

    public ProcessGroup Group { get; }
    public DistributedDataParallel Parallel { get; }

    /// <summary>The loader's sampler, when it is a distributed one, draws epoch <paramref name="epoch"/>'s shard.</summary>
    public static void SetEpoch(BatchSource source, int epoch)
    {
        if (source.Sampler is DistributedSampler ds) ds.SetEpoch(epoch);
    }

    /// <summary>Sums (loss·count, correct, count) over the ranks.</summary>
    public (double LossSum, long Correct, int Count) Sum(double lossSum, long correct, int count)
    {
        var v = new[] { lossSum, correct, count };
        Group.AllReduce(v);
        return (v[0], (long)v[1], (int)v[2]);
    }

    /// <summary>Collects every rank's generator states (now and at the epoch start) into rank 0's checkpoint state.
    /// Every rank must call it at the same point.</summary>
    public void AddRankStates(Dictionary<string, object?> state, byte[]? global, byte[]? loader, byte[]? globalStart, byte[]? loaderStart)
    {
        static string B(byte[]? b) => b == null ? "" : Convert.ToBase64String(b);
        var mine = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', B(global), B(loader), B(globalStart), B(loaderStart)));
        var all = Group.AllGatherBytes(mine);
        var ranks = new Dictionary<string, object?>();
        for (int r = 0; r < all.Length; r++) ranks[r.ToString(CultureInfo.InvariantCulture)] = System.Text.Encoding.UTF8.GetString(all[r]);
        state[RngKey] = ranks;
        state["world_size"] = Group.WorldSize;
    }

    /// <summary>A checkpoint resumes only with the number of ranks that wrote it (one process for one without mpirun):
    /// each rank continues its own generator states and its place in its own shard, which another world size would deal out
    /// differently. Rather than a silent change of the random streams, the run stops with one line saying how to resume.</summary>
    /// <exception cref="Lumen.Serialization.CheckpointFormatException">the checkpoint comes from another world size.</exception>
    public static void CheckWorldSize(IReadOnlyDictionary<string, object?> state, string file, int worldSize)
    {
        int saved = state.TryGetValue("world_size", out var ws) && ws != null ? Convert.ToInt32(ws, CultureInfo.InvariantCulture) : 1;
        if (saved == worldSize) return;
        static string Ranks(int n) => n == 1 ? "one process (no mpirun)" : $"{n} ranks (mpirun -np {n})";
        throw new Lumen.Serialization.CheckpointFormatException(file,
            $"written by {Ranks(saved)}, but this run has {Ranks(worldSize)}: resume it with {(saved == 1 ? "no mpirun" : $"mpirun -np {saved}")}, " +
            "since every rank continues its own random streams and shard.");
    }

    /// <summary>This rank's generator states from a checkpoint written by a run of the same world size
    /// (<see cref="CheckWorldSize"/>).</summary>
    /// <exception cref="Lumen.Serialization.CheckpointFormatException">the checkpoint lacks them.</exception>
    public (byte[]? Global, byte[]? Loader, byte[]? GlobalStart, byte[]? LoaderStart) RankStates(IReadOnlyDictionary<string, object?> state, string file)
    {
        if (!state.TryGetValue(RngKey, out var o) || o is not IReadOnlyDictionary<string, object?> ranks ||
            !ranks.TryGetValue(Group.Rank.ToString(CultureInfo.InvariantCulture), out var mine) || mine is not string s)
            throw new Lumen.Serialization.CheckpointFormatException(file, $"it holds no generator state for rank {Group.Rank} (it was not written by a distributed run).");
        var parts = s.Split('\n');
        static byte[]? U(string p) => p.Length == 0 ? null : Convert.FromBase64String(p);
        return (U(parts[0]), U(parts[1]), U(parts[2]), U(parts[3]));
    }
}
