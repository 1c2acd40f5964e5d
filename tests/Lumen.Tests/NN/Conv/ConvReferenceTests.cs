using System.Runtime.Intrinsics;
using Lumen.Kernels;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>The im2col + SGEMM path against the direct-convolution definition (<see cref="NaiveConv"/>) on many odd
/// configurations: every dimensionality, strides larger than the kernel, dilation, asymmetric "same" padding, groups,
/// depthwise and pointwise (the no-im2col path), batch 1 (SGEMM's own threads) and larger batches (threads over
/// samples with per-range weight-gradient sums).</summary>
public class ConvReferenceTests
{
    /// <summary>Deterministic pseudo-random configurations whose output is non-empty.</summary>
    public static IEnumerable<object[]> RandomConfigs()
    {
        var r = new Random(20240601);
        int made = 0;
        while (made < 60)
        {
            int dims = 1 + made % 3;
            bool transposed = made % 4 == 3;
            int groups = r.Next(3) == 0 ? r.Next(1, 4) : 1;
            int c = groups * r.Next(1, 4), oc = groups * r.Next(1, 4);
            var k = Enumerable.Range(0, dims).Select(_ => r.Next(1, 5)).ToArray();
            var s = Enumerable.Range(0, dims).Select(_ => r.Next(1, 4)).ToArray();
            var d = Enumerable.Range(0, dims).Select(_ => r.Next(1, 3)).ToArray();
            var p = Enumerable.Range(0, dims).Select(i => r.Next(0, k[i] + 1)).ToArray();
            var pa = (int[])p.Clone();
            var op = new int[dims];
            bool same = false;
            if (transposed)
                for (int i = 0; i < dims; i++) op[i] = r.Next(0, Math.Max(s[i], d[i]));
            else if (r.Next(4) == 0)
            {
                // padding="same" (stride 1): d·(k−1) split with the extra element after
                same = true;
                for (int i = 0; i < dims; i++) { s[i] = 1; int tot = d[i] * (k[i] - 1); p[i] = tot / 2; pa[i] = tot - p[i]; }
            }
            int maxIn = dims == 3 ? 6 : dims == 2 ? 9 : 14;
            var inSize = Enumerable.Range(0, dims).Select(_ => r.Next(1, maxIn)).ToArray();
            int n = r.Next(3) == 0 ? 1 : r.Next(2, 6);
            var cfg = new NaiveConv.Config(dims, n, c, oc, groups, inSize, k, s, p, pa, d, op, transposed, r.Next(3) != 0, same);
                        if (cfg.Out().Any(o => o <= 0)) continue;
            made++;
            yield return new object[] { cfg };
        }
        // The pointwise path (1×1, stride 1, no padding), with and without groups, and a single sample.
        yield return new object[] { new NaiveConv.Config(2, 3, 4, 6, 1, new[] { 5, 7 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 0, 0 }, new[] { 1, 1 }, new[] { 0, 0 }, false, true) };
        yield return new object[] { new NaiveConv.Config(3, 2, 6, 4, 2, new[] { 2, 3, 4 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 0, 0, 0 }, new[] { 0, 0, 0 }, new[] { 1, 1, 1 }, new[] { 0, 0, 0 }, false, true) };
        yield return new object[] { new NaiveConv.Config(1, 1, 3, 5, 1, new[] { 9 }, new[] { 1 }, new[] { 1 }, new[] { 0 }, new[] { 0 }, new[] { 1 }, new[] { 0 }, true, false) };
        // Depthwise with a stride larger than the kernel; a batch large enough to split over threads.
        yield return new object[] { new NaiveConv.Config(2, 7, 4, 8, 4, new[] { 9, 8 }, new[] { 2, 2 }, new[] { 3, 3 }, new[] { 1, 0 }, new[] { 1, 0 }, new[] { 1, 1 }, new[] { 0, 0 }, false, true) };
        // Stride 2 along rows long enough for the vectorised stride-2 im2col gather (and its tail): a 3×3 downsampling
        // layer, ResNet's 7×7 stem shape, a 1×1 downsample; forward large enough for the fused im2col packing.
        yield return new object[] { new NaiveConv.Config(2, 3, 4, 8, 1, new[] { 12, 40 }, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, false, true) };
        yield return new object[] { new NaiveConv.Config(2, 2, 3, 8, 1, new[] { 9, 37 }, new[] { 7, 7 }, new[] { 2, 2 }, new[] { 3, 3 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 0, 0 }, false, false) };
        yield return new object[] { new NaiveConv.Config(2, 3, 8, 8, 1, new[] { 6, 34 }, new[] { 1, 1 }, new[] { 2, 2 }, new[] { 0, 0 }, new[] { 0, 0 }, new[] { 1, 1 }, new[] { 0, 0 }, false, true) };
        // Padding wider than the input (every tap of some outputs falls in the padding).
        yield return new object[] { new NaiveConv.Config(2, 2, 2, 3, 1, new[] { 2, 3 }, new[] { 3, 3 }, new[] { 1, 2 }, new[] { 3, 3 }, new[] { 3, 3 }, new[] { 2, 1 }, new[] { 0, 0 }, false, true) };
    }

