using Xunit;
using Lumen.Serialization;

namespace Lumen.Cli.Tests;

/// <summary>
/// The acceptance tests of resume: a training process killed mid-epoch, and one killed while writing a checkpoint,
/// each resume with <c>--resume</c> and end with weights bit-identical to an uninterrupted run with the same seed.
/// The runs are real child processes killed (SIGKILL, no clean-up) by the trainer's test-only crash injection
/// (<c>LUMEN_TEST_CRASH</c>), on 512 MNIST images, a tiny CNN with batch norm and
/// dropout, shuffled batches of 32 (16 per epoch), 2 epochs, a checkpoint every 3 batches.
/// </summary>
public sealed class KillResumeTests
{
    private static readonly string[] TrainArgs =
    {
        "train", "--model", "tiny.yaml", "--shuffle", "--train-subset", "512", "--test-subset", "128", "--epochs", "2",
        "--batch-size", "32", "--checkpoint-every", "3", "--no-report", "--threads", "1",
    };

    private static string Setup()
    {
        var dir = LumenCli.TempDir("kill");
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), LumenCli.TinySpec);
        return dir;
    }

    /// <summary>The uninterrupted run, trained once and compared with every interrupted one.</summary>
    private static readonly Lazy<string> Whole = new(() =>
    {
        var dir = Setup();
        var whole = Train(dir, "whole");
        Assert.True(whole.Code == 0, whole.Err);
        return Path.Combine(dir, "whole");
    });

    private static LumenCli.Result Train(string dir, string outDir, string? crash = null) =>
        LumenCli.RunProcessWithCrash(dir, crash, TrainArgs.Concat(new[] { "--out", outDir }).ToArray());

    private static void AssertSameWeights(string expectedRun, string actualRun)
    {
        var expected = SafeTensors.Load(Path.Combine(expectedRun, "model.safetensors"));
        var actual = SafeTensors.Load(Path.Combine(actualRun, "model.safetensors"));
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (k, e) in expected)
        {
            if (e.DType == DType.Float32)
            {
                var a = actual[k].ToArray<float>().Select(BitConverter.SingleToInt32Bits);
                Assert.True(e.ToArray<float>().Select(BitConverter.SingleToInt32Bits).SequenceEqual(a), $"{k} differs from the uninterrupted run");
            }
            else Assert.Equal(e.ToArray<long>(), actual[k].ToArray<long>());
        }
    }

    private static void AssertKilled(LumenCli.Result r, string run)
    {
        Assert.NotEqual(0, r.Code);
        Assert.False(File.Exists(Path.Combine(run, "model.safetensors")), "the killed run should not have finished");
    }

    [Fact]
    public void A_run_killed_mid_epoch_resumes_to_the_same_weights_bit_for_bit()
    {
        var dir = Setup();

        // Killed after batch 4 of epoch 2 (20 of 32 batches); the last checkpoint is at batch 3 of epoch 2.
        var killed = Train(dir, "killed", crash: "after-batches=20");
        AssertKilled(killed, Path.Combine(dir, "killed"));
        Assert.Contains("epoch 1/2  train loss", killed.Out);

        var resumed = LumenCli.RunProcess(dir, "train", "--out", "killed", "--resume");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("resumed in epoch 2 after batch 3", resumed.Out);
        AssertSameWeights(Whole.Value, Path.Combine(dir, "killed"));

        // The logs of the resumed run hold each epoch once, with the uninterrupted run's losses and accuracies.
        string Metrics(string run) => string.Join("\n", File.ReadAllLines(Path.Combine(run, "metrics.csv")).Select(l => string.Join(",", l.Split(',').Take(7))));
        Assert.Equal(Metrics(Whole.Value), Metrics(Path.Combine(dir, "killed")));
    }

    [Fact]
    public void A_run_killed_while_writing_a_checkpoint_resumes_to_the_same_weights_bit_for_bit()
    {
        var dir = Setup();

        // The 4th checkpoint (batch 12 of epoch 1) is half written when the process dies: the 3rd (batch 9) survives.
        var killed = Train(dir, "killed", crash: "while-checkpointing=4");
        AssertKilled(killed, Path.Combine(dir, "killed"));
        Assert.Single(Directory.GetFiles(Path.Combine(dir, "killed"), ".last.safetensors.*.tmp"));

        var resumed = LumenCli.RunProcess(dir, "train", "--out", "killed", "--resume");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("resumed in epoch 1 after batch 9", resumed.Out);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "killed"), "*.tmp"));
        AssertSameWeights(Whole.Value, Path.Combine(dir, "killed"));
    }

    [Fact]
    public void A_bad_crash_injection_value_is_refused_with_exit_code_2_naming_the_variable()
    {
        var r = Train(Setup(), "bad", crash: "after-batches=soon");
        Assert.Equal(2, r.Code);
        Assert.Contains("LUMEN_TEST_CRASH", r.Err);
        Assert.Contains("'after-batches=soon'", r.Err);
    }

    [Fact]
    public void A_run_killed_at_an_epoch_end_and_killed_again_after_resuming_still_ends_identical()
    {
        var dir = Setup();

        AssertKilled(Train(dir, "twice", crash: "after-batches=16"), Path.Combine(dir, "twice"));   // right after epoch 1's last batch
        var again = LumenCli.RunProcessWithCrash(dir, "after-batches=5", "train", "--out", "twice", "--resume");
        AssertKilled(again, Path.Combine(dir, "twice"));
        var resumed = LumenCli.RunProcess(dir, "train", "--out", "twice", "--resume");
        Assert.True(resumed.Code == 0, resumed.Err);
        AssertSameWeights(Whole.Value, Path.Combine(dir, "twice"));
    }
}
