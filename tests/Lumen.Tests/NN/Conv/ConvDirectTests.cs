using System.Runtime.Intrinsics;
using Lumen.Kernels;
using Xunit;
using static Lumen.Tests.NN.Conv.NaiveConv;

namespace Lumen.Tests.NN.Conv;

/// <summary>The direct convolution kernels (thin stride-1 layers such as a 3-d CNN's first one, and the forward's wide
/// rule) against the definition at every vector width — 128, 256 and 512 bits, each forced with
/// <see cref="ConvPlanOptions.MaxWidth"/>; a width this CPU does not accelerate is reported as skipped — on shapes that
/// take the direct path: output rows of 8 and of 11 (an overlapping last chunk), output channels in blocks of eight,
/// four and a remainder, 1-d/2-d/3-d, several samples; and the planner's rules choosing them.</summary>
[Collection(Lumen.Tests.Kernels.KernelAllocationsCollection.Name)]
public class ConvDirectTests
{
    /// <summary>Whether this machine runs the direct kernels at all (some vector width is accelerated).</summary>
    internal static readonly bool Direct = ConvPlanner.Width(Square(2, 1, 1, 1, 32, 3, 1, 1)) != VectorWidth.None;

    /// <summary>Whether the direct forward runs here: wherever <see cref="Direct"/> does, and at 128 bits also without a
    /// fused multiply-add (an x86 without AVX2), where the gradients stay on im2col + SGEMM.</summary>
    internal static readonly bool DirectForward = ConvPlanner.Width(Square(2, 1, 1, 1, 32, 3, 1, 1), forward: true) != VectorWidth.None;

    private static readonly VectorWidth[] Widths = { VectorWidth.V128, VectorWidth.V256, VectorWidth.V512 };

    private static bool Accelerated(VectorWidth w) => w switch
    {
        VectorWidth.V128 => ConvPlanner.Fma128,
        VectorWidth.V256 => Vector256.IsHardwareAccelerated,
        _ => Vector512.IsHardwareAccelerated,
    };

    /// <summary>Reports the test as skipped where the CPU cannot run <paramref name="w"/>-bit kernels.</summary>
    internal static void SkipUnlessAccelerated(VectorWidth w) =>
        Skip.IfNot(Accelerated(w), $"{(int)w}-bit vectors are not accelerated{(w == VectorWidth.V128 ? " with a hardware FMA" : "")} on this CPU " +
                                   $"({System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}): that width's kernels cannot run here");

    /// <summary>The direct kernels forced on (any K) with vectors of at most <paramref name="w"/> bits.</summary>
    private static ConvPlanOptions At(VectorWidth w) => new(Direct: DirectMode.Force, MaxWidth: w);

    private static readonly ConvPlanOptions Gemm = new(Direct: DirectMode.Off);

    public static IEnumerable<object[]> Configs()
    {
        static NaiveConv.Config C(int dims, int n, int c, int oc, int[] inSize, int[] k, int[] p) =>
            new(dims, n, c, oc, 1, inSize, k, Enumerable.Repeat(1, dims).ToArray(), p, p, Enumerable.Repeat(1, dims).ToArray(),
                new int[dims], false, false);
        yield return new object[] { C(3, 3, 1, 8, new[] { 6, 7, 11 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }) };
        yield return new object[] { C(3, 2, 2, 6, new[] { 5, 4, 8 }, new[] { 3, 2, 3 }, new[] { 1, 0, 1 }) };
        yield return new object[] { C(2, 9, 3, 5, new[] { 9, 21 }, new[] { 3, 5 }, new[] { 1, 2 }) };
        yield return new object[] { C(1, 4, 4, 7, new[] { 30 }, new[] { 5 }, new[] { 0 }) };
    }

