using Lumen.Serialization;
using Xunit;
using static Lumen.Cli.Tests.Robustness.UsageErrors;

namespace Lumen.Cli.Tests.Robustness;

/// <summary>The <c>--out</c> rule: <c>lumen train --out DIR</c> on a folder that holds the user's files used to overwrite
/// their <c>config.json</c> and <c>metrics.csv</c> and exit 0. Now a folder that is not a run is refused (exit 2, naming
/// it) unless <c>--force</c>, and no file of a run's name that Lumen did not write is ever replaced. A run killed while
/// writing its first file starts again on a rerun, and its temporary file is removed.</summary>
public sealed class OutFolderTests
{
    private static readonly string[] Quick = { "--model", "tiny-conv", "--train-subset", "32", "--test-subset", "16", "--epochs", "1", "--batch-size", "16", "--threads", "1", "--no-report" };

    private static LumenCli.Result Train(string outDir, params string[] extra) =>
        LumenCli.Run(new[] { "train", "--out", outDir }.Concat(Quick).Concat(extra).ToArray());

    [Fact]
    public void A_folder_of_the_users_files_is_refused_and_left_untouched()
    {
        var dir = LumenCli.TempDir("users");
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"my\": \"settings\"}");
        File.WriteAllText(Path.Combine(dir, "metrics.csv"), "mine\n");
        AssertBadInput(Train(dir), $"--out: '{dir}' is not empty and is not a Lumen run", "'config.json', 'metrics.csv'");
        Assert.Equal("{\"my\": \"settings\"}", File.ReadAllText(Path.Combine(dir, "config.json")));
        Assert.Equal("mine\n", File.ReadAllText(Path.Combine(dir, "metrics.csv")));
        Assert.Equal(2, Directory.GetFileSystemEntries(dir).Length);
    }

    [Fact]
    public void Force_writes_the_run_beside_other_files()
    {
        var dir = LumenCli.TempDir("force");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "keep me");
        var r = Train(dir, "--force");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(dir, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(dir, "last.safetensors")));
    }

    [Fact]
    public void Force_never_replaces_a_file_of_a_runs_name()
    {
        var dir = LumenCli.TempDir("force-clash");
        File.WriteAllText(Path.Combine(dir, "metrics.csv"), "mine\n");
        AssertBadInput(Train(dir, "--force"), Path.Combine(dir, "metrics.csv"), "was not written by Lumen");
        Assert.Equal("mine\n", File.ReadAllText(Path.Combine(dir, "metrics.csv")));
    }

    [Fact]
    public void Out_naming_a_file_is_a_usage_error()
    {
        var file = Path.Combine(LumenCli.TempDir("outfile"), "results.txt");
        File.WriteAllText(file, "x");
        AssertBadInput(Train(file), $"--out: '{file}' is a file, not a folder");
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void An_empty_folder_and_a_new_folder_take_a_run()
    {
        Assert.Equal(0, Train(LumenCli.TempDir("empty")).Code);
        Assert.Equal(0, Train(Path.Combine(LumenCli.TempDir("new"), "run")).Code);
    }

    [Fact]
    public void A_run_killed_while_writing_its_config_starts_again_on_a_rerun()
    {
        // What a kill during the first AtomicFile write leaves: the temporary file only.
        var dir = LumenCli.TempDir("killed-config");
        var stale = Path.Combine(dir, $".config.json.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "{\"model\": \"tiny-co");

        var resume = LumenCli.Run("train", "--resume", "--out", dir);
        AssertBadInput(resume, "stopped while writing it, before training began", "without --resume");

        var rerun = Train(dir);
        Assert.True(rerun.Code == 0, rerun.Err);
        Assert.False(File.Exists(stale));
        Assert.True(AtomicFile.IsTemporaryFile(stale));
        Assert.DoesNotContain(Directory.GetFiles(dir), AtomicFile.IsTemporaryFile);
    }

    [Fact]
    public void A_run_stopped_before_its_first_checkpoint_is_rerun_in_place()
    {
        var dir = LumenCli.TempDir("no-checkpoint");
        Assert.Equal(0, Train(dir).Code);
        File.Delete(Path.Combine(dir, "last.safetensors"));
        Assert.Equal(0, Train(dir).Code);
    }
}
