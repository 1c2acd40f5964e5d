using Lumen.Training.Metrics;
using Xunit;
using static Lumen.Training.Tests.Metrics.MetricsFixture;

namespace Lumen.Training.Tests.Metrics;

/// <summary>Every number ClassificationMetrics reports against scikit-learn 1.2 (tests/Fixtures/gen_metrics.py),
/// at 1e-6: random, tie-heavy, zero-support, one-class, perfect and worst score sets for each task.</summary>
public class ClassificationMetricsFixtureTests
{
    public static TheoryData<string> AllCases => new()
    {
        "mc_random", "mc_zero_support", "mc_ties", "mc_perfect", "mc_worst",
        "bin_random", "bin_ties", "bin_one_class", "bin_perfect", "bin_worst",
        "ml_random", "ml_ties",
    };

    [Theory, MemberData(nameof(AllCases))]
    public void Every_metric_matches_sklearn(string name)
    {
        var c = Case(name);
        var r = Replay(c).Compute();
        AssertMatches(c, r);
    }

    [Theory, MemberData(nameof(AllCases))]
    public void Growing_from_zero_capacity_and_strided_outputs_give_the_same_numbers(string name)
    {
        // A transposed-then-transposed-back view is non-contiguous for 2-d outputs; buffers start empty and grow.
        var c = Case(name);
        var r = Replay(c, capacity: 0, viewOutput: o => o.Ndim == 2 ? o.Transpose(0, 1).Contiguous().Transpose(0, 1) : o).Compute();
        AssertMatches(c, r);
    }

    internal static void AssertMatches(Lumen.Tests.FixtureCase c, ClassificationResult r)
    {
        int k = c.Int("num_classes");
        Assert.Equal(c.Tensor("scores").Size(0), r.Count);
        Assert.Equal(k, r.NumClasses);
        Close(Double(c, "loss"), r.Loss, "loss");
        Close(Double(c, "accuracy"), r.Accuracy, "accuracy");
        Close(Double(c, "hamming_accuracy"), r.HammingAccuracy, "hamming accuracy");
        if (c.Has("exact_match")) Close(Double(c, "exact_match"), r.ExactMatchRatio, "exact match");
        Close(Doubles(c, "per_class_accuracy"), r.PerClassAccuracy, "per-class accuracy");

        var ks = TopK(c);
        var topk = c.Has("topk_accuracy") ? Doubles(c, "topk_accuracy") : Array.Empty<double>();
        Assert.Equal(ks, r.TopKAccuracy.Keys.ToArray());
        for (int i = 0; i < ks.Length; i++) Close(topk[i], r.TopKAccuracy[ks[i]], $"top-{ks[i]} accuracy");

        if (c.Has("confusion"))
        {
            Assert.NotNull(r.ConfusionMatrix);
            Assert.Equal(Longs(c, "confusion"), r.ConfusionMatrix!.Cast<long>().ToArray());
        }
        else Assert.Null(r.ConfusionMatrix);
        Assert.Equal(Longs(c, "label_confusion"), r.LabelConfusionMatrices.Cast<long>().ToArray());
        Assert.Equal(Longs(c, "support"), r.Support);

        Close(Doubles(c, "precision"), r.Precision, "precision");
        Close(Doubles(c, "recall"), r.Recall, "recall");
        Close(Doubles(c, "f1"), r.F1, "f1");
        Assert.Equal(Bools(c, "precision_ill_defined"), r.PrecisionIllDefined);
        Assert.Equal(Bools(c, "recall_ill_defined"), r.RecallIllDefined);

        Close(Doubles(c, "macro"), new[] { r.MacroPrecision, r.MacroRecall, r.MacroF1 }, "macro avg");
        Close(Doubles(c, "weighted"), new[] { r.WeightedPrecision, r.WeightedRecall, r.WeightedF1 }, "weighted avg");
        Close(Doubles(c, "micro"), new[] { r.MicroPrecision, r.MicroRecall, r.MicroF1 }, "micro avg");
        if (c.Has("samples")) Close(Doubles(c, "samples"), new[] { r.SamplesPrecision, r.SamplesRecall, r.SamplesF1 }, "samples avg");
        else Assert.True(double.IsNaN(r.SamplesF1));

        Close(Doubles(c, "auroc"), r.Auroc, "AUROC");
        Close(Doubles(c, "ap"), r.AveragePrecision, "average precision");
        Close(Double(c, "mean_auroc"), r.MeanAuroc, "mean AUROC");
        Close(Double(c, "mean_ap"), r.MeanAveragePrecision, "mean AP");
    }

    [Fact]
    public void Zero_support_class_sets_recall_to_zero_and_flags_it_like_sklearn()
    {
        // Class 5 never occurs in the targets and class 4 is never predicted.
        var r = Replay(Case("mc_zero_support")).Compute();
        Assert.True(r.RecallIllDefined[5]);
        Assert.Equal(0, r.Recall[5]);
        Assert.Equal(0, r.Support[5]);
        Assert.True(r.PrecisionIllDefined[4]);
        Assert.Equal(0, r.Precision[4]);
        Assert.True(double.IsNaN(r.Auroc[5]));
        Assert.False(double.IsNaN(r.MeanAuroc));
    }

    [Fact]
    public void Perfect_predictions_score_one_and_worst_score_zero()
    {
        var perfect = Replay(Case("mc_perfect")).Compute();
        Assert.Equal(1.0, perfect.Accuracy);
        Assert.All(perfect.Auroc, a => Assert.Equal(1.0, a));
        Assert.Equal(1.0, perfect.MacroF1);
        var worst = Replay(Case("mc_worst")).Compute();
        Assert.Equal(0.0, worst.Accuracy);
        Assert.All(worst.Auroc, a => Assert.Equal(0.0, a));
        Assert.Equal(1.0, worst.TopKAccuracy[4]);
    }

    [Fact]
    public void Binary_targets_without_a_positive_give_NaN_AUROC_and_sklearns_zero_AP()
    {
        // scikit-learn 1.2.1: roc_auc_score raises ("Only one class present in y_true"), average_precision_score warns
        // and returns -0.0 (the fixture records it): AP is 0 there and counts in the mean.
        var c = Case("bin_one_class");
        Assert.Equal(0.0, Doubles(c, "ap")[0]);
        var r = Replay(c).Compute();
        Assert.True(double.IsNaN(r.Auroc[0]));
        Assert.Equal(0.0, r.AveragePrecision[0]);
        Assert.Equal(0.0, r.MeanAveragePrecision);
        Assert.True(double.IsNaN(r.MeanAuroc));
        Assert.True(r.RecallIllDefined[1]);
    }
}
