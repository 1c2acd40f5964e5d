using System.Text.Json.Nodes;
using Lumen.Serialization;
using Lumen.Training.Checkpoints;
using Lumen.Training.Runs;
using Xunit;
using static Lumen.Training.Tests.Checkpoints.DamagedCheckpoints;
using static Lumen.Training.Tests.Trainer.TrainerData;

namespace Lumen.Training.Tests.Checkpoints;

/// <summary>A damaged training checkpoint is refused on load or resume with one <see cref="CheckpointFormatException"/>
/// naming the file and the field, and the trainer is left as it was: never an untyped exception, never a silent resume
/// with impossible values.</summary>
[Collection("GlobalRng")]
public sealed class CheckpointValidationTests
{
    private static readonly Lazy<byte[]> Original = new(MidEpochCheckpoint);

    private static string Resigned(Action<JsonObject> edit)
    {
        var state = State(Original.Value);
        edit(state);
        var dir = TempDir();
        WriteResigned(Path.Combine(dir, RunFiles.Last), Original.Value, state.ToJsonString());
        return dir;
    }

    private static CheckpointFormatException ResumeFails(string dir)
    {
        var t = DamagedCheckpoints.Trainer(dir);
        var before = Weights(t.Model);
        var e = Assert.Throws<CheckpointFormatException>(() => t.Resume());
        Assert.Contains(RunFiles.Last, e.Message);
        Assert.Equal(before, Weights(t.Model));   // nothing was loaded
        Assert.Equal(0, t.EpochsDone);
        return e;
    }

    [Fact]
    public void The_undamaged_checkpoint_resumes()
    {
        var dir = Resigned(_ => { });
        Assert.True(DamagedCheckpoints.Trainer(dir).Resume());
    }

    [Fact]
    public void A_negative_epoch_is_refused() =>
        Assert.Contains("'epoch' is -5", ResumeFails(Resigned(s => s["epoch"] = -5)).Message);

    [Fact]
    public void A_negative_batch_is_refused() =>
        Assert.Contains("'batch' is -1", ResumeFails(Resigned(s => s["batch"] = -1)).Message);

    [Fact]
    public void An_epoch_that_disagrees_with_the_history_is_refused() =>
        Assert.Contains("does not match the history", ResumeFails(Resigned(s => s["epoch"] = 7)).Message);

    [Fact]
    public void A_missing_epoch_is_refused() =>
        Assert.Contains("'epoch' is missing", ResumeFails(Resigned(s => s.Remove("epoch"))).Message);

    [Fact]
    public void A_learning_rate_of_the_wrong_kind_is_refused() =>
        Assert.Contains("optimizer.param_groups[0].lr: a string, expected a number", ResumeFails(Resigned(s =>
            s["optimizer"]!["param_groups"]![0]!["lr"] = new JsonObject { ["t"] = "str", ["v"] = "fast" })).Message);

    [Fact]
    public void A_value_without_its_tag_is_refused() =>
        Assert.Contains("trainer.loss_sum", ResumeFails(Resigned(s => s["trainer"]!["loss_sum"] = 3)).Message);

    [Fact]
    public void Optimizer_state_of_another_parameter_shape_is_refused()
    {
        // Parameter 0's state names parameter 2's tensors: right kinds, wrong shapes.
        var e = ResumeFails(Resigned(s =>
        {
            var st = s["optimizer"]!["state"]!.AsObject();
            st["0"] = st["2"]!.DeepClone();
        }));
        Assert.Contains("optimizer.state.0", e.Message);
    }

    [Fact]
    public void Optimizer_state_for_a_parameter_that_does_not_exist_is_refused() =>
        Assert.Contains("no parameter has index 99", ResumeFails(Resigned(s =>
        {
            var st = s["optimizer"]!["state"]!.AsObject();
            st["99"] = st["0"]!.DeepClone();
        })).Message);

    [Fact]
    public void A_scheduler_state_of_the_wrong_kind_is_refused() =>
        Assert.Contains("scheduler.", ResumeFails(Resigned(s =>
        {
            var sch = s["scheduler"]!.AsObject();
            var first = sch.First().Key;
            sch[first] = new JsonObject { ["t"] = "str", ["v"] = "x" };
        })).Message);

    [Fact]
    public void A_mid_epoch_checkpoint_without_its_running_sums_is_refused() =>
        Assert.Contains("trainer.count", ResumeFails(Resigned(s => s["trainer"]!.AsObject().Remove("count"))).Message);

    [Fact]
    public void A_flipped_bit_in_the_weights_fails_the_checksum()
    {
        var bytes = (byte[])Original.Value.Clone();
        bytes[^5] ^= 0x10;   // the data section ends the file
        var dir = TempDir();
        File.WriteAllBytes(Path.Combine(dir, RunFiles.Last), bytes);
        Assert.Contains("checksum does not match", ResumeFails(dir).Message);
    }

    [Fact]
    public void A_changed_digit_in_the_state_fails_the_checksum()
    {
        var bytes = (byte[])Original.Value.Clone();
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        int at = text.IndexOf("\\\"batch\\\":2", StringComparison.Ordinal);
        Assert.True(at > 0, "the header holds the batch position");
        bytes[at + "\\\"batch\\\":".Length] = (byte)'3';
        var dir = TempDir();
        File.WriteAllBytes(Path.Combine(dir, RunFiles.Last), bytes);
        Assert.Contains("checksum does not match", ResumeFails(dir).Message);
    }

    /// <summary>The checkpoint's tensors and metadata, edited and written to a new run folder as they are (no re-signing).</summary>
    private static string Rewritten(Action<OrderedDictionary<string, Tensor>, Dictionary<string, string>> edit)
    {
        var src = Path.Combine(TempDir(), "src.safetensors");
        File.WriteAllBytes(src, Original.Value);
        var (tensors, meta) = (SafeTensors.Load(src), SafeTensors.LoadMetadata(src));
        edit(tensors, meta);
        var dir = TempDir();
        SafeTensors.Save(tensors, Path.Combine(dir, RunFiles.Last), meta);
        return dir;
    }

    [Fact]
    public void A_checkpoint_without_its_checksum_is_refused() =>
        Assert.Contains("checksum", ResumeFails(Rewritten((_, meta) => meta.Remove(TrainingCheckpoint.ChecksumKey))).Message);

    [Fact]
    public void A_random_state_of_the_wrong_size_is_refused() =>
        Assert.Contains("rng.global", ResumeFails(Rewritten((tensors, meta) =>
        {
            tensors["rng.global"] = Torch.Tensor(new byte[100]);
            meta[TrainingCheckpoint.ChecksumKey] = TrainingCheckpoint.Checksum(TrainingCheckpoint.Format, meta[TrainingCheckpoint.StateKey], tensors);
        })).Message);

    [Fact]
    public void A_first_format_checkpoint_without_a_checksum_still_loads() =>
        Assert.True(DamagedCheckpoints.Trainer(Rewritten((_, meta) =>
        {
            meta.Remove(TrainingCheckpoint.ChecksumKey);
            meta["format"] = TrainingCheckpoint.FormatV1;
        })).Resume());

    [Fact]
    public void Resume_deletes_only_the_temporary_files_of_interrupted_writes()
    {
        var dir = Resigned(_ => { });
        var stale = Path.Combine(dir, $".{RunFiles.Last}.{Guid.NewGuid():N}.tmp");
        var users = Path.Combine(dir, ".notes.tmp");
        File.WriteAllText(stale, "half");
        File.WriteAllText(users, "mine");
        Assert.True(DamagedCheckpoints.Trainer(dir).Resume());
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(users));
    }
}
