using System.Globalization;
using System.Numerics;
using System.Text;

namespace Lumen.Training.Metrics;

/// <summary>Text renderings of <see cref="ClassificationResult"/> for logs and the command line.</summary>
public static class MetricsFormat
{
    /// <summary>
    /// A per-class precision / recall / F1 / support table laid out exactly as scikit-learn's
    /// <c>classification_report(y_true, y_pred, labels=range(C), target_names=classNames, digits=digits)</c>,
    /// numbers rounded half-to-even on their exact binary values as Python's <c>format</c> does:
    /// <code>
    ///               precision    recall  f1-score   support
    ///
    ///        plane       0.16      0.21      0.18        33
    ///          car       0.28      0.17      0.21        46
    ///
    ///     accuracy                           0.24        79
    ///    macro avg       0.22      0.19      0.20        79
    /// weighted avg       0.23      0.19      0.20        79
    /// </code>
    /// Multi-label reports list "micro avg", "macro avg", "weighted avg" and "samples avg" instead, with the number
    /// of positive labels as support. Single-label reports always print the "accuracy" row (sklearn prints the
    /// equal "micro avg" numbers instead when some class is neither present nor predicted).
    /// </summary>
    /// <param name="result">Computed metrics.</param>
    /// <param name="classNames">C names (default "0", "1", …).</param>
    /// <param name="digits">Decimal places of the ratios.</param>
    public static string ClassificationReport(ClassificationResult result, IReadOnlyList<string>? classNames = null, int digits = 2)
    {
        ArgumentNullException.ThrowIfNull(result);
        var names = Names(result.NumClasses, classNames, nameof(ClassificationReport));
        if (digits < 0) throw new ArgumentException($"ClassificationReport: digits must be non-negative, got {digits}.");

        const string lastHeading = "weighted avg";
        int width = Math.Max(Math.Max(names.Max(x => x.Length), lastHeading.Length), digits);
        var sb = new StringBuilder();
        sb.Append(' ', width).Append(' ');
        foreach (var h in new[] { "precision", "recall", "f1-score", "support" }) sb.Append(' ').Append(h.PadLeft(9));
        sb.Append("\n\n");

        void Row(string heading, double p, double r, double f, long support) =>
            sb.Append(heading.PadLeft(width)).Append(' ')
              .Append(' ').Append(Fixed(p, digits).PadLeft(9))
              .Append(' ').Append(Fixed(r, digits).PadLeft(9))
              .Append(' ').Append(Fixed(f, digits).PadLeft(9))
              .Append(' ').Append(support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');

        for (int k = 0; k < result.NumClasses; k++)
            Row(names[k], result.Precision[k], result.Recall[k], result.F1[k], result.Support[k]);
        sb.Append('\n');

        long total = result.Support.Sum();
        if (result.Task == ClassificationTask.MultiLabel)
            Row("micro avg", result.MicroPrecision, result.MicroRecall, result.MicroF1, total);
        else
            sb.Append("accuracy".PadLeft(width)).Append(' ')
              .Append(' ', 2 * 10)
              .Append(' ').Append(Fixed(result.Accuracy, digits).PadLeft(9))
              .Append(' ').Append(total.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
        Row("macro avg", result.MacroPrecision, result.MacroRecall, result.MacroF1, total);
        Row("weighted avg", result.WeightedPrecision, result.WeightedRecall, result.WeightedF1, total);
        if (result.Task == ClassificationTask.MultiLabel)
            Row("samples avg", result.SamplesPrecision, result.SamplesRecall, result.SamplesF1, total);
        return sb.ToString();
    }

    /// <summary>
    /// The confusion matrix as a right-aligned text grid, rows = true class, columns = predicted class:
    /// <code>
    /// true\pred  cat  dog  bird
    ///       cat    5    1     0
    ///       dog    2    7     1
    ///      bird    0    0     4
    /// </code>
    /// With <paramref name="normalize"/>, each row is divided by its total (sklearn's <c>normalize="true"</c>, so the
    /// diagonal holds per-class recall; an empty row prints zeros) and shown with <paramref name="digits"/> decimals.
    /// Multi-label results have no C×C matrix: each label's 2×2 [[TN, FP], [FN, TP]] is printed instead.
    /// </summary>
    public static string ConfusionMatrix(ClassificationResult result, IReadOnlyList<string>? classNames = null, bool normalize = false, int digits = 2)
    {
        ArgumentNullException.ThrowIfNull(result);
        var names = Names(result.NumClasses, classNames, nameof(ConfusionMatrix));
        if (digits < 0) throw new ArgumentException($"ConfusionMatrix: digits must be non-negative, got {digits}.");
        if (result.ConfusionMatrix is { } m) return Grid(m, names, names, normalize, digits);

        var sb = new StringBuilder();
        var pair = new[] { "0", "1" };
        for (int k = 0; k < result.NumClasses; k++)
        {
            var m2 = new long[2, 2];
            for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) m2[i, j] = result.LabelConfusionMatrices[k, i, j];
            if (k > 0) sb.Append('\n');
            sb.Append(names[k]).Append(":\n").Append(Grid(m2, pair, pair, normalize, digits));
        }
        return sb.ToString();
    }

    private static string Grid(long[,] m, IReadOnlyList<string> rowNames, IReadOnlyList<string> colNames, bool normalize, int digits)
    {
        const string corner = "true\\pred";
        int rows = m.GetLength(0), cols = m.GetLength(1);
        var cells = new string[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            long rowSum = 0;
            for (int j = 0; j < cols; j++) rowSum += m[i, j];
            for (int j = 0; j < cols; j++)
                cells[i, j] = normalize
                    ? Fixed(rowSum == 0 ? 0 : (double)m[i, j] / rowSum, digits)
                    : m[i, j].ToString(CultureInfo.InvariantCulture);
        }
        int first = Math.Max(corner.Length, rowNames.Max(x => x.Length));
        var widths = new int[cols];
        for (int j = 0; j < cols; j++)
        {
            widths[j] = colNames[j].Length;
            for (int i = 0; i < rows; i++) widths[j] = Math.Max(widths[j], cells[i, j].Length);
        }
        var sb = new StringBuilder();
        sb.Append(corner.PadLeft(first));
        for (int j = 0; j < cols; j++) sb.Append("  ").Append(colNames[j].PadLeft(widths[j]));
        sb.Append('\n');
        for (int i = 0; i < rows; i++)
        {
            sb.Append(rowNames[i].PadLeft(first));
            for (int j = 0; j < cols; j++) sb.Append("  ").Append(cells[i, j].PadLeft(widths[j]));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static IReadOnlyList<string> Names(int c, IReadOnlyList<string>? classNames, string what)
    {
        if (classNames is null) return Enumerable.Range(0, c).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (classNames.Count != c) throw new ArgumentException($"{what}: {classNames.Count} class names given for {c} classes.");
        return classNames;
    }

    /// <summary>Python's <c>format(value, f".{digits}f")</c>: the exact binary value rounded half to even
    /// ("0.125" → "0.12"), where .NET's "F" format would round the midpoint away from zero.</summary>
    internal static string Fixed(double value, int digits)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        bool negative = double.IsNegative(value);
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(value));
        int exp = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1; else mantissa |= 1L << 52;
        exp -= 1075; // value = mantissa · 2^exp
        BigInteger scaled = new BigInteger(mantissa) * BigInteger.Pow(10, digits);
        BigInteger q;
        if (exp >= 0) q = scaled << exp;
        else
        {
            BigInteger den = BigInteger.One << -exp;
            q = BigInteger.DivRem(scaled, den, out var rem);
            int cmp = (rem << 1).CompareTo(den);
            if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        }
        string s = q.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        if (digits > 0) s = s[..^digits] + "." + s[^digits..];
        return negative ? "-" + s : s;
    }
}
