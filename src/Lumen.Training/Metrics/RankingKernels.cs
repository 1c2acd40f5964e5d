namespace Lumen.Training.Metrics;

/// <summary>Threshold-free ranking metrics of one score column, sklearn's <c>roc_auc_score</c> and
/// <c>average_precision_score</c> for a binary target. O(N log N): one sort, then one walk down the distinct scores.
/// Span-in, number-out; the caller owns (and may reuse) the buffers, which are reordered in place.</summary>
internal static class RankingKernels
{
    /// <summary>Area under the ROC curve and average precision of <paramref name="scores"/> (N) against 0/1
    /// <paramref name="labels"/> (N); both spans are sorted in place by score.
    /// <para>The ROC curve has one point per distinct score (examples with equal scores enter together, so ties
    /// make a diagonal segment) and its area is the trapezoid rule from (0, 0) to (1, 1), as sklearn's
    /// <c>auc(roc_curve(...))</c>. AUROC is NaN when the labels hold only one class.</para>
    /// <para>Average precision is the step sum Σ (R_i − R_{i−1}) P_i over the same thresholds, without interpolation,
    /// as sklearn's <c>average_precision_score</c>. With no positive label it is 0, scikit-learn 1.2's convention (its
    /// recall is set to one for every threshold, so the sum is empty; sklearn prints −0.0 and warns), while AUROC stays NaN.</para>
    /// NaN scores sort below every number and each NaN forms its own threshold.</summary>
    public static (double Auroc, double AveragePrecision) AurocAndAveragePrecision(Span<double> scores, Span<byte> labels)
    {
        int n = scores.Length;
        if (labels.Length != n) throw new ArgumentException($"scores ({n}) and labels ({labels.Length}) differ in length.");
        long positives = 0;
        for (int i = 0; i < n; i++) positives += labels[i];
        long negatives = n - positives;
        if (n == 0) return (double.NaN, double.NaN);

        scores.Sort(labels); // ascending; walked from the top

        long tp = 0, fp = 0;
        long twiceArea = 0;  // Σ Δfp · (tp_prev + tp): twice the ROC area in units of 1/(P·N), exact in integers
        double ap = 0;
        int hi = n - 1;
        while (hi >= 0)
        {
            double s = scores[hi];
            int lo = hi;
            long groupPos = labels[hi];
            while (lo > 0 && scores[lo - 1] == s) { lo--; groupPos += labels[lo]; }
            long groupNeg = hi - lo + 1 - groupPos;
            long tpPrev = tp;
            tp += groupPos;
            fp += groupNeg;
            twiceArea += groupNeg * (tpPrev + tp);
            if (groupPos > 0) ap += (double)groupPos * tp / (tp + fp);
            hi = lo - 1;
        }
        double auroc = positives > 0 && negatives > 0 ? twiceArea / (2.0 * positives * negatives) : double.NaN;
        double averagePrecision = positives > 0 ? ap / positives : 0.0;
        return (auroc, averagePrecision);
    }
}
