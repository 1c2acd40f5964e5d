using System.Globalization;

namespace Lumen.Training.Metrics;

/// <summary>The metrics of one epoch (or any run of batches), made by <see cref="ClassificationMetrics.Compute"/>.
/// Per-class arrays have one entry per class, in class-index order. Numbers follow scikit-learn's definitions
/// (<c>sklearn.metrics</c>): where a ratio's denominator is zero the value is 0 and the matching <c>…IllDefined</c>
/// flag is set (sklearn's default <c>zero_division="warn"</c>); threshold-free metrics that are undefined are NaN.</summary>
public sealed record ClassificationResult
{
    /// <summary>The kind of classifier scored.</summary>
    public required ClassificationTask Task { get; init; }

    /// <summary>C: classes (multi-class), labels (multi-label) or 2 (binary: class 0 negative, class 1 positive).</summary>
    public required int NumClasses { get; init; }

    /// <summary>N: the number of examples seen.</summary>
    public required int Count { get; init; }

    /// <summary>Mean of the batch losses passed to <see cref="ClassificationMetrics.Update"/>, each weighted by its
    /// batch size (so it equals the mean per-example loss); NaN when no loss was passed.</summary>
    public required double Loss { get; init; }

    /// <summary>Multi-class and binary: fraction of examples whose predicted class is the true class.
    /// Multi-label: <see cref="ExactMatchRatio"/> (sklearn's <c>accuracy_score</c> on label indicators).</summary>
    public required double Accuracy { get; init; }

    /// <summary>Fraction of examples whose whole label set is predicted exactly (subset accuracy); equal to
    /// <see cref="Accuracy"/> for single-label tasks.</summary>
    public required double ExactMatchRatio { get; init; }

    /// <summary>Fraction of individual label decisions that are right, 1 − sklearn's <c>hamming_loss</c>: for
    /// multi-label, correct (example, label) pairs over N·C; for single-label tasks it equals <see cref="Accuracy"/>.</summary>
    public required double HammingAccuracy { get; init; }

    /// <summary>Top-k accuracy for each requested k (multi-class only): the true class is among the k highest
    /// outputs, a class with an equal output and a smaller index ranking ahead (so top-1 equals accuracy).</summary>
    public required IReadOnlyDictionary<int, double> TopKAccuracy { get; init; }

    /// <summary>Per-class accuracy. Multi-class and binary: the fraction of each class's examples predicted as that
    /// class, i.e. <see cref="Recall"/> (0 for a class with no examples, flagged by <see cref="RecallIllDefined"/>).
    /// Multi-label: per-label accuracy (TP + TN) / N.</summary>
    public required double[] PerClassAccuracy { get; init; }

    /// <summary>Confusion matrix (C, C), rows = true class, columns = predicted class, as sklearn's
    /// <c>confusion_matrix(y_true, y_pred)</c>; null for multi-label (see <see cref="LabelConfusionMatrices"/>).</summary>
    public required long[,]? ConfusionMatrix { get; init; }

    /// <summary>One-vs-rest 2×2 matrices (C, 2, 2) = [[TN, FP], [FN, TP]] per class, as sklearn's
    /// <c>multilabel_confusion_matrix</c>; defined for every task.</summary>
    public required long[,,] LabelConfusionMatrices { get; init; }

    /// <summary>Examples whose true labels include each class (TP + FN).</summary>
    public required long[] Support { get; init; }

    /// <summary>TP / (TP + FP) per class; 0 where nothing was predicted as the class.</summary>
    public required double[] Precision { get; init; }

    /// <summary>TP / (TP + FN) per class; 0 where the class has no examples.</summary>
    public required double[] Recall { get; init; }

    /// <summary>2·P·R / (P + R) per class; 0 where P + R = 0.</summary>
    public required double[] F1 { get; init; }

    /// <summary>True where precision was set to 0 because no example was predicted as the class.</summary>
    public required bool[] PrecisionIllDefined { get; init; }

    /// <summary>True where recall was set to 0 because the class has no examples (zero support).</summary>
    public required bool[] RecallIllDefined { get; init; }

    /// <summary>Unweighted means of <see cref="Precision"/>, <see cref="Recall"/> and <see cref="F1"/> over all
    /// classes (zero-support classes included, as sklearn's <c>average="macro"</c>).</summary>
    public required double MacroPrecision { get; init; }
    /// <inheritdoc cref="MacroPrecision"/>
    public required double MacroRecall { get; init; }
    /// <inheritdoc cref="MacroPrecision"/>
    public required double MacroF1 { get; init; }