    [Theory]
    [MemberData(nameof(RandomConfigs))]
    public void Fast_convolution_and_its_gradients_equal_the_direct_definition(NaiveConv.Config cfg)
    {
        // A column bound of a few samples' worth makes the batched path work in several chunks.
        long limit = 2L * cfg.Kernel.Aggregate(cfg.C / cfg.Groups, (a, b) => a * b) * cfg.Out().Aggregate(1, (a, b) => a * b) + 1;
        foreach (var strategy in new[] { ConvStrategy.PerSample, ConvStrategy.Batched })
            Check(cfg, new ConvPlanOptions(Strategy: strategy, ColumnLimit: limit));
        // The direct kernels forced on (any K) at each vector width this CPU accelerates (128 bits also without FMA,
        // multiplying and adding: the forward takes them there), on every pass whose
        // geometry they can compute (the others take im2col + SGEMM); ConvDirectTests reports the widths it lacks.
        foreach (var (width, runs) in new[] { (VectorWidth.V128, Vector128.IsHardwareAccelerated), (VectorWidth.V256, Vector256.IsHardwareAccelerated),
                                              (VectorWidth.V512, Vector512.IsHardwareAccelerated) })
            if (runs) Check(cfg, new ConvPlanOptions(Direct: DirectMode.Force, MaxWidth: width));
    }

    /// <summary>Output and every gradient of one configuration and plan against the definition, within
    /// <paramref name="tol"/>·max(1, |expected|).</summary>
    internal static void Check(NaiveConv.Config cfg, ConvPlanOptions plan, double tol = 1e-5)
    {
        var r = new Random(cfg.GetHashCode() & 0x7fffffff);
        var xShape = new[] { cfg.N, cfg.C }.Concat(cfg.In).ToArray();
        var wShape = cfg.WeightShape();
        var x = NaiveConv.RandomData(r, xShape.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, wShape.Aggregate(1, (a, b) => a * b));
        var b = cfg.Bias ? NaiveConv.RandomData(r, cfg.OC) : null;
        var yShape = new[] { cfg.N, cfg.OC }.Concat(cfg.Out()).ToArray();
        var gy = NaiveConv.RandomData(r, yShape.Aggregate(1, (a, b) => a * b));
        var (ey, egx, egw, egb) = NaiveConv.Run(cfg, x, w, b, gy);

        var xt = Torch.Tensor(x, xShape).RequiresGrad_();
        var wt = Torch.Tensor(w, wShape).RequiresGrad_();
        var bt = b == null ? null : Torch.Tensor(b, cfg.OC).RequiresGrad_();
        Tensor y;
        if (cfg.Transposed)
        {
            IntTuple st = cfg.Stride, p = cfg.PadBefore, op = cfg.OutputPadding, d = cfg.Dilation;
            y = F.ConvolutionTranspose(xt, wt, bt, st, p, op, cfg.Groups, d, cfg.Dims, "conv_transpose", plan);
        }
        else
        {
            ConvPadding p = cfg.Same ? "same" : cfg.PadBefore;
            IntTuple st = cfg.Stride, d = cfg.Dilation;
            y = F.Convolution(xt, wt, bt, st, p, d, cfg.Groups, cfg.Dims, "conv", plan);
        }
        y.Backward(Torch.Tensor(gy, yShape));

        string what = $"{cfg} [{plan}]";
        TensorAssert.Close(Torch.Tensor(ey.Select(v => (float)v).ToArray(), yShape), y, tol, what + " output");
        TensorAssert.Close(Torch.Tensor(egx.Select(v => (float)v).ToArray(), xShape), xt.Grad!, tol, what + " input grad");
        TensorAssert.Close(Torch.Tensor(egw.Select(v => (float)v).ToArray(), wShape), wt.Grad!, tol, what + " weight grad");
        if (bt != null) TensorAssert.Close(Torch.Tensor(egb.Select(v => (float)v).ToArray(), cfg.OC), bt.Grad!, tol, what + " bias grad");
    }

