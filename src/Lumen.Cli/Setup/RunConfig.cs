using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumen.Cli.Setup;

/// <summary>The settings of a <c>lumen train</c> run, saved as <c>config.json</c> in the run directory so that
/// <c>--resume</c>, <c>eval</c> and <c>predict</c> rebuild the same model and data.</summary>
public sealed record RunConfig
{
    /// <summary>The tag that marks a <c>config.json</c> as a Lumen run's (see <see cref="IsRunConfig"/>).</summary>
    public const string RunFormat = "lumen.run.v1";

    /// <summary><see cref="RunFormat"/>: tells a run directory from a folder that merely holds a <c>config.json</c>.</summary>
    public string Format { get; set; } = RunFormat;

    public string Model { get; set; } = "mnist-cnn";
    /// <summary>The spec file's text when <see cref="Model"/> is a YAML/JSON file (the run keeps its own copy).</summary>
    public string? ModelSpec { get; set; }
    /// <summary>Constructor arguments of the model (<c>--model-args</c>, see <see cref="Models.ModelArgs"/>), or null.</summary>
    public Dictionary<string, string>? ModelArgs { get; set; }
    /// <summary>Full path of the state dict (<c>--weights</c>) loaded into the model before its head is replaced.</summary>
    public string? Weights { get; set; }
    /// <summary>Start from torchvision's published weights for the zoo model (<c>--pretrained</c>).</summary>
    public bool Pretrained { get; set; }
    /// <summary>Train the head only (<c>--freeze</c>).</summary>
    public bool Freeze { get; set; }
    /// <summary>Under mpirun, replace the model's BatchNorm layers by SyncBatchNorm (<c>--sync-batchnorm</c>): statistics
    /// of the global batch, PyTorch's <c>convert_sync_batchnorm</c>. No effect in one process.</summary>
    public bool SyncBatchNorm { get; set; }
    public string Dataset { get; set; } = "mnist";
    public string Transforms { get; set; } = "default";
    public string Optimizer { get; set; } = "adam";
    public double? Lr { get; set; }
    public double Momentum { get; set; }
    public double? WeightDecay { get; set; }
    public string Scheduler { get; set; } = "none";
    public int Epochs { get; set; } = 3;
    public int BatchSize { get; set; } = 100;
    public long Seed { get; set; }
    public bool Shuffle { get; set; }
    public int Patience { get; set; }
    public string? Monitor { get; set; }
    public int TrainSubset { get; set; }
    public int TestSubset { get; set; }
    public double ValidSplit { get; set; }
    public int CheckpointEvery { get; set; } = 100;
    public double? ClipGrad { get; set; }
    public int? Threads { get; set; }
    /// <summary>Class names of the dataset (for <c>lumen predict</c>).</summary>
    public string[]? Classes { get; set; }
    /// <summary>One example's shape (C, H, W) after the transforms (for <c>lumen predict</c>).</summary>
    public int[]? InputShape { get; set; }

    /// <summary>The file this config was read from (<see cref="Load"/>), or null for one built from the command line.</summary>
    [JsonIgnore] public string? SourcePath { get; private set; }

    /// <summary>Options the command line changed after <see cref="Load"/> (<c>epochs</c>, <c>threads</c>, …): their errors
    /// name the option, not the file.</summary>
    [JsonIgnore] public HashSet<string> Overridden { get; } = new();

