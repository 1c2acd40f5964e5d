using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Losses;

/// <summary>Reprs, buffers, reductions, input validation, and the fused cross-entropy against its naive twin and against
/// log_softmax + nll composed from other ops.</summary>
public class LossBehaviourTests
{
    private static Tensor U(int seed, float lo, float hi, params int[] shape)
    {
        var rng = new Random(seed);
        var d = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(lo + rng.NextDouble() * (hi - lo));
        return Torch.Tensor(d, shape);
    }

    private static Tensor Labels(int seed, int classes, params int[] shape)
    {
        var rng = new Random(seed);
        var d = new long[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++) d[i] = rng.Next(classes);
        return Torch.Tensor(d, shape);
    }

    [Fact]
    public void Loss_modules_print_as_PyTorch_does()
    {
        // PyTorch's losses have no extra_repr: options never show, e.g. CrossEntropyLoss(weight=w, label_smoothing=0.1).
        Assert.Equal("MSELoss()", new MSELoss().ToString());
        Assert.Equal("L1Loss()", new L1Loss(reduction: "sum").ToString());
        Assert.Equal("SmoothL1Loss()", new SmoothL1Loss(beta: 0.5f).ToString());
        Assert.Equal("HuberLoss()", new HuberLoss(delta: 2f).ToString());
        Assert.Equal("CrossEntropyLoss()", new CrossEntropyLoss().ToString());
        Assert.Equal("CrossEntropyLoss()", new CrossEntropyLoss(Torch.Ones(3), ignoreIndex: 1, reduction: "sum", labelSmoothing: 0.1f).ToString());
        Assert.Equal("NLLLoss()", new NLLLoss().ToString());
        Assert.Equal("BCELoss()", new BCELoss().ToString());
        Assert.Equal("BCEWithLogitsLoss()", new BCEWithLogitsLoss(posWeight: Torch.Ones(3)).ToString());
        Assert.Equal("KLDivLoss()", new KLDivLoss(reduction: "batchmean", logTarget: true).ToString());
    }

    [Fact]
    public void Class_weights_are_buffers_named_as_in_PyTorchs_state_dict()
    {
        Assert.Empty(new CrossEntropyLoss().NamedBuffers());
        Assert.Equal(new[] { "weight" }, new CrossEntropyLoss(Torch.Ones(3)).NamedBuffers().Select(b => b.Name));
        Assert.Equal(new[] { "weight" }, new NLLLoss(Torch.Ones(3)).NamedBuffers().Select(b => b.Name));
        Assert.Equal(new[] { "pos_weight" }, new BCEWithLogitsLoss(posWeight: Torch.Ones(3)).NamedBuffers().Select(b => b.Name));
        Assert.Equal(new[] { "weight", "pos_weight" },
                     new BCEWithLogitsLoss(Torch.Ones(3), posWeight: Torch.Ones(3)).NamedBuffers().Select(b => b.Name));
        Assert.Empty(new MSELoss().Parameters());
    }

