using Lumen.Serialization;
using Lumen.Training.Checkpoints;
using Xunit;
using static Lumen.Cli.Tests.Robustness.UsageErrors;

namespace Lumen.Cli.Tests.Robustness;

/// <summary><c>lumen train --resume</c> on a damaged <c>last.safetensors</c> used to exit 1 with
/// "NullReferenceException: Object reference not set…", resume silently after random bit flips, or train from epoch −5.
/// Now it prints one line naming the file and what is wrong, and exits with 2.</summary>
public sealed class DamagedCheckpointCliTests
{
    /// <summary>A copy of the shared one-epoch run.</summary>
    private static string CopyOfRun()
    {
        var dir = Path.Combine(LumenCli.TempDir("damaged"), "run");
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(TrainedRun.Shared.Dir)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    private static LumenCli.Result Resume(string dir) => LumenCli.Run("train", "--resume", "--out", dir, "--epochs", "2");

    [Fact]
    public void A_flipped_bit_is_refused_naming_last_safetensors()
    {
        var dir = CopyOfRun();
        var path = Path.Combine(dir, "last.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length - 100] ^= 0x04;
        File.WriteAllBytes(path, bytes);
        AssertBadInput(Resume(dir), path, "checksum does not match");
    }

    [Fact]
    public void A_negative_epoch_is_refused_even_with_a_valid_checksum()
    {
        var dir = CopyOfRun();
        var path = Path.Combine(dir, "last.safetensors");
        var ck = TrainingCheckpoint.Load(path);
        new TrainingCheckpoint
        {
            Model = ck.Model, Optimizer = ck.Optimizer, Scheduler = ck.Scheduler, Epoch = -5, Batch = ck.Batch, GlobalRng = ck.GlobalRng,
            LoaderRng = ck.LoaderRng, Trainer = ck.Trainer, Callbacks = ck.Callbacks,
        }.Save(path);   // written with a valid checksum: the field check must refuse it
        AssertBadInput(Resume(dir), path, "'epoch' is -5");
        Assert.Equal(File.ReadAllText(Path.Combine(TrainedRun.Shared.Dir, "metrics.csv")), File.ReadAllText(Path.Combine(dir, "metrics.csv")));
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_naming_it()
    {
        var dir = CopyOfRun();
        var path = Path.Combine(dir, "last.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        AssertBadInput(Resume(dir), path);
    }

    [Fact]
    public void Eval_on_best_weights_that_do_not_fit_names_the_file()
    {
        var dir = CopyOfRun();
        var best = Path.Combine(dir, "best.safetensors");
        SafeTensors.Save(new Lumen.NN.Linear(2, 2).StateDict(), best);
        AssertBadInput(LumenCli.Run("eval", dir), best, "does not fit the run's model");
    }
}
