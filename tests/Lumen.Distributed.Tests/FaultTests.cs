using System.Diagnostics;

namespace Lumen.Distributed.Tests;

/// <summary>A rank that dies or hangs stops the job within 60 s, never a silent hang; the last checkpoint resumes the run
/// to the weights of an uninterrupted one.</summary>
[Collection("mpi")]
public sealed class FaultTests
{
    [MpiFact]
    public void A_killed_rank_ends_the_job_and_the_checkpoint_resumes_to_the_uninterrupted_weights()
    {
        var root = MpiRun.TempDir("fault");
        string whole = Path.Combine(root, "whole"), broken = Path.Combine(root, "broken");
        var r = MpiRun.Worker(2, new[] { "train", whole, "2", "0" });
        Assert.True(r.ExitCode == 0, r.ToString());

        // Rank 1 SIGKILLs itself after its 3rd batch of 4 per epoch, mid-epoch 1 (the checkpoint after batch 2 is the last).
        var killed = MpiRun.Worker(2, new[] { "train", broken, "2", "3" }, timeoutSeconds: 120);
        Assert.NotEqual(0, killed.ExitCode);
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(60) + StartupAllowance(r), killed.ToString());
        Assert.Contains("rank 1", killed.Output);
        Assert.False(File.Exists(Path.Combine(broken, "model.safetensors")));

        var resumed = MpiRun.Worker(2, new[] { "train", broken, "2", "0", "resume" });
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resumed in epoch 1 after batch 2", resumed.Output);
        Assert.All(Weights.RelativeDifferences(Path.Combine(broken, "model.safetensors"), Path.Combine(whole, "model.safetensors")),
                   kv => Assert.True(kv.Value == 0, $"{kv.Key}: {kv.Value:E2}"));
    }

    [MpiFact]
    public void A_hung_rank_is_named_and_the_job_stops_after_the_timeout()
    {
        var r = MpiRun.Worker(2, new[] { "hang" }, new Dictionary<string, string> { ["LUMEN_DIST_TIMEOUT"] = "5" }, timeoutSeconds: 90);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("lumen: distributed: rank 1 did not reach all-reduce", r.Output);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(60), r.ToString());
    }

    /// <summary>The job's own start (two .NET runtimes, MPI wire-up) is not part of the 60 s; a loaded CI box gets the
    /// uninterrupted run's time as allowance.</summary>
    private static TimeSpan StartupAllowance(MpiRun.Result whole) => whole.Elapsed;
}
