using System.Globalization;
using System.Text;
using Lumen.Serialization;

namespace Lumen.Training;

/// <summary>One example's prediction.</summary>
/// <param name="Index">position of the example in the split (the loader's order).</param>
/// <param name="TrueLabel">the target: a class index (multi-class), the set labels joined by ';' (multi-label), or the
/// values joined by ';' (regression).</param>
/// <param name="PredictedLabel">the prediction in the same form.</param>
/// <param name="Probabilities">softmax (multi-class) or sigmoid (multi-label) of the outputs; the raw outputs for
/// regression.</param>
public sealed record PredictionRow(int Index, string TrueLabel, string PredictedLabel, float[] Probabilities);

/// <summary>Writes predictions as CSV: <c>index,true_label,predicted_label,p_&lt;class&gt;…</c>.</summary>
public static class PredictionsCsv
{
    /// <summary>The CSV text; class names (or indices) head the probability columns.</summary>
    public static string ToCsv(IReadOnlyList<PredictionRow> rows, IReadOnlyList<string>? classNames = null, TrainingTask task = TrainingTask.MultiClass)
    {
        int c = rows.Count > 0 ? rows[0].Probabilities.Length : classNames?.Count ?? 0;
        string prefix = task == TrainingTask.Regression ? "output_" : "p_";
        var sb = new StringBuilder("index,true_label,predicted_label");
        for (int k = 0; k < c; k++)
            sb.Append(',').Append(Escape(prefix + (classNames != null && k < classNames.Count && task != TrainingTask.Regression ? classNames[k] : k.ToString(CultureInfo.InvariantCulture))));
        sb.Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Index).Append(',').Append(Escape(r.TrueLabel)).Append(',').Append(Escape(r.PredictedLabel));
            foreach (var p in r.Probabilities) sb.Append(',').Append(p.ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<PredictionRow> rows, IReadOnlyList<string>? classNames = null, TrainingTask task = TrainingTask.MultiClass) =>
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(ToCsv(rows, classNames, task))));

    private static string Escape(string s) => s.IndexOfAny(new[] { ',', '"', '\n' }) < 0 ? s : '"' + s.Replace("\"", "\"\"") + '"';
}

/// <summary>What <see cref="Trainer.Run"/> produced.</summary>
/// <param name="Fit">the training result (train modes), else null.</param>
/// <param name="Predictions">the predictions (predict modes), else null.</param>
/// <param name="PredictionsPath">where the predictions CSV was written, if a run directory was set.</param>
public sealed record RunOutcome(FitResult? Fit, IReadOnlyList<PredictionRow>? Predictions, string? PredictionsPath);
