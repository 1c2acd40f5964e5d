namespace Lumen.Training.Runs;

/// <summary>The files of a run directory, by name.</summary>
public static class RunFiles
{
    /// <summary>The training checkpoint a run resumes from (model, optimizer, scheduler, position, RNG states).</summary>
    public const string Last = "last.safetensors";

    /// <summary>The model weights of the best epoch (a plain state dict: <c>Torch.Load</c> reads it).</summary>
    public const string Best = "best.safetensors";

    /// <summary>The model weights when the run finished (after restoring the best weights, if early stopping did).</summary>
    public const string Final = "model.safetensors";

    /// <summary>Per-epoch metrics as CSV.</summary>
    public const string MetricsCsv = "metrics.csv";

    /// <summary>Per-epoch metrics as JSON.</summary>
    public const string MetricsJson = "metrics.json";

    /// <summary>The settings a command-line run was started with (the CLI writes and reads it).</summary>
    public const string Config = "config.json";

    /// <summary>Per-example predictions of a split: <c>predictions_valid.csv</c>, <c>predictions_test.csv</c>.</summary>
    public static string Predictions(string split) => $"predictions_{split}.csv";

    /// <summary>Every name a run writes into its folder, besides <see cref="Predictions"/>' files: what <c>lumen train --out</c>
    /// checks before it writes into a folder that is not a run, so that it never replaces a file it did not create.</summary>
    public static readonly IReadOnlyList<string> Written = new[]
    {
        Config, Last, Best, Final, MetricsCsv, MetricsJson, Reports.RunReport.FileName, Reports.ReportWriter.HtmlFileName,
        "curves.png", "confusion.png", "per_class.png", "filters.png", "samples.png",
    };

    /// <summary>Whether a run may write a file of this name (<see cref="Written"/>, <c>predictions_*.csv</c>).</summary>
    public static bool IsWritten(string fileName) =>
        Written.Contains(fileName) || (fileName.StartsWith("predictions_", StringComparison.Ordinal) && fileName.EndsWith(".csv", StringComparison.Ordinal));
}
