using System.Text;
using Lumen.Distributed;
using Lumen.Training;
using Lumen.Training.Search;

namespace Lumen.Cli.Setup;

/// <summary>
/// How the CLI behaves under <c>mpirun -np N</c> (detected from mpirun's environment): <c>lumen train</c> trains
/// data-parallel (each rank its shard of every epoch, <c>--batch-size</c> per rank, rank 0 prints and writes the run), and
/// <c>lumen search</c> deals its trials out to the ranks (trial i on rank i mod N, each trial a plain one-process run) and
/// rank 0 gathers the results into one table. Without mpirun nothing changes and libmpi is never loaded.
/// </summary>
internal static class DistributedSetup
{
    private static int _localOnly;

    /// <summary>The job's process group under mpirun, else null (also while a search runs its trials locally).</summary>
    public static ProcessGroup? Group => _localOnly == 0 && ProcessGroup.LaunchedByMpirun ? ProcessGroup.World : null;

    /// <summary>True on every rank but 0 of an mpirun job: such a rank neither prints nor writes shared files.</summary>
    public static bool IsSecondaryRank => ProcessGroup.LaunchedByMpirun && ProcessGroup.World.Rank != 0;

    /// <summary>The context a command writes through: the real one on rank 0 (or without mpirun), silent output elsewhere.</summary>
    public static CliContext ForRank(CliContext ctx) => IsSecondaryRank ? ctx with { Out = TextWriter.Null } : ctx;

    /// <summary>While the returned scope is open, training in this process stays local (a search's trial).</summary>
    public static IDisposable LocalOnly()
    {
        Interlocked.Increment(ref _localOnly);
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref _localOnly); }
    }

    /// <summary>Waits for every rank (nothing without mpirun).</summary>
    public static void Barrier()
    {
        if (ProcessGroup.LaunchedByMpirun) ProcessGroup.World.Barrier();
    }

    /// <summary>Whether trial <paramref name="trial"/> (0-based) runs on this rank (every trial does without mpirun).</summary>
    public static bool IsMine(int trial) => !ProcessGroup.LaunchedByMpirun || trial % ProcessGroup.World.WorldSize == ProcessGroup.World.Rank;

    /// <summary>Rank 0 receives every rank's finished trials (null slots elsewhere are filled); waits as long as the
    /// slowest rank needs (trials take minutes), so no timeout.</summary>
    public static void GatherTrials(TrialResult?[] results)
    {
        if (!ProcessGroup.LaunchedByMpirun || ProcessGroup.World.WorldSize == 1) return;
        var mine = string.Join('\u001e', results.Where(r => r != null).Select(r => SearchResults.ToJson(r!)));
        foreach (var bytes in ProcessGroup.World.AllGatherBytes(Encoding.UTF8.GetBytes(mine), Timeout.InfiniteTimeSpan))
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
            {
                var t = SearchResults.FromJson(line);
                results[t.Trial - 1] ??= t;
            }
    }

    /// <summary>Removes mpirun's variables from a child's environment, so a trial started as a child process is a plain
    /// one-process run rather than a stray MPI process.</summary>
    public static void StripMpiEnvironment(IDictionary<string, string?> env)
    {
        foreach (var k in env.Keys.Where(k => k.StartsWith("OMPI_", StringComparison.Ordinal) || k.StartsWith("PMIX_", StringComparison.Ordinal)).ToList())
            env.Remove(k);
    }
}
