using Lumen.Kernels;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>The direct convolution kernels (thin stride-1 layers such as a 3-d CNN's first one) against the definition:
/// forward with bias and the weight gradient, on shapes that take the direct path — output rows of 8 and of 11 (an
/// overlapping last chunk), output channels in blocks of four and a remainder, 1-d/2-d/3-d, several samples. Where
/// 256-bit vectors are not accelerated (ARM64, or <c>DOTNET_EnableAVX2=0</c>) no geometry takes the direct kernels and
/// the same checks run through im2col + SGEMM.</summary>
public class ConvDirectTests
{
    /// <summary>Whether this machine runs the direct kernels at all.</summary>
    internal static readonly bool Direct = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;

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

    [Theory]
    [MemberData(nameof(Configs))]
    public void Direct_forward_and_weight_gradient_match_the_definition(NaiveConv.Config cfg)
    {
        var r = new Random(cfg.N * 31 + cfg.C * 7 + cfg.OC);
        var o = cfg.Out();
        var geo = cfg.Geometry();
        Assert.True(ConvDirect.Applies(geo) == Direct, $"{cfg} should take the direct path exactly where 256-bit vectors are accelerated");
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        var b = NaiveConv.RandomData(r, cfg.OC);
        int yLen = cfg.N * cfg.OC * o.Aggregate(1, (a, b) => a * b);
        var gy = NaiveConv.RandomData(r, yLen);
        var expected = NaiveConv.Run(cfg, x, w, b, gy);

        var y = new float[yLen];
        ConvKernels.Forward(geo, x, 0, w, 0, b, 0, y, 0);
        for (int i = 0; i < yLen; i++)
            Assert.True(Math.Abs(y[i] - expected.Y[i]) <= 1e-4 * (1 + Math.Abs(expected.Y[i])), $"{cfg}: y[{i}] = {y[i]}, expected {expected.Y[i]}");

        var gw = new float[w.Length];
        ConvKernels.Backward(geo, x, 0, w, 0, gy, 0, null, 0, gw, 0);
        for (int i = 0; i < gw.Length; i++)
            Assert.True(Math.Abs(gw[i] - expected.Gw[i]) <= 1e-4 * (1 + Math.Abs(expected.Gw[i])), $"{cfg}: gw[{i}] = {gw[i]}, expected {expected.Gw[i]}");
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

    [Theory]
    [MemberData(nameof(WideConfigs))]
    public void Vector512_forward_gives_the_same_bits_as_the_Vector256_forward(NaiveConv.Config cfg)
    {
        var r = new Random(cfg.N * 131 + cfg.C * 17 + cfg.OC);
        var o = cfg.Out();
        var geo = cfg.Geometry();
        Assert.True(ConvDirect.Applies(geo) == Direct, $"{cfg} should take the direct path exactly where 256-bit vectors are accelerated");
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        var b = cfg.Bias ? NaiveConv.RandomData(r, cfg.OC) : null;
        int yLen = cfg.N * cfg.OC * o.Aggregate(1, (a, b) => a * b);

        var wide = new float[yLen];
        ConvKernels.Forward(geo, x, 0, w, 0, b, 0, wide, 0);
        var narrow = new float[yLen];
        ConvDirect.No512 = true;
        try { ConvKernels.Forward(geo, x, 0, w, 0, b, 0, narrow, 0); }
        finally { ConvDirect.No512 = false; }

        var expected = NaiveConv.Run(cfg, x, w, b, new float[yLen]);
        for (int i = 0; i < yLen; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(wide[i]) == BitConverter.SingleToInt32Bits(narrow[i]),
                $"{cfg}: y[{i}] = {wide[i]:R} (Vector512) vs {narrow[i]:R} (Vector256)");
            Assert.True(Math.Abs(wide[i] - expected.Y[i]) <= 1e-4 * (1 + Math.Abs(expected.Y[i])), $"{cfg}: y[{i}] = {wide[i]}, expected {expected.Y[i]}");
        }
    }

    public static IEnumerable<object[]> AllConfigsBothWidths() =>
        Configs().Concat(WideConfigs()).SelectMany(c => new[] { new[] { c[0], (object)false }, new[] { c[0], (object)true } });

    [Theory]
    [MemberData(nameof(AllConfigsBothWidths))]
    public void Direct_input_weight_and_bias_gradients_match_the_definition(NaiveConv.Config cfg, bool narrow)
    {
        var r = new Random(cfg.N * 57 + cfg.C * 5 + cfg.OC + (narrow ? 1 : 0));
        var o = cfg.Out();
        var geo = cfg.Geometry();
        Assert.True(ConvDirect.InputGradApplies(geo) == Direct, $"{cfg}: the input gradient should take the direct path exactly where 256-bit vectors are accelerated");
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        int yLen = cfg.N * cfg.OC * o.Aggregate(1, (a, b) => a * b);
        var gy = NaiveConv.RandomData(r, yLen);
        var expected = NaiveConv.Run(cfg, x, w, new float[cfg.OC], gy);

        var gx = new float[x.Length];
        var gw = new float[w.Length];
        var gb = new float[cfg.OC + 3];
        var gwAlone = new float[w.Length];
        var gbAlone = new float[cfg.OC];
        var gxOnly = new float[x.Length];
        var gbWithGxOnly = new float[cfg.OC];
        ConvDirect.No512 = narrow;
        try
        {
            ConvKernels.Backward(geo, x, 0, w, 0, gy, 0, gx, 0, gw, 0, gb, 3);
            ConvKernels.Backward(geo, x, 0, w, 0, gy, 0, null, 0, gwAlone, 0, gbAlone, 0);
            ConvKernels.Backward(geo, null, 0, w, 0, gy, 0, gxOnly, 0, null, 0, gbWithGxOnly, 0);
        }
        finally { ConvDirect.No512 = false; }
        Assert.Equal(gx, gxOnly);
        for (int i = 0; i < cfg.OC; i++)
        {
            // The direct weight gradient sums the bias gradient itself; without dw it comes from BiasGrad.
            Assert.True(Math.Abs(gb[3 + i] - expected.Gb[i]) <= 1e-4 * (1 + Math.Abs(expected.Gb[i])), $"{cfg}: gb[{i}] = {gb[3 + i]}, expected {expected.Gb[i]}");
            Assert.Equal(gb[3 + i], gbAlone[i]);
            Assert.True(Math.Abs(gbWithGxOnly[i] - expected.Gb[i]) <= 1e-4 * (1 + Math.Abs(expected.Gb[i])), $"{cfg}: gb[{i}] = {gbWithGxOnly[i]} (no dw), expected {expected.Gb[i]}");
        }
        for (int i = 0; i < gx.Length; i++)
            Assert.True(Math.Abs(gx[i] - expected.Gx[i]) <= 1e-4 * (1 + Math.Abs(expected.Gx[i])), $"{cfg}: gx[{i}] = {gx[i]}, expected {expected.Gx[i]}");
        for (int i = 0; i < gw.Length; i++)
            Assert.True(Math.Abs(gw[i] - expected.Gw[i]) <= 1e-4 * (1 + Math.Abs(expected.Gw[i])), $"{cfg}: gw[{i}] = {gw[i]}, expected {expected.Gw[i]}");
        Assert.Equal(gw, gwAlone);   // the same direct weight gradient whether or not dx is wanted
    }

    [Fact]
    public void Direct_forward_and_backward_allocate_nothing_on_the_calling_thread_after_warm_up()
    {
        var r = new Random(4);
        var geo = new ConvGeometry(4, 8, 16, 1, new[] { 8, 8, 16 }, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 },
                                   new[] { 1, 1, 1 }, new[] { 8, 8, 16 });
        Assert.Equal(Direct, ConvDirect.Applies(geo) && ConvDirect.InputGradApplies(geo));
        var x = NaiveConv.RandomData(r, 4 * 8 * 1024); var w = NaiveConv.RandomData(r, 16 * 8 * 27); var b = NaiveConv.RandomData(r, 16);
        var y = new float[4 * 16 * 1024]; var gy = NaiveConv.RandomData(r, y.Length);
        var gx = new float[x.Length]; var gw = new float[w.Length]; var gb = new float[16];
        void Step()
        {
            ConvKernels.Forward(geo, x, 0, w, 0, b, 0, y, 0);
            ConvKernels.Backward(geo, x, 0, w, 0, gy, 0, gx, 0, gw, 0, gb, 0);
        }
        for (int i = 0; i < 3; i++) Step();   // fills the buffer pool and this thread's job object
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        // Padded copies, partial sums and the flipped weights come from ConvBufferPool; the operands live in a reused
        // job object rather than a capturing lambda. (Without the direct kernels, im2col + SGEMM's per-call closures,
        // well under a kilobyte, are what remains.)
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 5;
        if (Direct) Assert.Equal(0, perStep);
        else Assert.True(perStep < 4096, $"{perStep} bytes per step through im2col + SGEMM");
    }

    /// <summary>(batch, C, OC, square input, square kernel, stride, padding; dims 1 to 3) as a geometry.</summary>
    private static ConvGeometry Square(int dims, int n, int c, int oc, int hw, int k, int s, int p)
    {
        int o = (hw + 2 * p - k) / s + 1;
        int[] D(int v) => Enumerable.Repeat(v, dims).ToArray();
        return new ConvGeometry(n, c, oc, 1, D(hw), D(k), D(s), D(p), D(1), D(o));
    }

    [Fact]
    public void Forward_takes_the_direct_path_for_thin_layers_and_for_wide_2d_layers_with_small_weights()
    {
        bool v256 = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;
        bool v512 = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        // K ≤ 256 (any vector width): thin layers, as before.
        Assert.Equal(v256, ConvDirect.ForwardApplies(Square(2, 4, 3, 64, 224, 3, 1, 1)));     // VGG-16 conv1, K = 27
        Assert.Equal(v256, ConvDirect.ForwardApplies(Square(3, 8, 8, 16, 16, 3, 1, 1)));      // Tiny3D conv2, K = 216
        Assert.Equal(v256, ConvDirect.ForwardApplies(Square(2, 8, 16, 32, 14, 3, 1, 1)));     // K = 144, 14 wide
        // K > 256: only with the Vector512 kernel, and OC·K ≤ 128·1152.
        Assert.Equal(v512, ConvDirect.ForwardApplies(Square(2, 8, 64, 64, 56, 3, 1, 1)));     // ResNet-18 layer1
        Assert.Equal(v512, ConvDirect.ForwardApplies(Square(2, 8, 128, 128, 28, 3, 1, 1)));   // ResNet-18 layer2
        Assert.Equal(v512, ConvDirect.ForwardApplies(Square(2, 4, 64, 64, 224, 3, 1, 1)));    // VGG-16 conv2
        Assert.Equal(v512, ConvDirect.ForwardApplies(Square(2, 4, 128, 128, 112, 3, 1, 1)));  // VGG-16 conv4
        Assert.Equal(v512, ConvDirect.ForwardApplies(Square(2, 64, 32, 64, 16, 3, 1, 1)));    // SimpleCNN layer2, 16 wide
        Assert.Equal(v512, ConvDirect.ForwardApplies(Square(2, 8, 256, 64, 56, 3, 1, 1)));    // K = 2304, OC·K = 128·1152
        Assert.Equal(v512, ConvDirect.ForwardApplies(Square(3, 8, 16, 32, 16, 3, 1, 1)));     // 3-d, K = 432
        Assert.False(ConvDirect.ForwardApplies(Square(2, 4, 128, 256, 56, 3, 1, 1)));         // VGG-16 conv5: OC·K = 256·1152
        Assert.False(ConvDirect.ForwardApplies(Square(2, 4, 256, 256, 56, 3, 1, 1)));         // VGG-16 conv6
        Assert.False(ConvDirect.ForwardApplies(Square(2, 4, 512, 512, 28, 3, 1, 1)));         // VGG-16 conv9
        Assert.False(ConvDirect.ForwardApplies(Square(2, 8, 256, 256, 14, 3, 1, 1)));         // ResNet-18 layer3: 14 wide
        Assert.False(ConvDirect.ForwardApplies(Square(2, 8, 64, 64, 14, 3, 1, 1)));           // rows under 16
        Assert.False(ConvDirect.ForwardApplies(Square(2, 100, 32, 64, 12, 3, 1, 0)));         // MnistCNN layer3: 10 wide
        Assert.False(ConvDirect.ForwardApplies(Square(2, 8, 64, 64, 20, 3, 1, 1)));           // 20 wide: 20 of 32 lanes new
        Assert.False(ConvDirect.ForwardApplies(Square(1, 8, 128, 128, 512, 5, 1, 2)));        // 1-d
        Assert.False(ConvDirect.ForwardApplies(Square(2, 8, 512, 128, 28, 1, 1, 0)));         // pointwise, K = 512
        Assert.False(ConvDirect.ForwardApplies(Square(2, 8, 64, 128, 56, 3, 2, 1)));          // stride 2
        Assert.False(ConvDirect.ForwardApplies(Square(2, 2, 288, 8, 32, 3, 1, 1)));           // K = 2592 > 2304
        // The weight and input gradients keep their own limits (K ≤ 256, OC·KK ≤ 512).
        Assert.False(ConvDirect.Applies(Square(2, 8, 64, 64, 56, 3, 1, 1)));
        Assert.False(ConvDirect.InputGradApplies(Square(2, 8, 64, 64, 56, 3, 1, 1)));
        // Forcing the Vector256 kernel turns the wide rule off.
        ConvDirect.No512 = true;
        try { Assert.False(ConvDirect.ForwardApplies(Square(2, 8, 64, 64, 56, 3, 1, 1))); }
        finally { ConvDirect.No512 = false; }
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

    [Theory]
    [MemberData(nameof(WideKConfigs))]
    public void Direct_forward_with_K_above_256_agrees_with_im2col_gemm(NaiveConv.Config cfg)
    {
        var r = new Random(cfg.N * 71 + cfg.C * 3 + cfg.OC);
        var o = cfg.Out();
        var geo = cfg.Geometry();
        Assert.True(geo.K > ConvDirect.MaxK);
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, ConvDirect.ForwardApplies(geo));
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        var b = cfg.Bias ? NaiveConv.RandomData(r, cfg.OC) : null;
        int yLen = cfg.N * cfg.OC * o.Aggregate(1, (a, b) => a * b);

        var auto = new float[yLen];
        ConvKernels.Forward(geo, x, 0, w, 0, b, 0, auto, 0);          // the direct kernel where Vector512 is accelerated
        var gemm = new float[yLen];
        var narrow = new float[yLen];
        ConvDirect.Disable = true;
        try { ConvKernels.Forward(geo, x, 0, w, 0, b, 0, gemm, 0); }
        finally { ConvDirect.Disable = false; }
        ConvDirect.ForceForward = ConvDirect.No512 = true;             // the Vector256 kernel on the same K
        try { ConvKernels.Forward(geo, x, 0, w, 0, b, 0, narrow, 0); }
        finally { ConvDirect.ForceForward = ConvDirect.No512 = false; }

        var expected = NaiveConv.Run(cfg, x, w, b, new float[yLen]);
        // Sums of K products of values in [-1, 1]: the two summation orders differ by rounding only.
        double tol = 1e-5 * Math.Sqrt(geo.K);
        for (int i = 0; i < yLen; i++)
        {
            Assert.True(Math.Abs(auto[i] - gemm[i]) <= tol * (1 + Math.Abs(gemm[i])), $"{cfg}: y[{i}] = {auto[i]} (auto), {gemm[i]} (GEMM)");
            Assert.True(Math.Abs(auto[i] - expected.Y[i]) <= tol * (1 + Math.Abs(expected.Y[i])), $"{cfg}: y[{i}] = {auto[i]}, expected {expected.Y[i]}");
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)   // same order of sums in both direct kernels
                Assert.True(BitConverter.SingleToInt32Bits(auto[i]) == BitConverter.SingleToInt32Bits(narrow[i]),
                    $"{cfg}: y[{i}] = {auto[i]:R} (Vector512) vs {narrow[i]:R} (Vector256)");
            else
                Assert.True(Math.Abs(narrow[i] - expected.Y[i]) <= tol * (1 + Math.Abs(expected.Y[i])), $"{cfg}: y[{i}] = {narrow[i]} (Vector256), expected {expected.Y[i]}");
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
        Assert.Equal(Direct, ConvDirect.InputGradApplies(G(8, 16, 16, 3, 1, 1)));    // OC·KK = 144
        Assert.Equal(Direct, ConvDirect.InputGradApplies(G(64, 56, 16, 3, 1, 1)));   // 504 ≤ 512
        Assert.False(ConvDirect.InputGradApplies(G(64, 64, 56, 3, 1, 1)));      // ResNet-18 layer1: 576 > 512
        Assert.False(ConvDirect.InputGradApplies(G(8, 16, 16, 3, 2, 1)));       // stride 2
        Assert.False(ConvDirect.InputGradApplies(G(8, 16, 16, 3, 1, 1, 2)));    // groups
        Assert.False(ConvDirect.InputGradApplies(G(8, 16, 6, 3, 1, 1)));        // input rows shorter than 8
        Assert.False(ConvDirect.InputGradApplies(G(8, 16, 16, 3, 1, 3)));       // padding not below the kernel size
    }

    [Fact]
    public void Pointwise_layers_take_the_direct_kernels_only_when_thin()
    {
        static ConvGeometry Pw(int c, int oc, int hw) =>
            new(8, c, oc, 1, new[] { hw, hw }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 }, new[] { hw, hw });
        bool v256 = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;
        // Forward: direct up to 4 input channels (3 → 16 measured 1.1× faster), SGEMM from 8 (8 → 32: 2× faster there).
        Assert.Equal(v256, ConvDirect.ForwardApplies(Pw(3, 16, 64)));
        Assert.False(ConvDirect.ForwardApplies(Pw(8, 32, 56)));
        Assert.False(ConvDirect.ForwardApplies(Pw(64, 256, 56)));
        Assert.False(ConvDirect.ForwardApplies(Pw(256, 64, 56)));
        // Input and weight gradients: direct up to 8 input channels (8 → 32: 1.9× faster), SGEMM from 16.
        Assert.Equal(v256, ConvDirect.InputGradApplies(Pw(8, 32, 56)) && ConvDirect.WeightGradApplies(Pw(8, 32, 56)));
        Assert.False(ConvDirect.InputGradApplies(Pw(16, 64, 56)));
        Assert.False(ConvDirect.WeightGradApplies(Pw(16, 64, 56)));
        Assert.False(ConvDirect.WeightGradApplies(Pw(64, 256, 56)));
        // A 3×3 layer with the same channels is not affected.
        Assert.Equal(v256, ConvDirect.WeightGradApplies(new ConvGeometry(8, 16, 64, 1, new[] { 56, 56 }, new[] { 3, 3 },
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
        Assert.Equal(Direct, ConvDirect.Applies(geo) && ConvDirect.InputGradApplies(geo));
        var x = Rand(5 * 3 * 6 * 9 * 19);
        var w = Rand(12 * 3 * 27);
        var b = Rand(12);
        var gy = Rand(5 * 12 * 6 * 9 * 19);
        float[] Run(int threads)
        {
            int old = ParallelFor.NumThreads;
            try
            {
                Torch.SetNumThreads(threads);
                var y = new float[gy.Length];
                var gx = new float[x.Length];
                var gw = new float[w.Length];
                ConvKernels.Forward(geo, x, 0, w, 0, b, 0, y, 0);
                var gb = new float[12];
                ConvKernels.Backward(geo, x, 0, w, 0, gy, 0, gx, 0, gw, 0, gb, 0);
                return y.Concat(gx).Concat(gw).Concat(gb).ToArray();
            }
            finally { ParallelFor.NumThreads = old; }
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }
}