    /// <summary>Means weighted by <see cref="Support"/> (sklearn's <c>average="weighted"</c>; 0 when no class has support).</summary>
    public required double WeightedPrecision { get; init; }
    /// <inheritdoc cref="WeightedPrecision"/>
    public required double WeightedRecall { get; init; }
    /// <inheritdoc cref="WeightedPrecision"/>
    public required double WeightedF1 { get; init; }

    /// <summary>Precision, recall and F1 of the pooled counts ΣTP, ΣFP, ΣFN (sklearn's <c>average="micro"</c>);
    /// all three equal <see cref="Accuracy"/> for single-label tasks.</summary>
    public required double MicroPrecision { get; init; }
    /// <inheritdoc cref="MicroPrecision"/>
    public required double MicroRecall { get; init; }
    /// <inheritdoc cref="MicroPrecision"/>
    public required double MicroF1 { get; init; }

    /// <summary>Multi-label only (NaN otherwise): precision, recall and F1 of each example's label set, averaged over
    /// examples (sklearn's <c>average="samples"</c>, an empty set scoring 0).</summary>
    public required double SamplesPrecision { get; init; }
    /// <inheritdoc cref="SamplesPrecision"/>
    public required double SamplesRecall { get; init; }
    /// <inheritdoc cref="SamplesPrecision"/>
    public required double SamplesF1 { get; init; }

    /// <summary>Area under the ROC curve per score column (sklearn's <c>roc_auc_score</c>): one value (class 1) for
    /// binary, one per label for multi-label, one-vs-rest on softmax probabilities per class for multi-class.
    /// NaN where the column's targets hold one class only (the AUROC is undefined there); empty when ranking
    /// metrics were turned off.</summary>
    public required double[] Auroc { get; init; }

    /// <summary>Average precision per score column (sklearn's <c>average_precision_score</c>: step-wise, no
    /// interpolation), columns as in <see cref="Auroc"/>; 0 where the column has no positive target (scikit-learn's
    /// convention, where AUROC is NaN).</summary>
    public required double[] AveragePrecision { get; init; }

    /// <summary>Mean of <see cref="Auroc"/> over the columns where it is defined; NaN when none is.</summary>
    public required double MeanAuroc { get; init; }

    /// <summary>Mean of <see cref="AveragePrecision"/> over the columns where it is defined; NaN when none is.</summary>
    public required double MeanAveragePrecision { get; init; }

    /// <summary>sklearn's <c>classification_report</c> text for these results; see <see cref="MetricsFormat.ClassificationReport"/>.</summary>
    public string Report(IReadOnlyList<string>? classNames = null, int digits = 2) =>
        MetricsFormat.ClassificationReport(this, classNames, digits);

    /// <summary>The confusion matrix as a text grid; see <see cref="MetricsFormat.ConfusionMatrix"/>.</summary>
    public string ConfusionMatrixText(IReadOnlyList<string>? classNames = null, bool normalize = false, int digits = 2) =>
        MetricsFormat.ConfusionMatrix(this, classNames, normalize, digits);

    /// <summary>One line for a training log: <c>n=10000 loss=0.4521 acc=0.8612 macro_f1=0.8590 auroc=0.9821</c>
    /// (loss and AUROC only where known).</summary>
    public override string ToString()
    {
        var ci = CultureInfo.InvariantCulture;
        var s = new System.Text.StringBuilder();
        s.Append(ci, $"n={Count}");
        if (!double.IsNaN(Loss)) s.Append(ci, $" loss={Loss:F4}");
        s.Append(ci, $" {(Task == ClassificationTask.MultiLabel ? "exact_match" : "acc")}={Accuracy:F4}");
        if (Task == ClassificationTask.MultiLabel) s.Append(ci, $" hamming_acc={HammingAccuracy:F4}");
        foreach (var (k, v) in TopKAccuracy) s.Append(ci, $" top{k}={v:F4}");
        s.Append(ci, $" macro_f1={MacroF1:F4}");
        if (!double.IsNaN(MeanAuroc)) s.Append(ci, $" auroc={MeanAuroc:F4}");
        if (!double.IsNaN(MeanAveragePrecision)) s.Append(ci, $" ap={MeanAveragePrecision:F4}");
        return s.ToString();
    }
}
