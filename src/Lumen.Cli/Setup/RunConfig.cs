using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumen.Cli.Setup;

/// <summary>The settings of a <c>lumen train</c> run, saved as <c>config.json</c> in the run directory so that
/// <c>--resume</c>, <c>eval</c> and <c>predict</c> rebuild the same model and data.</summary>
public sealed record RunConfig
{
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

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static RunConfig Load(string runDir)
    {
        var path = Path.Combine(runDir, Training.Runs.RunFiles.Config);
        if (!Directory.Exists(runDir)) throw new CliException($"run directory '{runDir}' not found");
        if (!File.Exists(path)) throw new CliException($"'{runDir}' is not a run directory (no {Training.Runs.RunFiles.Config})", "give a folder written by 'lumen train --out DIR'");
        try { return JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), Options) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new CliException($"{path}: not a valid run config: {e.Message}"); }
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
        if (Patience > 0) d["patience"] = Patience.ToString();
        if (TrainSubset > 0) d["train_subset"] = TrainSubset.ToString();
        if (TestSubset > 0) d["test_subset"] = TestSubset.ToString();
        if (ValidSplit > 0) d["valid_split"] = ValidSplit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return d;
    }
}
