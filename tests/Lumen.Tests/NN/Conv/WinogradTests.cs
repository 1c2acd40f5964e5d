using Lumen.Kernels;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>Winograd F(2×2, 3×3) against the definition (in double): odd and even output sizes (cut last tiles),
/// paddings 0, 1 and 2, one and several samples, channel counts that leave vector tails, with and without bias; and
/// a layer big enough to take several tile blocks.</summary>
public class WinogradTests
{
    public static IEnumerable<object[]> Configs()
    {
        static NaiveConv.Config C(int n, int c, int oc, int h, int w, int p, bool bias) =>
            new(2, n, c, oc, 1, new[] { h, w }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { p, p }, new[] { p, p }, new[] { 1, 1 },
                new int[2], false, bias);
        yield return new object[] { C(1, 1, 1, 4, 4, 0, false) };
        yield return new object[] { C(2, 3, 5, 7, 9, 1, true) };
        yield return new object[] { C(3, 8, 16, 14, 14, 1, true) };
        yield return new object[] { C(1, 5, 3, 5, 21, 2, false) };
        yield return new object[] { C(2, 16, 8, 33, 18, 1, true) };
        yield return new object[] { C(1, 64, 4, 40, 40, 1, false) };   // 16·64·400 floats: several tile blocks
    }