    [Fact]
    public void Reduction_reads_as_PyTorchs_strings_and_rejects_others()
    {
        Reduction r = "sum";
        Assert.Equal(Reduction.Sum, r);
        Assert.Equal("mean", default(Reduction).ToString());
        Assert.Equal("none", new MSELoss(Reduction.None).Reduction.ToString());
        var ex = Assert.Throws<ArgumentException>(() => new MSELoss(reduction: "avg"));
        Assert.Contains("avg is not a valid value for reduction", ex.Message);
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(reduction: "batchmean"));
        Assert.Equal(Reduction.BatchMean, new KLDivLoss(reduction: "batchmean").Reduction);
    }

    [Fact]
    public void Loss_modules_refuse_the_single_input_forward()
    {
        var ex = Assert.Throws<NotSupportedException>(() => new MSELoss().Call(Torch.Zeros(2)));
        Assert.Contains("Call(input, target)", ex.Message);
    }

    // ------------------------------------------------------------------ validation

    [Fact]
    public void Cross_entropy_names_both_shapes_when_batch_sizes_differ()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new CrossEntropyLoss().Call(Torch.Zeros(64, 10), Torch.Zeros(new[] { 32 }, DType.Int64)));
        Assert.Equal("CrossEntropyLoss: input [64, 10] and target [32] have different batch sizes.", ex.Message);
    }

    [Fact]
    public void Cross_entropy_rejects_a_target_class_out_of_range()
    {
        var t = Torch.Tensor(new long[] { 1, 2, 12, 3 });
        var ex = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Torch.Zeros(4, 10), t));
        Assert.Contains("Target 12 is out of bounds for 10 classes", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => F.NllLoss(Torch.Zeros(4, 10), Torch.Tensor(new long[] { 1, -1, 0, 0 })));
        Assert.Contains("Target -1 is out of bounds for 10 classes", ex.Message);
        // the ignore index itself is allowed, in range or not
        Assert.True(float.IsFinite(F.CrossEntropy(Torch.Zeros(4, 10), Torch.Tensor(new long[] { 1, -100, 0, 3 })).Item()));
        Assert.True(float.IsFinite(F.CrossEntropy(Torch.Zeros(4, 10), Torch.Tensor(new long[] { 1, 7, 0, 3 }), ignoreIndex: 7).Item()));
    }

    [Fact]
    public void Cross_entropy_rejects_float_class_indices_and_names_the_dtype()
    {
        var ex = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Torch.Zeros(4, 10), Torch.Tensor(new[] { 1f, 2f, 3f, 4f })));
        Assert.Contains("int64", ex.Message);
        Assert.Contains("torch.float32 [4]", ex.Message);
    }

    [Fact]
    public void Shape_errors_name_the_loss_and_both_shapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => F.CrossEntropy(Torch.Zeros(4, 10, 3), Torch.Zeros(new[] { 4, 2 }, DType.Int64)));
        Assert.Contains("[4, 10, 3]", ex.Message); Assert.Contains("[4, 3]", ex.Message); Assert.Contains("[4, 2]", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => F.BinaryCrossEntropyWithLogits(Torch.Zeros(4), Torch.Zeros(4, 1)));
        Assert.Equal("BCEWithLogitsLoss: target [4, 1] must have the same shape as input [4].", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => F.MseLoss(Torch.Zeros(4, 10), Torch.Zeros(4, 3)));
        Assert.Contains("[4, 10] and [4, 3]", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => F.CrossEntropy(Torch.Zeros(4, 10), Torch.Zeros(new[] { 4 }, DType.Int64), weight: Torch.Ones(5)));
        Assert.Contains("[10]", ex.Message); Assert.Contains("[5]", ex.Message);
    }

    [Fact]
    public void Bad_arguments_are_rejected_as_PyTorch_rejects_them()
    {
        Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(Torch.Tensor(new[] { 1.5f }), Torch.Tensor(new[] { 1f })));
        Assert.Throws<ArgumentException>(() => new HuberLoss(delta: 0f));
        Assert.Throws<ArgumentException>(() => new SmoothL1Loss(beta: -1f));
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(labelSmoothing: 1.5f));
        var ex = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Torch.Zeros(3, 4), Torch.Zeros(3, 4), ignoreIndex: 1));
        Assert.Contains("ignoreIndex", ex.Message);
    }

    // ------------------------------------------------------------------ semantics

    [Fact]
    public void Cross_entropy_equals_log_softmax_followed_by_nll()
    {
        var x = U(1, -4, 4, 9, 7);
        var t = Labels(2, 7, 9);
        var w = U(3, 0.5f, 2f, 7);
        TensorAssert.Close(F.NllLoss(x.LogSoftmax(1), t, weight: w), F.CrossEntropy(x, t, weight: w), 1e-5);
        var px = U(4, -4, 4, 2, 5, 3, 4);
        var pt = Labels(5, 5, 2, 3, 4);
        TensorAssert.Close(F.NllLoss(px.LogSoftmax(1), pt, reduction: "none"), F.CrossEntropy(px, pt, reduction: "none"), 1e-5);
    }

    [Fact]
    public void Cross_entropy_of_an_all_ignored_batch_is_nan_for_mean_and_zero_for_sum()
    {
        var x = U(6, -1, 1, 3, 4).RequiresGrad_();
        var t = Torch.Tensor(new long[] { -100, -100, -100 });
        var mean = F.CrossEntropy(x, t);
        Assert.True(float.IsNaN(mean.Item()));
        Assert.Equal(0f, F.CrossEntropy(x, t, reduction: "sum").Item());
        mean.Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Cross_entropy_stays_finite_on_logits_of_plus_minus_1000()
    {
        var x = Torch.Tensor(new[] { 1000f, -1000f, 0f, -1000f, 1000f, 999f }, 2, 3).RequiresGrad_();
        var loss = F.CrossEntropy(x, Torch.Tensor(new long[] { 0, 2 }), reduction: "none");
        // log(1 + e^-1) = 0.3132616 above 1000 − 999; float32 spacing near 1000 is 6e-5
        TensorAssert.Values(new[] { 0f, 1.3132616f }, loss, 1e-4);
        loss.Sum().Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    /// <summary>Naive twin of the fused kernel: per row, in double, straight from the definition.</summary>
    private static (double[] Loss, double[] Grad) NaiveCrossEntropy(float[] x, long[] t, float[] w, int n, int c, float eps)
    {
        var loss = new double[n];
        var grad = new double[n * c];
        double wSum = w.Sum(v => (double)v);
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < c; k++) max = Math.Max(max, x[i * c + k]);
            double s = 0;
            for (int k = 0; k < c; k++) s += Math.Exp(x[i * c + k] - max);
            double lse = max + Math.Log(s);
            int ti = (int)t[i];
            double l = (1 - eps) * w[ti] * (lse - x[i * c + ti]);
            for (int k = 0; k < c; k++) l += eps / c * w[k] * (lse - x[i * c + k]);
            loss[i] = l;
            for (int k = 0; k < c; k++)
            {
                double p = Math.Exp(x[i * c + k] - lse);
                grad[i * c + k] = ((1 - eps) * w[ti] + eps / c * wSum) * p - eps / c * w[k] - (k == ti ? (1 - eps) * w[ti] : 0);
            }
        }
        return (loss, grad);
    }

    [Theory]
    [InlineData(5000, 10, 0f)]    // many rows: split across threads
    [InlineData(7, 3000, 0.1f)]   // wide rows: the scratch row comes from the array pool
    public void Fused_cross_entropy_matches_its_naive_twin(int n, int c, float eps)
    {
        var x = U(7, -6, 6, n, c).RequiresGrad_();
        var t = Labels(8, c, n);
        var w = U(9, 0.5f, 2f, c);
        var loss = F.CrossEntropy(x, t, weight: w, reduction: "sum", labelSmoothing: eps);
        loss.Backward();
        var (rl, rg) = NaiveCrossEntropy(x.ToArray(), t.ToArray<long>(), w.ToArray(), n, c, eps);
        Assert.Equal(rl.Sum(), loss.Item(), Math.Max(1e-5 * Math.Abs(rl.Sum()), 1e-4));
        var g = x.Grad!.ToArray();
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(g[i] - rg[i]) <= 1e-5, $"grad {i}: {g[i]} vs {rg[i]}");
    }

    [Fact]
    public void Cross_entropy_reads_strided_logits_and_targets()
    {
        var x = U(10, -3, 3, 5, 8);
        var t = Labels(11, 5, 8);
        var expected = F.CrossEntropy(x.T().Contiguous(), t);
        TensorAssert.Close(expected, F.CrossEntropy(x.T(), t), 1e-6);
        var t2 = Labels(12, 5, 16).Slice(0, 0, 16, 2);
        TensorAssert.Close(F.CrossEntropy(x.T().Contiguous(), t2.Contiguous()), F.CrossEntropy(x.T(), t2), 1e-6);
    }

    [Fact]
    public void Regression_losses_broadcast_and_sum_the_target_gradient_back()
    {
        var x = U(13, -1, 1, 3, 4).RequiresGrad_();
        var y = U(14, -1, 1, 4).RequiresGrad_();
        F.MseLoss(x, y).Backward();
        Assert.Equal(new Shape(4), y.Grad!.Shape);
        TensorAssert.Close(x.Grad!.Sum(0).Neg(), y.Grad!, 1e-6);
    }

    [Fact]
    public void Empty_batch_mean_is_nan_as_in_PyTorch()
    {
        Assert.True(float.IsNaN(F.MseLoss(Torch.Zeros(0, 4), Torch.Zeros(0, 4)).Item()));
        Assert.True(float.IsNaN(F.CrossEntropy(Torch.Zeros(0, 4), Torch.Zeros(new[] { 0 }, DType.Int64)).Item()));
        Assert.Equal(0f, F.CrossEntropy(Torch.Zeros(0, 4), Torch.Zeros(new[] { 0 }, DType.Int64), reduction: "sum").Item());
    }
}
