using System.Text;
using System.Text.Json;
using Lumen.Serialization;
using Lumen.Training.Metrics;

namespace Lumen.Training.Reports;

/// <summary>
/// Everything a run report shows, filled by the trainer as the run goes and saved as JSON beside the checkpoints, so
/// <c>lumen report RUN_DIR</c> can draw the page again later (<see cref="Load"/> then <see cref="ReportWriter.Write"/>).
/// <code>
/// var report = new RunReport { Name = "mnist-cnn", ClassNames = classes };
/// report.Config["lr"] = "0.01"; report.Config["batch_size"] = "64";
/// foreach epoch: report.Epochs.Add(new EpochRecord(epoch, trainLoss, trainAcc, valid.Loss, valid.Accuracy, lr, seconds));
/// report.Valid = valid; report.Test = test;
/// report.Filters = TensorData.From(model.Conv1.Weight); report.FiltersLayer = "conv1";
/// report.Samples = PredictionSamples.FromBatch(x, y, logits, mean: [0.1307f], std: [0.3081f]);
/// ReportWriter.Write(report, runDir);   // report.html, curves.png, confusion.png, … and report.json
/// </code>
/// </summary>
public sealed record RunReport
{
    /// <summary>The JSON layout version this code writes (and the newest it reads).</summary>
    public const int CurrentVersion = 1;

    /// <summary>File name <see cref="ReportWriter.Write"/> saves the record under: "report.json".</summary>
    public const string FileName = "report.json";

    /// <summary>JSON layout version of the record.</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>Run name, the page's heading.</summary>
    public required string Name { get; set; }

    /// <summary>When the run started (or the report was made), if known.</summary>
    public DateTimeOffset? Created { get; set; }

    /// <summary>Hyperparameters and other settings as text, shown in insertion order.</summary>
    public Dictionary<string, string> Config { get; set; } = [];

    /// <summary>Class names by class index; null shows the indices.</summary>
    public string[]? ClassNames { get; set; }

    /// <summary>Per-epoch history, in order.</summary>
    public List<EpochRecord> Epochs { get; set; } = [];

    /// <summary>The epoch whose weights the run kept (e.g. by early stopping), when the trainer knows it; null lets
    /// <see cref="FindBestEpoch"/> choose by validation accuracy.</summary>
    public int? BestEpoch { get; set; }

    /// <summary>Final metrics on the validation split, if any.</summary>
    public ClassificationResult? Valid { get; set; }

    /// <summary>Final metrics on the test split, if any.</summary>
    public ClassificationResult? Test { get; set; }

    /// <summary>First-layer convolution weights (out_channels, in_channels, kH, kW), drawn as a grid, or null.</summary>
    public TensorData? Filters { get; set; }

    /// <summary>Name of the layer <see cref="Filters"/> came from (e.g. "conv1"), for the figure title.</summary>
    public string? FiltersLayer { get; set; }

    /// <summary>Examples drawn with their true and predicted classes, or null.</summary>
    public PredictionSamples? Samples { get; set; }

    /// <summary>The best epoch's row: the one numbered <see cref="BestEpoch"/> when set and present; otherwise the highest
    /// finite validation accuracy, else the lowest finite validation loss, else the lowest finite training loss (the
    /// earliest epoch on ties); null when no row qualifies.</summary>
    public EpochRecord? FindBestEpoch()
    {
        if (BestEpoch is int b && Epochs.FirstOrDefault(e => e.Epoch == b) is { } kept) return kept;
        return Pick(e => e.ValidAccuracy, maximise: true) ?? Pick(e => e.ValidLoss, maximise: false) ?? Pick(e => e.TrainLoss, maximise: false);
    }

    private EpochRecord? Pick(Func<EpochRecord, double> key, bool maximise)
    {
        EpochRecord? best = null;
        foreach (var e in Epochs)
        {
            double v = key(e);
            if (!double.IsFinite(v)) continue;
            if (best is null || (maximise ? v > key(best) : v < key(best))) best = e;
        }
        return best;
    }

    /// <summary>The record as indented UTF-8 JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);

    /// <summary>Reads a record written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">the text is not a run report, or was written by a newer version.</exception>
    public static RunReport FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var r = JsonSerializer.Deserialize<RunReport>(json, ReportJson.Options) ?? throw new JsonException("RunReport: the JSON is null.");
        if (r.Version > CurrentVersion)
            throw new JsonException($"RunReport: version {r.Version} is newer than this reader's {CurrentVersion}.");
        return r;
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically (a temporary file renamed over it).</summary>
    public void Save(string path) => AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(ToJson())));

    /// <summary>Reads a record saved by <see cref="Save"/>; <paramref name="path"/> may be the JSON file or the folder
    /// holding <see cref="FileName"/>.</summary>
    /// <exception cref="JsonException">the file is not a run report; the message names the path.</exception>
    public static RunReport Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) path = Path.Combine(path, FileName);
        try { return FromJson(File.ReadAllText(path, Encoding.UTF8)); }
        catch (JsonException e) { throw new JsonException($"RunReport.Load('{path}'): {e.Message}", e); }
    }
}