    private static readonly JsonSerializerOptions Options = new()
    {
        // A run config nests 3 levels; the limit refuses a crafted file long before System.Text.Json's own (64).
        MaxDepth = 16,
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads <c>RUN_DIR/config.json</c> and checks every field (<see cref="Validate"/>).</summary>
    /// <exception cref="CliException">the folder or the file is missing, or the file is not a valid run config: one line
    /// naming the file and the field.</exception>
    public static RunConfig Load(string runDir)
    {
        var path = Path.Combine(runDir, Training.Runs.RunFiles.Config);
        if (!Directory.Exists(runDir)) throw new CliException($"run directory '{runDir}' not found");
        if (!File.Exists(path))
        {
            bool interrupted = Directory.EnumerateFiles(runDir).Any(f => Lumen.Serialization.AtomicFile.IsTemporaryFile(f)
                                                                        && Path.GetFileName(f).StartsWith("." + Training.Runs.RunFiles.Config + ".", StringComparison.Ordinal));
            throw interrupted
                ? new CliException($"'{runDir}' is not a run directory (no {Training.Runs.RunFiles.Config}): the run was stopped while writing it, before training began",
                                   $"start it again: 'lumen train --out {runDir}' with its options, without --resume")
                : new CliException($"'{runDir}' is not a run directory (no {Training.Runs.RunFiles.Config})", "give a folder written by 'lumen train --out DIR'");
        }
        RunConfig c;
        try
        {
            if (new FileInfo(path).Length > 64 << 20) throw new JsonException("larger than 64 MiB");
            c = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), Options) ?? throw new JsonException("the file holds 'null'");
        }
        catch (JsonException e) { throw new CliException($"{path}: not a valid run config: {e.Message}"); }
        catch (NotSupportedException e) { throw new CliException($"{path}: not a valid run config: {e.Message}"); }
        c.SourcePath = path;
        c.Validate(path);
        return c;
    }

    /// <summary>Whether <paramref name="path"/> is a run's <c>config.json</c>: a JSON object whose <c>format</c> is
    /// <see cref="RunFormat"/> (or, written before the tag existed, one with <c>model</c>, <c>dataset</c> and
    /// <c>optimizer</c>). Never throws.</summary>
    public static bool IsRunConfig(string path)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 64 << 20) return false;
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            if (root.TryGetProperty("format", out var f)) return f.ValueKind == JsonValueKind.String && f.GetString() == RunFormat;
            return new[] { "model", "dataset", "optimizer" }.All(k => root.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or DecoderFallbackException) { return false; }
    }

    /// <summary>Checks every field's presence and range; <paramref name="path"/> names the file in the error.</summary>
    /// <exception cref="CliException">one line: <c>PATH: field: what is wrong</c>.</exception>
    public void Validate(string path)
    {
        void Fail(string field, string problem) => throw new CliException($"{path}: {field}: {problem}", "repair the file, or start a new run");
        void Text(string field, string? v) { if (string.IsNullOrWhiteSpace(v)) Fail(field, "missing (expected a non-empty string)"); }
        void AtLeast(string field, double v, double min) { if (!(v >= min) || !double.IsFinite(v)) Fail(field, $"must be a finite number at least {min}, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}"); }
        if (Format != RunFormat) Fail("format", $"expected '{RunFormat}', got '{Format}'");
        Text("model", Model);
        Text("dataset", Dataset);
        Text("transforms", Transforms);
        Text("optimizer", Optimizer);
        Text("scheduler", Scheduler);
        AtLeast("epochs", Epochs, 1);
        AtLeast("batch_size", BatchSize, 1);
        AtLeast("patience", Patience, 0);
        AtLeast("train_subset", TrainSubset, 0);
        AtLeast("test_subset", TestSubset, 0);
        AtLeast("checkpoint_every", CheckpointEvery, 0);
        AtLeast("momentum", Momentum, 0);
        if (Lr is double lr) AtLeast("lr", lr, 0);
        if (WeightDecay is double wd) AtLeast("weight_decay", wd, 0);
        if (ClipGrad is double cg) AtLeast("clip_grad", cg, 0);
        if (!(ValidSplit >= 0 && ValidSplit < 1)) Fail("valid_split", $"must be in [0, 1), got {ValidSplit.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (Threads is int t && (t < 1 || t > Torch.MaxNumThreads)) Fail("threads", $"must be between 1 and {Torch.MaxNumThreads}, got {t}");
        if (ModelArgs != null)
            foreach (var (k, v) in ModelArgs)
                if (string.IsNullOrWhiteSpace(k) || v == null) Fail("model_args", $"'{k}' has no value");
        if (Classes != null && (Classes.Length == 0 || Classes.Any(string.IsNullOrEmpty))) Fail("classes", "expected a list of non-empty class names");
        if (InputShape != null && (InputShape.Length is < 1 or > 4 || InputShape.Any(d => d < 1 || d > 1 << 16)))
            Fail("input_shape", $"expected 1 to 4 sizes between 1 and 65536, got [{string.Join(", ", InputShape)}]");
    }

    /// <summary>An error raised while building a run from this config, rewritten to name the file and the field when its
    /// message starts with an option (<c>--dataset: …</c> becomes <c>RUN/config.json: dataset: …</c>) that the command line
    /// did not change.</summary>
    public CliException Attribute(CliException e)
    {
        if (SourcePath == null || CliException.LeadingOption(e.Message) is not { } option || Overridden.Contains(option)) return e;
        return new CliException($"{SourcePath}: {option.Replace('-', '_')}{e.Message[(2 + option.Length)..]}", e.Hint, e);
    }

    /// <summary>Settings as text for the report.</summary>
    public Dictionary<string, string> Describe()
    {
        var d = new Dictionary<string, string>
        {
            ["model"] = ModelArgs is { Count: > 0 } ? $"{Model} ({Models.ModelArgs.Format(ModelArgs)})" : Model, ["dataset"] = Dataset, ["transforms"] = Transforms, ["optimizer"] = Optimizer,
            ["lr"] = Lr?.ToString("G", System.Globalization.CultureInfo.InvariantCulture) ?? "default",
            ["scheduler"] = Scheduler, ["epochs"] = Epochs.ToString(), ["batch_size"] = BatchSize.ToString(),
            ["seed"] = Seed.ToString(), ["shuffle"] = Shuffle ? "true" : "false",
        };
        if (Weights != null) d["weights"] = Weights;
        if (Pretrained) d["pretrained"] = "true";
        if (Freeze) d["freeze"] = "true";
        if (SyncBatchNorm) d["sync-batchnorm"] = "true";
        if (Patience > 0) d["patience"] = Patience.ToString();
        if (TrainSubset > 0) d["train_subset"] = TrainSubset.ToString();
        if (TestSubset > 0) d["test_subset"] = TestSubset.ToString();
        if (ValidSplit > 0) d["valid_split"] = ValidSplit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return d;
    }
}
