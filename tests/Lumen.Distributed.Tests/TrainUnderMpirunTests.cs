using Lumen.Serialization;

namespace Lumen.Distributed.Tests;

/// <summary><c>lumen train</c> under <c>mpirun -np 2</c>: <c>--sync-batchnorm</c> (here as the config key) gives the
/// global batch's BatchNorm statistics, rank output on a terminal is plain lines without escape codes, and a checkpoint
/// refuses to resume with another number of ranks, in one line that says how.</summary>
[Collection("mpi")]
public sealed class TrainUnderMpirunTests
{
    private static readonly string[] OneStep =
        { "--batch-size", "50", "--train-subset", "100", "--test-subset", "20", "--epochs", "1", "--threads", "1", "--no-report" };

    private static Dictionary<string, float[]> RunningStats(string runDir) =>
        SafeTensors.Load(Path.Combine(runDir, "model.safetensors")).Where(kv => kv.Key.Contains("running_"))
                   .ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());

    private static double Relative(float[] a, float[] b)
    {
        double d = 0, n = 0;
        for (int i = 0; i < a.Length; i++) { d += (double)(a[i] - b[i]) * (a[i] - b[i]); n += (double)b[i] * b[i]; }
        return Math.Sqrt(d / n);
    }

    [MpiFact(NeedsTerminal = true)]
    public void Sync_batchnorm_gives_global_statistics_rank_output_is_plain_and_resume_needs_the_same_np()
    {
        var root = MpiRun.TempDir("train");
        string sync = Path.Combine(root, "sync"), plain = Path.Combine(root, "plain"), single = Path.Combine(root, "single");
        var config = Path.Combine(root, "run.yaml");
        File.WriteAllText(config, "sync-batchnorm: true\n");

        // One step of 2 ranks × 50 with SyncBatchNorm, on a pseudo-terminal (as a user at a terminal runs mpirun).
        var r = MpiRun.Lumen(2, new[] { "train", "--config", config, "--out", sync }.Concat(OneStep).ToArray(), onTerminal: true);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("data-parallel: 2 ranks x batch 50; SyncBatchNorm in 4 layers", r.Output);
        Assert.DoesNotContain('\u001b', r.Output);   // .NET's keypad escape (ESC[?1h ESC=) once reached the job's output
        for (int i = r.Output.IndexOf('\r'); i >= 0; i = r.Output.IndexOf('\r', i + 1))
            Assert.True(i + 1 < r.Output.Length && r.Output[i + 1] == '\n', $"a progress redraw (carriage return) at {i}:\n{r.Output}");
        Assert.Single(r.Output.Split('\n'), l => l.StartsWith("epoch 1/1 train     1/1"));   // a plain progress line, rank 0 only
        Assert.Single(r.Output.Split('\n'), l => l.StartsWith("final test:"));

        // The same step as 1 process × 100 and as 2 ranks × 50 with per-rank BatchNorm.
        var one = MpiRun.Lumen(1, new[] { "train", "--out", single }.Concat(OneStep).Select(a => a == "50" ? "100" : a).ToArray());
        Assert.True(one.ExitCode == 0, one.ToString());
        var perRank = MpiRun.Lumen(2, new[] { "train", "--out", plain }.Concat(OneStep).ToArray());
        Assert.True(perRank.ExitCode == 0, perRank.ToString());
        Assert.Contains("BatchNorm per rank", perRank.Output);

        // The running statistics come from the step's forward (before any update): the global batch's with SyncBatchNorm
        // (to float rounding), rank 0's half otherwise.
        var expected = RunningStats(single);
        foreach (var (k, v) in RunningStats(sync)) Assert.True(Relative(v, expected[k]) <= 1e-5, $"{k}: {Relative(v, expected[k]):E2} with --sync-batchnorm");
        Assert.Contains(RunningStats(plain), kv => Relative(kv.Value, expected[kv.Key]) > 1e-3);

        // Resuming the 2-rank run in one process: exit 2, one line naming the checkpoint and the -np it needs.
        var resumed = MpiRun.Lumen(1, new[] { "train", "--resume", "--out", sync, "--epochs", "2" });
        Assert.True(resumed.ExitCode == 2, resumed.ToString());
        var error = Assert.Single(resumed.Output.Split('\n'), l => l.Contains("error"));
        Assert.Contains(Path.Combine(sync, "last.safetensors"), error);
        Assert.Contains("resume it with mpirun -np 2", error);
    }
}