    [Theory]
    [InlineData("PerSample")]
    [InlineData("Batched")]
    public void Results_and_all_gradients_are_bit_identical_for_1_and_3_threads(string strategyName)
    {
        var strategy = Enum.Parse<ConvStrategy>(strategyName);
        var r = new Random(5);
        var x = Torch.Tensor(NaiveConv.RandomData(r, 6 * 4 * 11 * 9), 6, 4, 11, 9);
        var w = Torch.Tensor(NaiveConv.RandomData(r, 8 * 2 * 9), 8, 2, 3, 3);
        float[] Run(int threads) => Threads.With(threads, () =>
        {
            var xt = x.Detach().Clone().RequiresGrad_();
            var wt = w.Detach().Clone().RequiresGrad_();
            var y = F.Convolution(xt, wt, null, 1, 1, 1, 2, 2, "conv2d", new ConvPlanOptions(Strategy: strategy));
            y.Sum().Backward();
            return y.ToArray().Concat(xt.Grad!.ToArray()).Concat(wt.Grad!.ToArray()).ToArray();
        });
        Assert.Equal(Run(1), Run(3));
    }

    /// <summary>The per-sample weight gradient with its columns unrolled straight into SGEMM's panels gives the bits of
    /// the stored column matrix (<see cref="ConvPlanOptions.NoFusedIm2Col"/>), on the random configurations whose product
    /// takes the packed path (stride, dilation, padding, groups, 1-d to 3-d) and on wide rows.</summary>
    [Fact]
    public void Fused_weight_gradient_has_the_stored_column_paths_bits()
    {
        // Products large enough for SGEMM's packed path: groups, 3-d, dilation, 1-d, K and P not multiples of 8.
        var packed = new[]
        {
            new NaiveConv.Config(2, 2, 8, 8, 2, new[] { 12, 20 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, false, false),
            new NaiveConv.Config(3, 2, 4, 8, 1, new[] { 6, 6, 10 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 0, 0, 0 }, false, true),
            new NaiveConv.Config(2, 3, 4, 8, 1, new[] { 12, 25 }, new[] { 3, 3 }, new[] { 1, 2 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0 }, false, false),
            new NaiveConv.Config(1, 2, 7, 16, 1, new[] { 203 }, new[] { 5 }, new[] { 1 }, new[] { 0 }, new[] { 0 }, new[] { 1 }, new[] { 0 }, false, true),
        };
        int checkedConfigs = 0;
        foreach (var cfg in RandomConfigs().Select(row => (NaiveConv.Config)row[0]).Concat(packed))
        {
            if (cfg.Transposed) continue;
            var r = new Random(cfg.GetHashCode() & 0x7fffffff);
            var xShape = new[] { cfg.N, cfg.C }.Concat(cfg.In).ToArray();
            var x = Torch.Tensor(NaiveConv.RandomData(r, xShape.Aggregate(1, (a, b) => a * b)), xShape);
            var w = Torch.Tensor(NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b)), cfg.WeightShape());
            float[] Dw(bool stored)
            {
                var wt = w.Detach().Clone().RequiresGrad_();
                ConvPadding p = cfg.Same ? "same" : cfg.PadBefore;
                var y = F.Convolution(x, wt, null, cfg.Stride, p, cfg.Dilation, cfg.Groups, cfg.Dims, "conv",
                                      stored ? new ConvPlanOptions(Strategy: ConvStrategy.PerSample, NoFusedIm2Col: true)
                                             : new ConvPlanOptions(Strategy: ConvStrategy.PerSample, ColumnLimit: 1));
                y.Mul(y).Sum().Backward();
                return wt.Grad!.ToArray();
            }
            Assert.Equal(Dw(stored: true), Dw(stored: false));
            checkedConfigs++;
        }
        Assert.True(checkedConfigs > 40, $"only {checkedConfigs} configurations");
    }
}
