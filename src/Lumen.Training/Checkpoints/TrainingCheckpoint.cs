using System.Text.Json.Nodes;
using Lumen.Optim;
using Lumen.Serialization;

namespace Lumen.Training.Checkpoints;

/// <summary>
/// Everything a training run needs to continue exactly where it stopped: model weights and buffers, optimizer state,
/// scheduler state, the position in the data (epoch and batches done), the random states of the global generator and
/// of the loader's generator (now and at the start of the epoch, so the epoch's sample order can be drawn again), the
/// trainer's running sums and history, and each stateful callback's state.
/// <para>Stored as one safetensors file: tensors under <c>model.*</c>, <c>optimizer.*</c>, <c>rng.*</c> and
/// <c>callbacks.*</c>, everything else as typed JSON in the header's metadata (<c>lumen.state</c>). It is written to a
/// temporary file in the same folder, flushed to disk and renamed over the previous checkpoint, so a crash while
/// writing leaves the previous checkpoint intact.</para>
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>The metadata key that holds the JSON state.</summary>
    public const string StateKey = "lumen.state";

    /// <summary>The format tag written under <c>format</c> in the metadata.</summary>
    public const string Format = "lumen.training.v1";

    /// <summary>Model state dict (<see cref="NN.Module.StateDict"/>).</summary>
    public required OrderedDictionary<string, Tensor> Model { get; init; }

    /// <summary>Optimizer state dict, or null.</summary>
    public OptimizerStateDict? Optimizer { get; init; }

    /// <summary>Scheduler state dict, or null.</summary>
    public Dictionary<string, object?>? Scheduler { get; init; }

    /// <summary>The epoch (0-based) that <see cref="Batch"/> counts into.</summary>
    public int Epoch { get; init; }

    /// <summary>Training batches of <see cref="Epoch"/> already done: 0 means the epoch has not started.</summary>
    public int Batch { get; init; }

    /// <summary>The global generator's state when the checkpoint was taken.</summary>
    public byte[]? GlobalRng { get; init; }

    /// <summary>The training loader's generator state when the checkpoint was taken (null when it has none).</summary>
    public byte[]? LoaderRng { get; init; }

    /// <summary>The global generator's state just before <see cref="Epoch"/>'s loader was started (mid-epoch only).</summary>
    public byte[]? GlobalRngAtEpochStart { get; init; }

    /// <summary>The loader generator's state just before <see cref="Epoch"/>'s loader was started (mid-epoch only).</summary>
    public byte[]? LoaderRngAtEpochStart { get; init; }

    /// <summary>The trainer's own plain state (running sums, best value, history).</summary>
    public Dictionary<string, object?> Trainer { get; init; } = new();

    /// <summary>Stateful callbacks' state dicts by callback key.</summary>
    public Dictionary<string, Dictionary<string, object?>> Callbacks { get; init; } = new();

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically (temporary file + rename).</summary>
    public void Save(string path) => Save(path, null);

    /// <summary>Writes the checkpoint; <paramref name="halfWritten"/> (crash tests) runs when half of the temporary file
    /// is on disk.</summary>
    internal void Save(string path, Action? halfWritten)
    {
        var bytes = ToBytes();
        AtomicFile.Write(path, s =>
        {
            if (halfWritten == null) { s.Write(bytes); return; }
            int half = bytes.Length / 2;
            s.Write(bytes, 0, half);
            s.Flush();
            halfWritten();
            s.Write(bytes, half, bytes.Length - half);
        });
    }

    /// <summary>The checkpoint's file bytes (safetensors).</summary>
    public byte[] ToBytes()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, t) in Model) tensors.Add(new("model." + k, t));
        string Add(string name, Tensor t) { tensors.Add(new(name, t)); return name; }

        var state = new JsonObject
        {
            ["epoch"] = Epoch,
            ["batch"] = Batch,
        };
        if (Optimizer != null)
        {
            var groups = new JsonArray();
            foreach (var g in Optimizer.ParamGroups) groups.Add(StateValues.EncodeDict(g, "optimizer.param_groups", Add));
            var st = new JsonObject();
            foreach (var (id, s) in Optimizer.State)
                st[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = StateValues.EncodeDict(s, $"optimizer.state.{id}", Add);
            state["optimizer"] = new JsonObject { ["param_groups"] = groups, ["state"] = st };
        }
        if (Scheduler != null) state["scheduler"] = StateValues.EncodeDict(Scheduler, "scheduler", Add);
        void Rng(string name, byte[]? b) { if (b != null) Add("rng." + name, Tensor.Wrap((byte[])b.Clone(), b.Length)); }
        Rng("global", GlobalRng);
        Rng("loader", LoaderRng);
        Rng("global_at_epoch_start", GlobalRngAtEpochStart);
        Rng("loader_at_epoch_start", LoaderRngAtEpochStart);
        state["trainer"] = StateValues.EncodeDict(Trainer, "trainer", Add);
        var cb = new JsonObject();
        foreach (var (k, d) in Callbacks) cb[k] = StateValues.EncodeDict(d, "callbacks." + k, Add);
        state["callbacks"] = cb;

        var meta = new Dictionary<string, string> { ["format"] = Format, [StateKey] = state.ToJsonString() };
        using var ms = new MemoryStream();
        SafeTensors.Save(tensors, ms, meta);
        return ms.ToArray();
    }

    /// <summary>Reads a checkpoint written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="CheckpointFormatException">the file is not a Lumen training checkpoint.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        var meta = SafeTensors.LoadMetadata(path);
        if (!meta.TryGetValue("format", out var f) || f != Format || !meta.TryGetValue(StateKey, out var json))
            throw new CheckpointFormatException(path, $"not a Lumen training checkpoint (expected metadata format '{Format}').");
        var tensors = SafeTensors.Load(path);
        Tensor Get(string name) => tensors.TryGetValue(name, out var t) ? t
            : throw new CheckpointFormatException(path, $"tensor '{name}' is missing.");
        var state = JsonNode.Parse(json)!.AsObject();

        var model = new OrderedDictionary<string, Tensor>();
        foreach (var (k, t) in tensors) if (k.StartsWith("model.", StringComparison.Ordinal)) model[k["model.".Length..]] = t;

        OptimizerStateDict? opt = null;
        if (state["optimizer"] is JsonObject o)
        {
            opt = new OptimizerStateDict();
            foreach (var g in o["param_groups"]!.AsArray())
            {
                var d = new OrderedDictionary<string, object?>();
                foreach (var (k, v) in StateValues.DecodeDict(g!.AsObject(), "optimizer.param_groups", Get)) d[k] = v;
                opt.ParamGroups.Add(d);
            }
            foreach (var (id, s) in o["state"]!.AsObject())
                opt.State[int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)] = StateValues.DecodeDict(s!.AsObject(), "optimizer.state." + id, Get);
        }
        byte[]? Rng(string name) => tensors.TryGetValue("rng." + name, out var t) ? t.ToArray<byte>() : null;
        var callbacks = new Dictionary<string, Dictionary<string, object?>>();
        if (state["callbacks"] is JsonObject cb)
            foreach (var (k, v) in cb) callbacks[k] = StateValues.DecodeDict(v!.AsObject(), "callbacks." + k, Get);
        return new TrainingCheckpoint
        {
            Model = model,
            Optimizer = opt,
            Scheduler = state["scheduler"] is JsonObject sch ? StateValues.DecodeDict(sch, "scheduler", Get) : null,
            Epoch = state["epoch"]!.GetValue<int>(),
            Batch = state["batch"]!.GetValue<int>(),
            GlobalRng = Rng("global"),
            LoaderRng = Rng("loader"),
            GlobalRngAtEpochStart = Rng("global_at_epoch_start"),
            LoaderRngAtEpochStart = Rng("loader_at_epoch_start"),
            Trainer = state["trainer"] is JsonObject tr ? StateValues.DecodeDict(tr, "trainer", Get) : new(),
            Callbacks = callbacks,
        };
    }
}
