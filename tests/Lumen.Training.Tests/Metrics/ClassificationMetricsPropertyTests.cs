using Lumen.Training.Metrics;
using Xunit;

namespace Lumen.Training.Tests.Metrics;

/// <summary>Invariants that hold for any data, checked on seeded random inputs, plus the accumulator's contract
/// (batching, Reset, allocation, validation).</summary>
public class ClassificationMetricsPropertyTests
{
    private static (float[] Scores, long[] Targets) RandomMultiClass(int n, int c, int seed, int levels = 0)
    {
        var rng = new System.Random(seed);
        var s = new float[n * c];
        // levels > 0 quantises the scores so that many are tied
        for (int i = 0; i < s.Length; i++) s[i] = levels > 0 ? rng.Next(levels) / (float)levels : (float)(rng.NextDouble() * 6 - 3);
        var t = new long[n];
        for (int i = 0; i < n; i++) t[i] = rng.Next(c);
        return (s, t);
    }

    private static ClassificationResult MultiLabelResult(float[] scores, float[] targets, int n, int c) =>
        Compute(new ClassificationMetrics(c, n, ClassificationTask.MultiLabel), Torch.Tensor(scores, n, c), Torch.Tensor(targets, n, c));

    private static ClassificationResult Compute(ClassificationMetrics m, Tensor output, Tensor target)
    {
        m.Update(output, target);
        return m.Compute();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)] // heavy ties
    public void AUROC_and_AP_are_invariant_to_increasing_transforms_of_the_scores(int levels)
    {
        int n = 300, c = 4;
        var (s, _) = RandomMultiClass(n, c, seed: 7, levels: levels);
        var rng = new System.Random(8);
        var y = Enumerable.Range(0, n * c).Select(_ => rng.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        var baseResult = MultiLabelResult(s, y, n, c);
        // Strictly increasing maps that keep distinct float32 scores distinct on [-3, 3] (and equal ones equal).
        Func<float, float>[] transforms = { v => 4 * v, v => MathF.Exp(v), v => v * v * v + v, v => 1 / (1 + MathF.Exp(-v)) };
        foreach (var f in transforms)
        {
            var r = MultiLabelResult(s.Select(f).ToArray(), y, n, c);
            Assert.Equal(baseResult.Auroc, r.Auroc);
            Assert.Equal(baseResult.AveragePrecision, r.AveragePrecision);
        }
        // A decreasing map mirrors the ROC curve: AUROC → 1 − AUROC.
        var flipped = MultiLabelResult(s.Select(v => -v).ToArray(), y, n, c);
        for (int k = 0; k < c; k++) Assert.Equal(1 - baseResult.Auroc[k], flipped.Auroc[k], 12);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 7)]
    [InlineData(3, 10)]
    public void Confusion_matrix_sums_to_N_and_macro_F1_lies_in_0_1(int seed, int c)
    {
        int n = 257;
        var (s, t) = RandomMultiClass(n, c, seed, levels: seed == 3 ? 3 : 0);
        var r = Compute(new ClassificationMetrics(c, n), Torch.Tensor(s, n, c), Torch.Tensor(t, n));
        Assert.Equal(n, r.ConfusionMatrix!.Cast<long>().Sum());
        Assert.Equal(n, r.Support.Sum());
        for (int k = 0; k < c; k++)
        {
            long row = 0;
            for (int j = 0; j < c; j++) row += r.ConfusionMatrix![k, j];
            Assert.Equal(r.Support[k], row);
            Assert.Equal(n, r.LabelConfusionMatrices[k, 0, 0] + r.LabelConfusionMatrices[k, 0, 1] + r.LabelConfusionMatrices[k, 1, 0] + r.LabelConfusionMatrices[k, 1, 1]);
        }
        Assert.InRange(r.MacroF1, 0, 1);
        Assert.InRange(r.WeightedF1, 0, 1);
        Assert.All(r.Auroc, a => Assert.InRange(a, 0, 1));
        // Single-label micro averages and top-1 are accuracy.
        Assert.Equal(r.Accuracy, r.MicroF1, 12);
    }

    [Fact]
    public void Top_1_accuracy_equals_accuracy_even_with_ties()
    {
        int n = 200, c = 5;
        var (s, t) = RandomMultiClass(n, c, seed: 4, levels: 2);
        var r = Compute(new ClassificationMetrics(c, n, topK: new[] { 1, 2, 5 }), Torch.Tensor(s, n, c), Torch.Tensor(t, n));
        Assert.Equal(r.Accuracy, r.TopKAccuracy[1]);
        Assert.True(r.TopKAccuracy[2] >= r.TopKAccuracy[1]);
        Assert.Equal(1.0, r.TopKAccuracy[5]);
    }

    [Fact]
    public void Batching_does_not_change_the_result_and_Reset_starts_over()
    {
        int n = 150, c = 6;
        var (s, t) = RandomMultiClass(n, c, seed: 5);
        var x = Torch.Tensor(s, n, c); var y = Torch.Tensor(t, n);
        var whole = Compute(new ClassificationMetrics(c, n, topK: new[] { 3 }), x, y);

        var m = new ClassificationMetrics(c, 10, topK: new[] { 3 });
        m.Update(Torch.Tensor(new float[c], 1, c), Torch.Tensor(new long[] { 0 }, 1), loss: 9); // forgotten by Reset
        m.Reset();
        for (int start = 0; start < n; start += 17)
        {
            int len = Math.Min(17, n - start);
            m.Update(x.Narrow(0, start, len), y.Narrow(0, start, len), loss: 0.5);
        }
        var batched = m.Compute();
        Assert.Equal(0.5, batched.Loss, 12);
        Assert.True(double.IsNaN(whole.Loss));
        Assert.Equal(whole.ConfusionMatrix!.Cast<long>(), batched.ConfusionMatrix!.Cast<long>());
        Assert.Equal(whole.Auroc, batched.Auroc);
        Assert.Equal(whole.AveragePrecision, batched.AveragePrecision);
        Assert.Equal(whole.TopKAccuracy[3], batched.TopKAccuracy[3]);
        Assert.True(m.Capacity >= n);
    }

    [Fact]
    public void Loss_is_the_batch_size_weighted_mean()
    {
        var m = new ClassificationMetrics(2, task: ClassificationTask.Binary);
        m.Update(Torch.Tensor(new float[] { 1, -1, 2 }), Torch.Tensor(new float[] { 1, 0, 1 }), loss: 0.3);
        m.Update(Torch.Tensor(new float[] { 1 }), Torch.Tensor(new float[] { 0 }), loss: 1.5);
        Assert.Equal((0.3 * 3 + 1.5) / 4, m.Loss, 15);
        Assert.Equal(0.75, m.Accuracy, 15);
    }

    [Fact]
    public void Probability_threshold_is_strict_and_matches_the_logit_test()
    {
        // Logit 0 is probability exactly 0.5: not above the threshold, so predicted negative in both forms.
        var logits = new ClassificationMetrics(2, task: ClassificationTask.Binary);
        logits.Update(Torch.Tensor(new float[] { 0f, 1e-30f, -1e-30f }), Torch.Tensor(new float[] { 0, 1, 0 }));
        var probs = new ClassificationMetrics(2, task: ClassificationTask.Binary, fromLogits: false);
        probs.Update(Torch.Tensor(new float[] { 0.5f, 0.5000001f, 0.4999999f }), Torch.Tensor(new float[] { 0, 1, 0 }));
        Assert.Equal(1.0, logits.Accuracy);
        Assert.Equal(1.0, probs.Accuracy);
        var t = new ClassificationMetrics(2, task: ClassificationTask.Binary, threshold: 0.8);
        t.Update(Torch.Tensor(new float[] { 1.3f, 1.5f }), Torch.Tensor(new float[] { 0, 1 })); // logit(0.8) = 1.386
        Assert.Equal(1.0, t.Accuracy);
    }

    [Fact]
    public void Update_allocates_nothing_once_buffers_are_sized()
    {
        int n = 64, c = 10;
        var (s, t) = RandomMultiClass(n, c, seed: 9);
        var x = Torch.Tensor(s, n, c); var y = Torch.Tensor(t, n);
        var strided = x.Transpose(0, 1).Contiguous().Transpose(0, 1);
        var ml = new ClassificationMetrics(c, 200 * n, ClassificationTask.MultiLabel);
        var yMl = Torch.Tensor(Enumerable.Range(0, n * c).Select(i => (float)(i % 3 == 0 ? 1 : 0)).ToArray(), n, c);
        var mc = new ClassificationMetrics(c, 200 * n, topK: new[] { 1, 5 });
        // Warm-up past tiered compilation's 30-call threshold: the runtime's call-counting bookkeeping for a method that
        // reaches it can allocate a few KB on the calling thread, which made this test fail now and then under load.
        for (int i = 0; i < 60; i++) { mc.Update(strided, y, loss: 1); mc.Update(x, y); ml.Update(strided, yMl, loss: 1); ml.Update(x, yMl); }
        mc.Reset(); ml.Reset();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 30; i++) { mc.Update(strided, y, loss: 1); mc.Update(x, y); ml.Update(x, yMl); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"Update allocated {allocated} bytes over 90 batches.");
    }

    [Fact]
    public void Ranking_metrics_can_be_turned_off_without_changing_the_counts()
    {
        int n = 100, c = 3;
        var (s, t) = RandomMultiClass(n, c, seed: 11);
        var on = Compute(new ClassificationMetrics(c, n), Torch.Tensor(s, n, c), Torch.Tensor(t, n));
        var m = new ClassificationMetrics(c, n, ranking: false);
        var off = Compute(m, Torch.Tensor(s, n, c), Torch.Tensor(t, n));
        Assert.Empty(off.Auroc);
        Assert.True(double.IsNaN(off.MeanAuroc));
        Assert.Equal(0, m.Capacity);
        Assert.Equal(on.F1, off.F1);
        Assert.Equal(on.Accuracy, off.Accuracy);
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_the_shapes_and_values_named()
    {
        var m = new ClassificationMetrics(3);
        var e = Assert.Throws<ShapeMismatchException>(() => m.Update(Torch.Zeros(4, 2), Torch.Tensor(new long[4])));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("(N, 3)", e.Message);
        var v = Assert.Throws<ArgumentException>(() => m.Update(Torch.Zeros(2, 3), Torch.Tensor(new long[] { 0, 3 })));
        Assert.Contains("target 3 at index 1", v.Message);
        Assert.Throws<ArgumentException>(() => m.Update(Torch.Zeros(2, 3), Torch.Zeros(2)));
        var ml = new ClassificationMetrics(2, task: ClassificationTask.MultiLabel);
        var b = Assert.Throws<ArgumentException>(() => ml.Update(Torch.Zeros(1, 2), Torch.Tensor(new float[] { 1, 0.5f }, 1, 2)));
        Assert.Contains("0.5", b.Message);
        Assert.Throws<ArgumentException>(() => new ClassificationMetrics(3, task: ClassificationTask.Binary));
        Assert.Throws<ArgumentException>(() => new ClassificationMetrics(3, topK: new[] { 4 }));
        Assert.Throws<InvalidOperationException>(() => new ClassificationMetrics(3).Compute());
    }

    [Fact]
    public void Binary_and_multi_label_accept_bool_uint8_and_int64_targets()
    {
        var x = Torch.Tensor(new float[] { 2, -1, 0.5f, -3 }, 4, 1);
        var expected = Compute(new ClassificationMetrics(2, task: ClassificationTask.Binary), x, Torch.Tensor(new float[] { 1, 0, 0, 1 }));
        foreach (var target in new[] { Torch.Tensor(new long[] { 1, 0, 0, 1 }, 4, 1), Torch.Tensor(new[] { true, false, false, true }), Torch.Tensor(new byte[] { 1, 0, 0, 1 }) })
        {
            var r = Compute(new ClassificationMetrics(2, task: ClassificationTask.Binary), x, target);
            Assert.Equal(expected.ConfusionMatrix!.Cast<long>(), r.ConfusionMatrix!.Cast<long>());
            Assert.Equal(expected.Auroc, r.Auroc);
        }
        Assert.Equal(0.5, expected.Auroc[0]); // positives 2 and -3 against negatives -1 and 0.5: 2 of 4 pairs ordered
    }
}