    public static IEnumerable<object[]> WideConfigs()
    {
        static NaiveConv.Config C(int dims, int n, int c, int oc, int[] inSize, int[] k, int[] p, bool bias) =>
            new(dims, n, c, oc, 1, inSize, k, Enumerable.Repeat(1, dims).ToArray(), p, p, Enumerable.Repeat(1, dims).ToArray(),
                new int[dims], false, bias);
        // Output rows of 16 and of 21 (overlapping last chunk), an odd number of rows (a single-row block after the
        // pairs), output channels 8 + 4 + 1, Tiny3D's two layers.
        yield return new object[] { C(3, 2, 1, 8, new[] { 6, 5, 16 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, true) };
        yield return new object[] { C(3, 2, 3, 13, new[] { 4, 7, 21 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, false) };
        yield return new object[] { C(3, 2, 8, 16, new[] { 16, 16, 16 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, true) };
        yield return new object[] { C(2, 3, 3, 12, new[] { 9, 40 }, new[] { 3, 5 }, new[] { 1, 2 }, true) };
        yield return new object[] { C(1, 4, 4, 7, new[] { 37 }, new[] { 5 }, new[] { 0 }, true) };
    }

    /// <summary>Every thin and wide configuration at every width; 512 bits only on rows of at least 16 (narrower rows
    /// take the 256-bit kernel).</summary>
    public static IEnumerable<object[]> AllConfigsAllWidths() =>
        Configs().Concat(WideConfigs()).SelectMany(c => Widths
            .Where(w => w != VectorWidth.V512 || ((NaiveConv.Config)c[0]).Geometry().OW >= 16)
            .Select(w => new[] { c[0], (object)(int)w }));

    [SkippableTheory]
    [MemberData(nameof(AllConfigsAllWidths))]
    public void Direct_forward_input_weight_and_bias_gradients_match_the_definition(NaiveConv.Config cfg, int bits)
    {
        var width = (VectorWidth)bits;
        SkipUnlessAccelerated(width);
        var r = new Random(cfg.N * 57 + cfg.C * 5 + cfg.OC + (int)width);
        var o = cfg.Out();
        var geo = cfg.Geometry();
        var at = new ConvPlanOptions(MaxWidth: width);
        Assert.Equal(new ConvPlan(ConvAlgorithm.Direct, width), ConvPlanner.Plan(geo, ConvPass.Forward, at));
        Assert.Equal(new ConvPlan(ConvAlgorithm.Direct, width), ConvPlanner.Plan(geo, ConvPass.WeightGrad, at));
        Assert.True(ConvPlanner.Plan(geo, ConvPass.InputGrad, at).IsDirect, $"{cfg}: the input gradient should take the direct path");
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        var b = NaiveConv.RandomData(r, cfg.OC);
        int yLen = cfg.N * cfg.OC * o.Aggregate(1, (a, b) => a * b);
        var gy = NaiveConv.RandomData(r, yLen);
        var expected = NaiveConv.Run(cfg, x, w, b, gy);

        var y = new float[yLen];
        ConvKernels.Forward(geo, V(x), V(w), V(b), V(y), at);
        for (int i = 0; i < yLen; i++)
            Assert.True(Math.Abs(y[i] - expected.Y[i]) <= 1e-4 * (1 + Math.Abs(expected.Y[i])), $"{cfg} {width}: y[{i}] = {y[i]}, expected {expected.Y[i]}");

        var gx = new float[x.Length];
        var gw = new float[w.Length];
        var gb = new float[cfg.OC + 3];
        var gwAlone = new float[w.Length];
        var gbAlone = new float[cfg.OC];
        var gxOnly = new float[x.Length];
        var gbWithGxOnly = new float[cfg.OC];
        ConvKernels.Backward(geo, V(x), V(w), V(gy), V(gx), V(gw), V(gb, 3), at);
        ConvKernels.Backward(geo, V(x), V(w), V(gy), default, V(gwAlone), V(gbAlone), at);
        ConvKernels.Backward(geo, default, V(w), V(gy), V(gxOnly), default, V(gbWithGxOnly), at);
        Assert.Equal(gx, gxOnly);
        for (int i = 0; i < cfg.OC; i++)
        {
            // The direct weight gradient sums the bias gradient itself; without dw it comes from BiasGrad.
            Assert.True(Math.Abs(gb[3 + i] - expected.Gb[i]) <= 1e-4 * (1 + Math.Abs(expected.Gb[i])), $"{cfg} {width}: gb[{i}] = {gb[3 + i]}, expected {expected.Gb[i]}");
            Assert.Equal(gb[3 + i], gbAlone[i]);
            Assert.True(Math.Abs(gbWithGxOnly[i] - expected.Gb[i]) <= 1e-4 * (1 + Math.Abs(expected.Gb[i])), $"{cfg} {width}: gb[{i}] = {gbWithGxOnly[i]} (no dw), expected {expected.Gb[i]}");
        }
        for (int i = 0; i < gx.Length; i++)
            Assert.True(Math.Abs(gx[i] - expected.Gx[i]) <= 1e-4 * (1 + Math.Abs(expected.Gx[i])), $"{cfg} {width}: gx[{i}] = {gx[i]}, expected {expected.Gx[i]}");
        for (int i = 0; i < gw.Length; i++)
            Assert.True(Math.Abs(gw[i] - expected.Gw[i]) <= 1e-4 * (1 + Math.Abs(expected.Gw[i])), $"{cfg} {width}: gw[{i}] = {gw[i]}, expected {expected.Gw[i]}");
        Assert.Equal(gw, gwAlone);   // the same direct weight gradient whether or not dx is wanted
    }

    /// <summary>The 256- and 512-bit rows of <see cref="AllConfigsAllWidths"/>, each compared with 128 bits.</summary>
    public static IEnumerable<object[]> WiderWidths() => AllConfigsAllWidths().Where(c => (int)c[1] != 128);

    [SkippableTheory]
    [MemberData(nameof(WiderWidths))]
    public void Forward_and_input_gradient_give_the_same_bits_at_every_vector_width(NaiveConv.Config cfg, int bits)
    {
        var width = (VectorWidth)bits;
        SkipUnlessAccelerated(width);
        var r = new Random(cfg.N * 131 + cfg.C * 17 + cfg.OC);
        var geo = cfg.Geometry();
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        var b = cfg.Bias ? NaiveConv.RandomData(r, cfg.OC) : null;
        int yLen = cfg.N * cfg.OC * cfg.Out().Aggregate(1, (a, b) => a * b);
        var gy = NaiveConv.RandomData(r, yLen);
        (float[] Y, float[] Gx) Run(VectorWidth at)
        {
            var o = new ConvPlanOptions(MaxWidth: at);
            Assert.Equal(new ConvPlan(ConvAlgorithm.Direct, at), ConvPlanner.Plan(geo, ConvPass.Forward, o));
            var y = new float[yLen];
            var gx = new float[x.Length];
            ConvKernels.Forward(geo, V(x), V(w), V(b), V(y), o);
            ConvKernels.Backward(geo, default, V(w), V(gy), V(gx), default, options: o);
            return (y, gx);
        }
        var (wideY, wideGx) = Run(width);
        var (narrowY, narrowGx) = Run(VectorWidth.V128);
        for (int i = 0; i < yLen; i++)
            Assert.True(BitConverter.SingleToInt32Bits(wideY[i]) == BitConverter.SingleToInt32Bits(narrowY[i]),
                $"{cfg}: y[{i}] = {wideY[i]:R} ({(int)width} bits) vs {narrowY[i]:R} (128 bits)");
        for (int i = 0; i < x.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(wideGx[i]) == BitConverter.SingleToInt32Bits(narrowGx[i]),
                $"{cfg}: gx[{i}] = {wideGx[i]:R} ({(int)width} bits) vs {narrowGx[i]:R} (128 bits)");
    }

    [Fact]
    public void Direct_forward_and_backward_allocate_nothing_on_the_calling_thread_after_warm_up()
    {
        var r = new Random(4);
        var geo = new ConvGeometry(4, 8, 16, 1, new[] { 8, 8, 16 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 },
                                   new[] { 1, 1, 1 }, new[] { 8, 8, 16 });
        Assert.Equal(Direct, Wg(geo) && Dx(geo));
        var x = NaiveConv.RandomData(r, 4 * 8 * 1024); var w = NaiveConv.RandomData(r, 16 * 8 * 27); var b = NaiveConv.RandomData(r, 16);
        var y = new float[4 * 16 * 1024]; var gy = NaiveConv.RandomData(r, y.Length);
        var gx = new float[x.Length]; var gw = new float[w.Length]; var gb = new float[16];
        var (vx, vw, vb, vy, vgy, vgx, vgw, vgb) = (V(x), V(w), V(b), V(y), V(gy), V(gx), V(gw), V(gb));
        void Step()
        {
            ConvKernels.Forward(geo, vx, vw, vb, vy);
            ConvKernels.Backward(geo, vx, vw, vgy, vgx, vgw, vgb);
        }
        for (int i = 0; i < 3; i++) Step();   // fills the buffer pool and this thread's job object
        // Padded copies, partial sums and the flipped weights come from ConvBufferPool; the operands live in a reused
        // job object rather than a capturing lambda. (Without the direct kernels, im2col + SGEMM's per-call closures,
        // well under a kilobyte, are what remains.)
        long perStep = Allocations.SteadyPerCall(Step);
        if (Direct) Assert.Equal(0, perStep);
        else Assert.True(perStep < 4096, $"{perStep} bytes per step through im2col + SGEMM");
    }

    /// <summary>(batch, C, OC, square input, square kernel, stride, padding; dims 1 to 3) as a geometry.</summary>
    internal static ConvGeometry Square(int dims, int n, int c, int oc, int hw, int k, int s, int p)
    {
        int o = (hw + 2 * p - k) / s + 1;
        int[] D(int v) => Enumerable.Repeat(v, dims).ToArray();
        return new ConvGeometry(n, c, oc, 1, D(hw), D(k), D(s), D(p), D(1), D(o));
    }

    private static bool Fwd(in ConvGeometry g, in ConvPlanOptions o = default) => ConvPlanner.Plan(g, ConvPass.Forward, o).IsDirect;
    private static bool Dx(in ConvGeometry g) => ConvPlanner.Plan(g, ConvPass.InputGrad).IsDirect;
    private static bool Wg(in ConvGeometry g) => ConvPlanner.Plan(g, ConvPass.WeightGrad).IsDirect;

    [Fact]
    public void Forward_takes_the_direct_path_for_thin_layers_and_for_wide_2d_layers_with_small_weights()
    {
        bool v512 = Vector512.IsHardwareAccelerated;
        // K ≤ 256 (any vector width): thin layers, as before.
        Assert.Equal(DirectForward, Fwd(Square(2, 4, 3, 64, 224, 3, 1, 1)));     // VGG-16 conv1, K = 27
        Assert.Equal(DirectForward, Fwd(Square(3, 8, 8, 16, 16, 3, 1, 1)));      // Tiny3D conv2, K = 216
        Assert.Equal(DirectForward, Fwd(Square(2, 8, 16, 32, 14, 3, 1, 1)));     // K = 144, 14 wide
        // K > 256: only with the Vector512 kernel, and OC·K ≤ 128·1152.
        // (Where Winograd applies, from 64 channels in and out, it goes first: the rule is checked with it off.)
        var nw = new ConvPlanOptions(NoWinograd: true);
        Assert.Equal(v512, Fwd(Square(2, 8, 64, 64, 56, 3, 1, 1), nw));     // ResNet-18 layer1
        Assert.Equal(v512, Fwd(Square(2, 4, 64, 64, 224, 3, 1, 1), nw));    // VGG-16 conv2
        Assert.Equal(v512, Fwd(Square(2, 4, 128, 128, 112, 3, 1, 1), nw));  // VGG-16 conv4
        Assert.False(Fwd(Square(2, 8, 64, 64, 56, 3, 1, 1)));               // ResNet-18 layer1: Winograd
        Assert.False(Fwd(Square(2, 8, 128, 128, 28, 3, 1, 1)));             // ResNet-18 layer2: Winograd
        Assert.Equal(v512, Fwd(Square(2, 64, 32, 64, 16, 3, 1, 1)));    // SimpleCNN layer2, 16 wide
        Assert.Equal(v512, Fwd(Square(2, 8, 256, 64, 56, 3, 1, 1), nw));    // K = 2304, OC·K = 128·1152
        Assert.Equal(v512, Fwd(Square(3, 8, 16, 32, 16, 3, 1, 1)));     // 3-d, K = 432
        Assert.False(Fwd(Square(2, 4, 128, 256, 56, 3, 1, 1)));         // VGG-16 conv5: OC·K = 256·1152
        Assert.False(Fwd(Square(2, 4, 256, 256, 56, 3, 1, 1)));         // VGG-16 conv6
        Assert.False(Fwd(Square(2, 4, 512, 512, 28, 3, 1, 1)));         // VGG-16 conv9
        Assert.False(Fwd(Square(2, 8, 256, 256, 14, 3, 1, 1)));         // ResNet-18 layer3: 14 wide
        Assert.False(Fwd(Square(2, 8, 64, 64, 14, 3, 1, 1)));           // rows under 16
        Assert.False(Fwd(Square(2, 100, 32, 64, 12, 3, 1, 0)));         // MnistCNN layer3: 10 wide
        Assert.False(Fwd(Square(2, 8, 64, 64, 20, 3, 1, 1)));           // 20 wide: 20 of 32 lanes new
        Assert.False(Fwd(Square(1, 8, 128, 128, 512, 5, 1, 2)));        // 1-d
        Assert.False(Fwd(Square(2, 8, 512, 128, 28, 1, 1, 0)));         // pointwise, K = 512
        Assert.False(Fwd(Square(2, 8, 64, 128, 56, 3, 2, 1)));          // stride 2
        Assert.False(Fwd(Square(2, 2, 288, 8, 32, 3, 1, 1)));           // K = 2592 > 2304
        // The weight and input gradients keep their own limits (K ≤ 256, OC·KK ≤ 512).
        Assert.False(Wg(Square(2, 8, 64, 64, 56, 3, 1, 1)));
        Assert.False(Dx(Square(2, 8, 64, 64, 56, 3, 1, 1)));
        // Capping the vectors at 256 bits turns the wide rule off.
        Assert.False(Fwd(Square(2, 8, 64, 64, 56, 3, 1, 1), new ConvPlanOptions(MaxWidth: VectorWidth.V256)));
    }

    public static IEnumerable<object[]> WideKConfigs()
    {
        static NaiveConv.Config C(int dims, int n, int c, int oc, int[] inSize, int[] k, int[] p, bool bias) =>
            new(dims, n, c, oc, 1, inSize, k, Enumerable.Repeat(1, dims).ToArray(), p, p, Enumerable.Repeat(1, dims).ToArray(),
                new int[dims], false, bias);
        // K = 576 (8 + 4 + 1 output channels, 28 wide: an overlapping last chunk, an odd number of rows), K = 1152
        // (16 wide), K = 800 (5×5), 3-d K = 432.
        yield return new object[] { C(2, 2, 64, 13, new[] { 9, 28 }, new[] { 3, 3 }, new[] { 1, 1 }, true) };
        yield return new object[] { C(2, 3, 128, 16, new[] { 6, 16 }, new[] { 3, 3 }, new[] { 1, 1 }, false) };
        yield return new object[] { C(2, 2, 32, 9, new[] { 7, 24 }, new[] { 5, 5 }, new[] { 2, 2 }, true) };
        yield return new object[] { C(3, 2, 16, 8, new[] { 4, 5, 16 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, true) };
    }

    public static IEnumerable<object[]> WideKConfigsAllWidths() =>
        WideKConfigs().SelectMany(c => Widths.Select(w => new[] { c[0], (object)(int)w }));

    [SkippableTheory]
    [MemberData(nameof(WideKConfigsAllWidths))]
    public void Wide_forward_matches_SGEMM_and_the_definition_and_gives_the_same_bits_at_every_width(NaiveConv.Config cfg, int bits)
    {
        var width = (VectorWidth)bits;
        SkipUnlessAccelerated(width);
        var r = new Random(cfg.N * 71 + cfg.C * 3 + cfg.OC);
        var o = cfg.Out();
        var geo = cfg.Geometry();
        Assert.True(geo.K > ConvPlanner.MaxK);
        // By the rules, only the 512-bit kernel takes K above MaxK.
        Assert.Equal(Vector512.IsHardwareAccelerated, ConvPlanner.Plan(geo, ConvPass.Forward).IsDirect);
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        var b = cfg.Bias ? NaiveConv.RandomData(r, cfg.OC) : null;
        int yLen = cfg.N * cfg.OC * o.Aggregate(1, (a, b) => a * b);

        float[] Forward(in ConvPlanOptions opt)
        {
            var y = new float[yLen];
            ConvKernels.Forward(geo, V(x), V(w), V(b), V(y), opt);
            return y;
        }
        Assert.Equal(new ConvPlan(ConvAlgorithm.Direct, width), ConvPlanner.Plan(geo, ConvPass.Forward, At(width)));
        var direct = Forward(At(width));
        var gemm = Forward(Gemm);
        var narrow = Forward(At(VectorWidth.V128));
        var expected = NaiveConv.Run(cfg, x, w, b, new float[yLen]);
        // Sums of K products of values in [-1, 1]: the two summation orders differ by rounding only.
        double tol = 1e-5 * Math.Sqrt(geo.K);
        for (int i = 0; i < yLen; i++)
        {
            Assert.True(Math.Abs(direct[i] - gemm[i]) <= tol * (1 + Math.Abs(gemm[i])), $"{cfg} {width}: y[{i}] = {direct[i]} (direct), {gemm[i]} (GEMM)");
            Assert.True(Math.Abs(direct[i] - expected.Y[i]) <= tol * (1 + Math.Abs(expected.Y[i])), $"{cfg} {width}: y[{i}] = {direct[i]}, expected {expected.Y[i]}");
            Assert.True(BitConverter.SingleToInt32Bits(direct[i]) == BitConverter.SingleToInt32Bits(narrow[i]),
                $"{cfg}: y[{i}] = {direct[i]:R} ({(int)width} bits) vs {narrow[i]:R} (128 bits)");
        }
    }

    [Fact]
    public void Input_gradient_takes_the_direct_path_only_for_thin_stride_1_layers()
    {
        static ConvGeometry G(int c, int oc, int hw, int k, int s, int p, int groups = 1)
        {
            int o = (hw + 2 * p - k) / s + 1;
            return new ConvGeometry(2, c, oc, groups, new[] { hw, hw }, new[] { k, k }, new[] { s, s }, new[] { p, p }, new[] { 1, 1 }, new[] { o, o });
        }
        Assert.Equal(Direct, Dx(G(8, 16, 16, 3, 1, 1)));    // OC·KK = 144
        Assert.Equal(Direct, Dx(G(64, 56, 16, 3, 1, 1)));   // 504 ≤ 512
        Assert.False(Dx(G(64, 64, 56, 3, 1, 1)));      // ResNet-18 layer1: 576 > 512
        Assert.False(Dx(G(8, 16, 16, 3, 2, 1)));       // stride 2
        Assert.False(Dx(G(8, 16, 16, 3, 1, 1, 2)));    // groups
        Assert.Equal(Direct && !Vector256.IsHardwareAccelerated, Dx(G(8, 16, 6, 3, 1, 1)));   // input rows of 6: only where 128-bit vectors are the widest (rows of 4)
        Assert.False(Dx(G(8, 16, 16, 3, 1, 3)));       // padding not below the kernel size
    }

    [Fact]
    public void Pointwise_layers_take_the_direct_kernels_only_when_thin()
    {
        static ConvGeometry Pw(int c, int oc, int hw) =>
            new(8, c, oc, 1, new[] { hw, hw }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 }, new[] { hw, hw });
                // Forward: direct up to 4 input channels (3 → 16 measured 1.1× faster), SGEMM from 8 (8 → 32: 2× faster there).
        Assert.Equal(DirectForward, Fwd(Pw(3, 16, 64)));
        Assert.False(Fwd(Pw(8, 32, 56)));
        Assert.False(Fwd(Pw(64, 256, 56)));
        Assert.False(Fwd(Pw(256, 64, 56)));
        // Input and weight gradients: direct up to 8 input channels (8 → 32: 1.9× faster), SGEMM from 16.
        Assert.Equal(Direct, Dx(Pw(8, 32, 56)) && Wg(Pw(8, 32, 56)));
        Assert.False(Dx(Pw(16, 64, 56)));
        Assert.False(Wg(Pw(16, 64, 56)));
        Assert.False(Wg(Pw(64, 256, 56)));
        // A 3×3 layer with the same channels is not affected.
        Assert.Equal(Direct, Wg(new ConvGeometry(8, 16, 64, 1, new[] { 56, 56 }, new[] { 3, 3 },
            new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 56, 56 })));
    }
}

/// <summary>The direct kernels' results do not depend on the thread count: each sample's forward and input gradient is
/// its own work item, the weight gradient is summed per fixed sample range (at most 8) in range order.</summary>
[Collection("GlobalRng")]
public class ConvDirectDeterminismTests
{
    private static bool Direct => ConvDirectTests.Direct;

    [Fact]
    public void Direct_forward_input_and_weight_gradients_are_bit_identical_for_1_2_and_3_threads()
    {
        var r = new Random(11);
        float[] Rand(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1); return a; }
        var geo = new ConvGeometry(5, 3, 12, 1, new[] { 6, 9, 19 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 },
                                   new[] { 1, 1, 1 }, new[] { 6, 9, 19 });
        Assert.Equal(Direct, ConvPlanner.Plan(geo, ConvPass.WeightGrad).IsDirect && ConvPlanner.Plan(geo, ConvPass.InputGrad).IsDirect);
        var x = Rand(5 * 3 * 6 * 9 * 19);
        var w = Rand(12 * 3 * 27);
        var b = Rand(12);
        var gy = Rand(5 * 12 * 6 * 9 * 19);
        float[] Run(int threads) => Threads.With(threads, () =>
        {
            var y = new float[gy.Length];
            var gx = new float[x.Length];
            var gw = new float[w.Length];
            ConvKernels.Forward(geo, V(x), V(w), V(b), V(y));
            var gb = new float[12];
            ConvKernels.Backward(geo, V(x), V(w), V(gy), V(gx), V(gw), V(gb));
            return y.Concat(gx).Concat(gw).Concat(gb).ToArray();
        });
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }
}