    /// <summary>A generator seeded by the configuration, the input x and the weights w.</summary>
    private static (Random R, float[] X, float[] W) Operands(NaiveConv.Config cfg, int salt)
    {
        var r = new Random(cfg.N * 31 + cfg.C * 7 + cfg.OC + cfg.In[1] + salt);
        return (r, NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In[0] * cfg.In[1]), NaiveConv.RandomData(r, cfg.OC * cfg.C * 9));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Forward_matches_the_definition(NaiveConv.Config cfg)
    {
        var geo = cfg.Geometry();
        Assert.True(Winograd.Applies(geo));
        var (r, x, w) = Operands(cfg, 0);
        var b = cfg.Bias ? NaiveConv.RandomData(r, cfg.OC) : null;
        var o = cfg.Out();
        int yLen = cfg.N * cfg.OC * o[0] * o[1];
        var expected = NaiveConv.Run(cfg, x, w, b, new float[yLen]).Y;
        var y = new float[yLen + 2];
        y[0] = y[^1] = float.NaN;   // the kernel writes exactly [1, yLen]
        Winograd.Forward(geo, View<float>.Of(x), View<float>.Of(w), b == null ? default : View<float>.Of(b), View<float>.Contiguous(y, 1, yLen));
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[^1]), "wrote outside the output");
        double worst = 0;
        for (int i = 0; i < yLen; i++)
        {
            // The products sum to at most C·9 terms of magnitude ≤ 1: scale the bound by √(C·9).
            double err = Math.Abs(y[i + 1] - expected[i]) / Math.Sqrt(cfg.C * 9.0);
            worst = Math.Max(worst, err);
        }
        Assert.True(worst <= 2e-6, $"{cfg}: worst scaled error {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Input_gradient_matches_the_definition(NaiveConv.Config cfg) => CheckInputGradient(cfg, 1, kept: false);

    [Theory]
    [MemberData(nameof(Configs))]
    public void Input_gradient_from_the_forwards_kept_transform_matches_the_definition(NaiveConv.Config cfg) =>
        CheckInputGradient(cfg, 4, kept: true);

    /// <summary>Winograd's input gradient against the definition; <paramref name="kept"/>: from the forward's transform
    /// kept in a <see cref="WinogradWeights"/> (read permuted and transposed) instead of the flipped weights'.</summary>
    private static void CheckInputGradient(NaiveConv.Config cfg, int salt, bool kept)
    {
        var geo = cfg.Geometry();
        Assert.True(Winograd.InputGradApplies(geo));
        var (r, x, w) = Operands(cfg, salt);
        var o = cfg.Out();
        var gy = NaiveConv.RandomData(r, cfg.N * cfg.OC * o[0] * o[1]);
        var expected = NaiveConv.Run(cfg, x, w, null, gy).Gx;
        WinogradWeights? cache = null;
        if (kept)
        {
            cache = new WinogradWeights();
            cache.Stamp(w, 0);
        }
        var gx = new float[x.Length];
        Winograd.InputGrad(geo, View<float>.Of(gy), View<float>.Of(w), View<float>.Of(gx), cache);
        double worst = 0;
        for (int i = 0; i < gx.Length; i++) worst = Math.Max(worst, Math.Abs(gx[i] - expected[i]) / Math.Sqrt(cfg.OC * 9.0));
        Assert.True(worst <= 2e-6, $"{cfg}: worst scaled error {worst:E2}");
    }

    [Fact]
    public void The_flipped_filters_transform_is_the_forwards_permuted_and_transposed()
    {
        const int oc = 24, c = 40;
        var w = NaiveConv.RandomData(new Random(8), oc * c * 9);
        var u = new float[16 * oc * c];
        var flipped = new float[u.Length];
        Winograd.TransformWeights(w, oc, c, false, u);
        Winograd.TransformWeights(w, c, oc, true, flipped);   // the input gradient's: (C, OC) read from w (OC, C)
        for (int xi = 0; xi < 16; xi++)
            for (int i = 0; i < c; i++)
                for (int j = 0; j < oc; j++)
                {
                    float a = flipped[(xi * c + i) * oc + j], b = u[(Winograd.FlippedPosition(xi) * oc + j) * c + i];
                    Assert.True(Math.Abs(a - b) <= 1e-6f * Math.Max(1f, Math.Abs(a)), $"position {xi}, ({i}, {j}): {a} against {b}");
                }
    }

    public static IEnumerable<object[]> WeightGradConfigs()
    {
        foreach (var c in Configs()) yield return c;
        // 256 input channels: 128 tiles a block, so 3 samples of 32² (768 tiles) take six blocks, each accumulating into
        // the sums of those before it.
        yield return new object[] { new NaiveConv.Config(2, 3, 256, 4, 1, new[] { 32, 32 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 },
                                                         new[] { 1, 1 }, new[] { 1, 1 }, new int[2], false, false) };
    }

    [Theory]
    [MemberData(nameof(WeightGradConfigs))]
    public void Weight_gradient_matches_the_definition(NaiveConv.Config cfg)
    {
        var geo = cfg.Geometry();
        var (r, x, _) = Operands(cfg, 2);
        var o = cfg.Out();
        var gy = NaiveConv.RandomData(r, cfg.N * cfg.OC * o[0] * o[1]);
        var expected = NaiveConv.Run(cfg, x, new float[cfg.OC * cfg.C * 9], null, gy).Gw;
        var gw = new float[expected.Length + 2];
        gw[0] = gw[^1] = float.NaN;   // the kernel writes exactly [1, length]
        Winograd.WeightGrad(geo, View<float>.Of(x), View<float>.Of(gy), View<float>.Contiguous(gw, 1, expected.Length));
        Assert.True(float.IsNaN(gw[0]) && float.IsNaN(gw[^1]), "wrote outside the weight gradient");
        // Each tap sums N·OH·OW products of magnitude ≤ 1: scale the bound by the square root of that.
        double scale = Math.Sqrt((double)cfg.N * o[0] * o[1]), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(gw[i + 1] - expected[i]) / scale);
        Assert.True(worst <= 2e-6, $"{cfg}: worst scaled error {worst:E2}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Convolutions_and_transposed_ones_through_Winograd_on_all_three_passes_match_the_definition(bool transposed)
    {
        // 64 channels at 16² (256 positions): every pass plans Winograd on every SGEMM path. A transposed convolution's
        // forward is the input-gradient pass and its weight gradient the weight-gradient pass with x and dy exchanged.
        var cfg = new NaiveConv.Config(2, 2, 64, 64, 1, new[] { 16, 16 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 },
                                       new[] { 1, 1 }, new int[2], transposed, true);
        var geo = new ConvGeometry(2, 64, 64, 1, new[] { 16, 16 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 16, 16 });
        foreach (var pass in new[] { ConvPass.Forward, ConvPass.InputGrad, ConvPass.WeightGrad })
            Assert.Equal(ConvAlgorithm.Winograd, ConvPlanner.Plan(geo, pass).Algorithm);
        // Each value sums 576 products of magnitude ≤ 1: the bound the tests above scale by √576, 2e-6 × 24.
        ConvReferenceTests.Check(cfg, default, 5e-5);
    }

    [Fact]
    public void Weight_gradient_bits_do_not_depend_on_the_thread_count()
    {
        var cfg = (NaiveConv.Config)WeightGradConfigs().Last()[0];
        var geo = cfg.Geometry();
        var (r, x, _) = Operands(cfg, 3);
        var o = cfg.Out();
        var gy = NaiveConv.RandomData(r, cfg.N * cfg.OC * o[0] * o[1]);
        float[] Run(int threads) => Threads.With(threads, () =>
        {
            var gw = new float[cfg.OC * cfg.C * 9];
            Winograd.WeightGrad(geo, View<float>.Of(x), View<float>.Of(gy), View<float>.Of(gw));
            return gw;
        });
        var one = Run(1);
        foreach (int t in new[] { 2, 3 }) Assert.True(one.AsSpan().SequenceEqual(Run(t)), $"{t} threads changed the bits");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void Weight_transform_by_vectors_and_threads_has_the_one_filter_paths_bits(bool flipTranspose)
    {
        // 130·129 filters: above the parallel bound (2^14), and a tail that is not a whole vector.
        const int oc = 130, c = 129;
        var w = NaiveConv.RandomData(new Random(5), oc * c * 9);
        var u = new float[16 * oc * c];
        var expected = new float[u.Length];
        Winograd.TransformWeights(w, oc, c, flipTranspose, u);
        fixed (float* pw = w, pe = expected)
            for (int f = 0; f < oc * c; f++) Winograd.TransformWeightScalar(pw, oc, c, flipTranspose, pe, f);
        Assert.True(expected.AsSpan().SequenceEqual(u));
    }

    [Fact]
    public void The_planner_takes_it_from_64_channels_before_the_direct_forward_on_7x7_with_kept_weights_and_for_weight_gradients()
    {
        static ConvGeometry G(int n, int c, int oc, int hw) =>
            new(n, c, oc, 1, new[] { hw, hw }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { hw, hw });
        static ConvAlgorithm A(in ConvGeometry g, ConvPass p) => ConvPlanner.Plan(g, p).Algorithm;
        foreach (var (c, hw) in new[] { (128, 28), (256, 14), (512, 28), (128, 112) })   // ResNet-18, VGG-16
        {
            var g = G(8, c, c, hw);
            Assert.Equal(ConvAlgorithm.Winograd, A(g, ConvPass.Forward));
            Assert.Equal(ConvAlgorithm.Winograd, A(g, ConvPass.InputGrad));
            Assert.Equal(ConvAlgorithm.Winograd, A(g, ConvPass.WeightGrad));
        }
        Assert.Equal(ConvAlgorithm.Winograd, A(G(8, 64, 64, 56), ConvPass.Forward));
        Assert.Equal(ConvAlgorithm.Winograd, A(G(8, 64, 64, 56), ConvPass.InputGrad));
        Assert.Equal(ConvAlgorithm.Winograd, A(G(8, 64, 64, 56), ConvPass.WeightGrad));
        Assert.Equal(ConvAlgorithm.Winograd, A(G(8, 512, 512, 7), ConvPass.WeightGrad));   // no weight transform to pay for
        Assert.NotEqual(ConvAlgorithm.Winograd, A(G(8, 512, 512, 6), ConvPass.WeightGrad));
        // Small planes with fewer channels: only where SGEMM is narrower than 512 bits.
        Assert.Equal(Gemm.BestPath != GemmPath.Avx512, A(G(100, 64, 128, 10), ConvPass.WeightGrad) == ConvAlgorithm.Winograd);
        Assert.NotEqual(ConvAlgorithm.Winograd, A(G(8, 32, 64, 16), ConvPass.WeightGrad));
        Assert.NotEqual(ConvAlgorithm.Winograd, A(G(8, 32, 64, 16), ConvPass.Forward));   // under 64 channels
        // 7×7 planes: only where the SGEMM is narrower than 512 bits, or where the weight transform is kept (inference).
        Assert.Equal(Gemm.BestPath != GemmPath.Avx512, A(G(8, 512, 512, 7), ConvPass.Forward) == ConvAlgorithm.Winograd);
        Assert.Equal(ConvAlgorithm.Winograd,
                     ConvPlanner.Plan(G(8, 512, 512, 7), ConvPass.Forward, new ConvPlanOptions(KeptWinogradWeights: true)).Algorithm);
        Assert.NotEqual(ConvAlgorithm.Winograd, ConvPlanner.Plan(G(8, 512, 512, 7), ConvPass.Forward, new ConvPlanOptions(NoWinograd: true)).Algorithm);
    }

    [Fact]
    public void Only_3x3_stride_1_undilated_ungrouped_2d_convolutions_apply()
    {
        static ConvGeometry G(int[] k, int[] s, int[] d, int groups) =>
            new(1, 4, 4, groups, new[] { 8, 8 }, k, s, new[] { 1, 1 }, d, new[] { (8 + 2 - d[0] * (k[0] - 1) - 1) / s[0] + 1, (8 + 2 - d[1] * (k[1] - 1) - 1) / s[1] + 1 });
        Assert.True(Winograd.Applies(G(new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, 1)));
        Assert.False(Winograd.Applies(G(new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1 }, 1)));
        Assert.False(Winograd.Applies(G(new[] { 3, 3 }, new[] { 1, 1 }, new[] { 2, 2 }, 1)));
        Assert.False(Winograd.Applies(G(new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, 2)));
        Assert.False(Winograd.Applies(G(new[] { 5, 5 }, new[] { 1, 1 }, new[] { 1, 1 }, 1)));
        Assert.False(Winograd.Applies(new ConvGeometry(1, 4, 4, 1, new[] { 8, 8, 8 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 8, 8, 8 })));
    }
}
