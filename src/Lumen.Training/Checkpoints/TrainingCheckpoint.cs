using System.Runtime.InteropServices;
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
/// <para>A checkpoint may come back damaged (a bad disk, a copy cut short, a hand edit): the metadata carries a SHA-256
/// over the state and every tensor (<see cref="ChecksumKey"/>), checked on load, and every field is checked for its kind
/// and range (epoch and batch ≥ 0, random states of <see cref="Generator.StateSize"/> valid bytes, tagged values well
/// formed, referenced tensors present). Anything wrong is one <see cref="CheckpointFormatException"/> naming the file and
/// the field; what fits only a given model and optimizer is checked when the trainer resumes.</para>
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>The metadata key that holds the JSON state.</summary>
    public const string StateKey = "lumen.state";

    /// <summary>The format tag written under <c>format</c> in the metadata: v2 adds <see cref="ChecksumKey"/>.</summary>
    public const string Format = "lumen.training.v2";

    /// <summary>The first format (no checksum), still read.</summary>
    public const string FormatV1 = "lumen.training.v1";

    /// <summary>The metadata key of the checksum: <c>sha256:</c> and 64 hex digits over the format, the state JSON and
    /// every tensor's name, dtype, shape and bytes (in name order).</summary>
    public const string ChecksumKey = "lumen.checksum";

    /// <summary>The largest epoch or batch index a checkpoint may hold.</summary>
    public const int MaxPosition = 100_000_000;

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
            foreach (var g in Optimizer.ParamGroups) groups.Add(StateJson.EncodeDict(g, "optimizer.param_groups", Add));
            var st = new JsonObject();
            foreach (var (id, s) in Optimizer.State)
                st[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = StateJson.EncodeDict(s, $"optimizer.state.{id}", Add);
            state["optimizer"] = new JsonObject { ["param_groups"] = groups, ["state"] = st };
        }
        if (Scheduler != null) state["scheduler"] = StateJson.EncodeDict(Scheduler, "scheduler", Add);
        void Rng(string name, byte[]? b) { if (b != null) Add("rng." + name, Torch.FromArray((byte[])b.Clone(), b.Length)); }
        Rng("global", GlobalRng);
        Rng("loader", LoaderRng);
        Rng("global_at_epoch_start", GlobalRngAtEpochStart);
        Rng("loader_at_epoch_start", LoaderRngAtEpochStart);
        state["trainer"] = StateJson.EncodeDict(Trainer, "trainer", Add);
        var cb = new JsonObject();
        foreach (var (k, d) in Callbacks) cb[k] = StateJson.EncodeDict(d, "callbacks." + k, Add);
        state["callbacks"] = cb;

        string json = state.ToJsonString();
        var meta = new Dictionary<string, string> { ["format"] = Format, [StateKey] = json, [ChecksumKey] = Checksum(Format, json, tensors) };
        using var ms = new MemoryStream();
        SafeTensors.Save(tensors, ms, meta);
        return ms.ToArray();
    }

    /// <summary>Reads a checkpoint written by <see cref="Save(string)"/>, checking its checksum and every field.</summary>
    /// <exception cref="CheckpointFormatException">the file is not a Lumen training checkpoint, or it is damaged: the
    /// message names the file and what is wrong.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        var meta = SafeTensors.LoadMetadata(path);
        if (!meta.TryGetValue("format", out var f) || f is not (Format or FormatV1) || !meta.TryGetValue(StateKey, out var json))
            throw new CheckpointFormatException(path, $"not a Lumen training checkpoint (expected metadata format '{Format}').");
        var tensors = SafeTensors.Load(path);
        if (f == Format)
        {
            if (!meta.TryGetValue(ChecksumKey, out var sum))
                throw new CheckpointFormatException(path, $"the checksum ('{ChecksumKey}') is missing: the file is damaged.");
            if (!string.Equals(sum, Checksum(f, json, tensors), StringComparison.Ordinal))
                throw new CheckpointFormatException(path, "the checksum does not match the content: the file was damaged after it was written.");
        }
        try { return Parse(path, json, tensors); }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new CheckpointFormatException(path, $"damaged training state: {e.Message}", e);
        }
    }

    private static TrainingCheckpoint Parse(string path, string json, OrderedDictionary<string, Tensor> tensors)
    {
        Tensor Get(string name) => tensors.TryGetValue(name, out var t) ? t
            : throw new CheckpointFormatException(path, $"tensor '{name}' is missing.");
        var state = JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                    ?? throw new FormatException($"'{StateKey}' is not a JSON object.");
        int Position(string key) =>
            state[key] is JsonValue v && v.TryGetValue<int>(out int x) ? x is >= 0 and <= MaxPosition ? x
                : throw new CheckpointFormatException(path, $"'{key}' is {x}: expected 0 to {MaxPosition}.")
                : throw new CheckpointFormatException(path, $"'{key}' is missing or not an integer.");
        int epoch = Position("epoch"), batch = Position("batch");

        var model = new OrderedDictionary<string, Tensor>();
        foreach (var (k, t) in tensors) if (k.StartsWith("model.", StringComparison.Ordinal)) model[k["model.".Length..]] = t;

        OptimizerStateDict? opt = null;
        if (state["optimizer"] is { } optNode)
        {
            if (optNode is not JsonObject o || o["param_groups"] is not JsonArray groups || o["state"] is not JsonObject perParam)
                throw new FormatException("'optimizer' must hold 'param_groups' (a list) and 'state' (a mapping).");
            opt = new OptimizerStateDict();
            for (int gi = 0; gi < groups.Count; gi++)
            {
                var d = new OrderedDictionary<string, object?>();
                var g = groups[gi] as JsonObject ?? throw new FormatException($"optimizer.param_groups[{gi}] is not a mapping.");
                foreach (var (k, v) in StateJson.DecodeDict(g, $"optimizer.param_groups.{gi}", Get)) d[k] = v;
                if (d.GetValueOrDefault("params") is not int[]) throw new FormatException($"optimizer.param_groups[{gi}] has no 'params' list of integers.");
                opt.ParamGroups.Add(d);
            }
            foreach (var (id, st) in perParam)
            {
                if (!int.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid))
                    throw new FormatException($"optimizer.state has the key '{id}': expected a parameter index.");
                opt.State[pid] = StateJson.DecodeDict(st as JsonObject ?? throw new FormatException($"optimizer.state.{id} is not a mapping."), "optimizer.state." + id, Get);
            }
        }
        byte[]? Rng(string name)
        {
            if (!tensors.TryGetValue("rng." + name, out var t)) return null;
            if (t.DType != DType.UInt8 || t.Dim() != 1 || t.Numel() != Generator.StateSize)
                throw new CheckpointFormatException(path, $"tensor 'rng.{name}' must be {Generator.StateSize} uint8 values, got {t.DType.TorchName()} {t.Shape}.");
            var bytes = t.ToArray<byte>();
            try { new Generator(0).SetState(bytes); }
            catch (ArgumentException e) { throw new CheckpointFormatException(path, $"tensor 'rng.{name}' is not a valid generator state: {e.Message}"); }
            return bytes;
        }
        var globalStart = Rng("global_at_epoch_start");
        if (batch > 0 && globalStart == null)
            throw new CheckpointFormatException(path, $"a mid-epoch checkpoint (batch {batch}) lacks the epoch-start random state 'rng.global_at_epoch_start'.");
        JsonObject? Mapping(string key) => state[key] switch
        {
            null => null,
            JsonObject m => m,
            _ => throw new FormatException($"'{key}' is not a mapping."),
        };
        var callbacks = new Dictionary<string, Dictionary<string, object?>>();
        if (Mapping("callbacks") is { } cb)
            foreach (var (k, v) in cb)
                callbacks[k] = StateJson.DecodeDict(v as JsonObject ?? throw new FormatException($"callbacks.{k} is not a mapping."), "callbacks." + k, Get);
        return new TrainingCheckpoint
        {
            Model = model,
            Optimizer = opt,
            Scheduler = Mapping("scheduler") is { } sch ? StateJson.DecodeDict(sch, "scheduler", Get) : null,
            Epoch = epoch,
            Batch = batch,
            GlobalRng = Rng("global"),
            LoaderRng = Rng("loader"),
            GlobalRngAtEpochStart = globalStart,
            LoaderRngAtEpochStart = Rng("loader_at_epoch_start"),
            Trainer = Mapping("trainer") is { } tr ? StateJson.DecodeDict(tr, "trainer", Get) : new(),
            Callbacks = callbacks,
        };
    }

    /// <summary>SHA-256 over the format, the state JSON and each tensor (name order): name, dtype, shape, bytes.</summary>
    internal static string Checksum(string format, string json, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var h = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Text(string s)
        {
            var b = System.Text.Encoding.UTF8.GetBytes(s);
            Long(b.Length);
            h.AppendData(b);
        }
        void Long(long v)
        {
            Span<byte> b = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(b, v);
            h.AppendData(b);
        }
        Text(format);
        Text(json);
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Text(name);
            Text(t.DType.TorchName());
            Long(t.Dim());
            foreach (int d in t.Shape.ToArray()) Long(d);
            switch (t.DType)
            {
                case DType.Float32: h.AppendData(MemoryMarshal.AsBytes(t.ToArray<float>().AsSpan())); break;
                case DType.Int64: h.AppendData(MemoryMarshal.AsBytes(t.ToArray<long>().AsSpan())); break;
                case DType.UInt8: h.AppendData(t.ToArray<byte>()); break;
                case DType.Bool: h.AppendData(MemoryMarshal.AsBytes(t.ToArray<bool>().AsSpan())); break;
                default: throw new NotSupportedException($"Checkpoint: tensor '{name}' has dtype {t.DType}.");
            }
        }
        return "sha256:" + Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
