using System.Text.Json.Nodes;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Serialization;
using Lumen.Training.Callbacks;
using Lumen.Training.Checkpoints;
using Lumen.Training.Runs;
using static Lumen.Training.Tests.Trainer.TrainerData;

namespace Lumen.Training.Tests.Checkpoints;

/// <summary>A real training checkpoint (an MLP with Adam, StepLR and early stopping, stopped mid-epoch) and the tools to
/// damage it: rewrite its <c>lumen.state</c> JSON with a valid checksum (so that the field checks, not the checksum, must
/// catch it) or flip bits anywhere in the file.</summary>
internal static class DamagedCheckpoints
{
    /// <summary>A trainer over the same model, optimizer, scheduler and callback as the checkpoint's run.</summary>
    public static Lumen.Training.Trainer Trainer(string dir)
    {
        Torch.ManualSeed(3);
        var model = Mlp(3);
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var t = new Lumen.Training.Trainer(model, new CrossEntropyLoss(), opt, new StepLR(opt, stepSize: 1, gamma: 0.5),
            new TrainerOptions { Epochs = 2, RunDir = dir, CheckpointEveryBatches = 2, WriteReport = false, Output = TextWriter.Null });
        t.Callbacks.Add(new EarlyStopping("valid_loss", patience: 3));
        return t;
    }

    private sealed class Stop : Exception { }

    /// <summary>The bytes of <c>last.safetensors</c> of a run stopped after 8 batches: its last checkpoint is at batch 2 of epoch 2.</summary>
    public static byte[] MidEpochCheckpoint()
    {
        var dir = TempDir();
        var t = Trainer(dir);
        int seen = 0;
        t.Callbacks.Add(new LambdaCallback(onBatchEnd: _ => { if (++seen == 8) throw new Stop(); }));
        try { t.Fit(Loader(Blobs(80, 1), 16, shuffle: true, g: new Generator(11)), Loader(Blobs(30, 2), 10)); }
        catch (Stop) { }
        return File.ReadAllBytes(Path.Combine(dir, RunFiles.Last));
    }

    /// <summary>Writes a checkpoint whose state is <paramref name="json"/>, with the tensors of <paramref name="original"/>
    /// and a checksum that matches: only the field checks stand between it and the trainer. (Plain writes, no fsync:
    /// the fuzz tests write thousands.)</summary>
    public static void WriteResigned(string path, byte[] original, string json)
    {
        var tensors = Parsed(original).Tensors;
        var meta = new Dictionary<string, string>
        {
            ["format"] = TrainingCheckpoint.Format,
            [TrainingCheckpoint.StateKey] = json,
            [TrainingCheckpoint.ChecksumKey] = TrainingCheckpoint.Checksum(TrainingCheckpoint.Format, json, tensors),
        };
        using var ms = new MemoryStream();
        SafeTensors.Save(tensors, ms, meta);
        File.WriteAllBytes(path, ms.ToArray());
    }

    /// <summary>A fresh copy of the <c>lumen.state</c> JSON of a checkpoint file's bytes.</summary>
    public static JsonObject State(byte[] file) => Parsed(file).State.DeepClone().AsObject();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], Checkpoint> Cache = new();

    private sealed record Checkpoint(OrderedDictionary<string, Tensor> Tensors, JsonObject State);

    private static Checkpoint Parsed(byte[] file) => Cache.GetValue(file, f =>
    {
        var p = Path.Combine(TempDir(), "s.safetensors");
        File.WriteAllBytes(p, f);
        return new Checkpoint(SafeTensors.Load(p), JsonNode.Parse(SafeTensors.LoadMetadata(p)[TrainingCheckpoint.StateKey])!.AsObject());
    });
}
