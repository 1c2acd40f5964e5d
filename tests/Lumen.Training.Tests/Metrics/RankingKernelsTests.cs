using Lumen.Training.Metrics;
using Xunit;

namespace Lumen.Training.Tests.Metrics;

/// <summary>The O(N log N) AUROC / AP kernel against its naive O(N²) twins, written from the definitions.</summary>
public class RankingKernelsTests
{
    /// <summary>AUROC = P(a random positive outscores a random negative), a tie counting one half (Mann–Whitney U).</summary>
    private static double NaiveAuroc(double[] s, byte[] y)
    {
        double wins = 0; long pairs = 0;
        for (int i = 0; i < s.Length; i++)
            if (y[i] == 1)
                for (int j = 0; j < s.Length; j++)
                    if (y[j] == 0) { pairs++; wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0; }
        return pairs == 0 ? double.NaN : wins / pairs;
    }

    /// <summary>AP = mean over positives of the precision at the threshold equal to that positive's score
    /// (everything scoring at least as high counts as predicted positive).</summary>
    private static double NaiveAveragePrecision(double[] s, byte[] y)
    {
        double sum = 0; int positives = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (y[i] == 0) continue;
            positives++;
            int tp = 0, predicted = 0;
            for (int j = 0; j < s.Length; j++) if (s[j] >= s[i]) { predicted++; tp += y[j]; }
            sum += (double)tp / predicted;
        }
        return positives == 0 ? 0.0 : sum / positives;   // scikit-learn's convention without positives
    }

    [Theory]
    [InlineData(1, 500, 0, 0.5)]
    [InlineData(2, 500, 5, 0.3)]   // five distinct scores: ties everywhere
    [InlineData(3, 64, 2, 0.1)]
    [InlineData(4, 1, 0, 0.5)]
    [InlineData(5, 300, 0, 0.0)]   // no positives
    [InlineData(6, 300, 3, 1.0)]   // no negatives
    public void Kernel_matches_the_pairwise_definitions(int seed, int n, int levels, double positiveRate)
    {
        var rng = new System.Random(seed);
        var s = new double[n]; var y = new byte[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = levels > 0 ? rng.Next(levels) : rng.NextDouble();
            y[i] = (byte)(rng.NextDouble() < positiveRate ? 1 : 0);
        }
        double auroc = NaiveAuroc(s, y), ap = NaiveAveragePrecision(s, y);
        var (a, p) = RankingKernels.AurocAndAveragePrecision((double[])s.Clone(), (byte[])y.Clone());
        if (double.IsNaN(auroc)) Assert.True(double.IsNaN(a)); else Assert.Equal(auroc, a, 12);
        if (double.IsNaN(ap)) Assert.True(double.IsNaN(p)); else Assert.Equal(ap, p, 12);
    }

    [Fact]
    public void All_scores_tied_give_AUROC_one_half_and_AP_the_positive_rate()
    {
        var s = new double[10];
        var y = new byte[] { 1, 0, 0, 1, 0, 0, 0, 1, 0, 0 };
        var (a, p) = RankingKernels.AurocAndAveragePrecision(s, y);
        Assert.Equal(0.5, a);
        Assert.Equal(0.3, p, 15);
    }
}
