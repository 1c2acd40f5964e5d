using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lumen.Serialization;

namespace Lumen.Training.Runs;

/// <summary>Writes a run's per-epoch history as <c>metrics.csv</c> and <c>metrics.json</c>. Both files are rewritten
/// whole (atomically) after every epoch from the trainer's history, so a resumed run's logs never hold an epoch twice.</summary>
public static class MetricsLog
{
    /// <summary>The CSV columns, in order.</summary>
    public static readonly string[] Columns =
    {
        "epoch", "train_loss", "train_acc", "valid_loss", "valid_acc", "test_loss", "test_acc", "lr", "seconds", "images_per_s",
    };

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The history as CSV text (invariant culture, round-trip numbers, empty cells for splits not evaluated).</summary>
    public static string ToCsv(IEnumerable<EpochResult> history)
    {
        var sb = new StringBuilder(string.Join(",", Columns)).Append('\n');
        foreach (var e in history)
        {
            static string N(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(e.Epoch).Append(',')
              .Append(N(e.Train.Loss)).Append(',').Append(N(e.Train.Accuracy)).Append(',')
              .Append(N(e.Get("valid_loss"))).Append(',').Append(N(e.Get("valid_acc"))).Append(',')
              .Append(N(e.Get("test_loss"))).Append(',').Append(N(e.Get("test_acc"))).Append(',')
              .Append(N(e.LearningRate)).Append(',').Append(N(e.Seconds)).Append(',').Append(N(e.Train.ImagesPerSecond)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The history as a JSON array of epochs.</summary>
    public static string ToJson(IEnumerable<EpochResult> history) => JsonSerializer.Serialize(history.ToList(), Json);

    /// <summary>Reads a history written by <see cref="ToJson"/>.</summary>
    public static List<EpochResult> FromJson(string json) => JsonSerializer.Deserialize<List<EpochResult>>(json, Json) ?? new();

    /// <summary>Writes both files into <paramref name="runDir"/>.</summary>
    public static void Write(string runDir, IReadOnlyList<EpochResult> history)
    {
        AtomicFile.Write(Path.Combine(runDir, RunFiles.MetricsCsv), s => s.Write(Encoding.UTF8.GetBytes(ToCsv(history))));
        AtomicFile.Write(Path.Combine(runDir, RunFiles.MetricsJson), s => s.Write(Encoding.UTF8.GetBytes(ToJson(history))));
    }
}
