using System.Runtime.Intrinsics;

namespace Lumen.Kernels;

/// <summary>The vector width a direct-convolution kernel runs at (bits; None: no direct kernel).</summary>
internal enum VectorWidth { None = 0, V128 = 128, V256 = 256, V512 = 512 }

/// <summary>Which product of a convolution is planned. A transposed convolution plans its roles exchanged: its forward is
/// the <see cref="InputGrad"/> pass of the convolution that maps its output back to its input, its input gradient that
/// convolution's <see cref="Forward"/>, its weight gradient that convolution's <see cref="WeightGrad"/> with x and dy
/// exchanged.</summary>
internal enum ConvPass { Forward, InputGrad, WeightGrad }

/// <summary>How one pass of a convolution is computed.</summary>
internal enum ConvAlgorithm
{
    /// <summary>The pass is not wanted (the default plan).</summary>
    None,
    /// <summary><see cref="ConvDirect"/>: register-blocked kernels over a zero-padded copy of each sample, at a vector width.</summary>
    Direct,
    /// <summary>Per sample, SGEMM on the input itself (1×1, stride 1, unpadded: the input already is the column matrix).</summary>
    PointwiseGemm,
    /// <summary>Per sample, SGEMM whose packed B panels are unrolled straight from the input (forward only).</summary>
    FusedIm2Col,
    /// <summary>Per sample, a stored K×P column matrix (im2col; col2im for the input gradient) and SGEMM.</summary>
    StoredIm2Col,
    /// <summary>Chunks of samples side by side in one column matrix unrolled into SGEMM's panels (forward only).</summary>
    BatchedFusedIm2Col,
    /// <summary>Chunks of samples side by side in one stored column matrix, one multi-threaded SGEMM per chunk and group.</summary>
    BatchedStoredIm2Col,
    /// <summary><see cref="Winograd"/> F(2×2, 3×3): 3×3 stride-1 layers, forward and input gradient, and F(3×3, 2×2) for the
    /// weight gradient (not bit-equal to the others).</summary>
    Winograd,
}

/// <summary>Whether the direct kernels may run: by the rules (Auto), never (Off), or on every geometry they can compute,
/// whatever K, for the forward and the input gradient (Force; benchmarks compare both paths with it).</summary>
internal enum DirectMode { Auto, Off, Force }

/// <summary>Explicit overrides of <see cref="ConvPlanner"/>'s rules, passed down with each call (tests and benchmarks);
/// the default value is the measured rules on the widest vectors the CPU accelerates.</summary>
/// <param name="Strategy">Forces per-sample or batched im2col + SGEMM (which also turns the direct kernels off).</param>
/// <param name="Direct">The direct kernels by the rules, off, or forced.</param>
/// <param name="MaxWidth">The widest vectors the direct kernels may use; None: the widest accelerated.</param>
/// <param name="NoFusedIm2Col">Stores the column matrix where the forward would unroll it into SGEMM's panels.</param>
/// <param name="ColumnLimit">Bound in floats of the batched column matrix (0: <see cref="ConvPlanner.BatchedColumnLimit"/>), and
/// the size above which the per-sample weight gradient does not store its column matrix (0: <see cref="ConvPlanner.FusedWeightGradColumns"/>).</param>
/// <param name="NoWinograd">Never Winograd (tests comparing the bits of the other algorithms).</param>
/// <param name="KeptWinogradWeights">Winograd's weight transform is kept between calls (<see cref="WinogradWeights"/>,
/// inference), so a call costs only the input and output transforms and the SGEMMs.</param>
internal readonly record struct ConvPlanOptions(ConvStrategy Strategy = ConvStrategy.Auto, DirectMode Direct = DirectMode.Auto,
                                                VectorWidth MaxWidth = VectorWidth.None, bool NoFusedIm2Col = false,
                                                long ColumnLimit = 0, bool NoWinograd = false, bool KeptWinogradWeights = false);

/// <summary>One pass's algorithm and, for <see cref="ConvAlgorithm.Direct"/>, its vector width.</summary>
internal readonly record struct ConvPlan(ConvAlgorithm Algorithm, VectorWidth Width = VectorWidth.None)
{
    public bool IsDirect => Algorithm == ConvAlgorithm.Direct;
    public bool IsBatched => Algorithm is ConvAlgorithm.BatchedFusedIm2Col or ConvAlgorithm.BatchedStoredIm2Col;
}

/// <summary>
/// Every convolution algorithm and the rule choosing it, in one place. <see cref="ConvKernels"/> asks here and runs
/// what it is told. The order of the rules:
/// <list type="number">
/// <item>Direct (<see cref="ConvDirect"/>) where the geometry suits it: stride and dilation 1, one group, output rows of at
/// least one vector (8 floats; 4 where 128-bit vectors are the widest), thin layers (K ≤ <see cref="MaxK"/>, pointwise
/// only when very thin), in the forward also wide 2-d layers on the 512-bit kernel (<see cref="WideForward"/>); the input
/// gradient by K of its transposed convolution (≤ <see cref="MaxKInputGrad"/>); the weight gradient only where the input
/// gradient is direct or not wanted (else both come from one im2col pass).</item>
/// <item>Winograd F(2×2, 3×3) for 3×3 stride-1 layers of at least <see cref="WinogradMinChannels"/> channels in and out
/// and <see cref="WinogradMinPositions"/> output positions, forward and input gradient, and its transpose F(3×3, 2×2)
/// for the weight gradient from <see cref="WinogradWeightGradMinPositions"/>; in the forward before the direct kernel.</item>
/// <item>Batched im2col + SGEMM where a sample has fewer than <see cref="BatchedBelowPositions"/> output positions.</item>
/// <item>Otherwise per sample: pointwise SGEMM on the input, or im2col fused into SGEMM's packing (forward, SGEMM's
/// packed path), or a stored column matrix.</item>
/// </list>
/// The vector width of the direct kernels is the widest the CPU accelerates (capped by <see cref="ConvPlanOptions.MaxWidth"/>):
/// 512-bit rows need 16 outputs (narrower rows take the 256-bit kernel), 256-bit rows 8, 128-bit rows 4. Every width sums
/// each output's products in the same order, so the forward gives the same bits on every width.
/// </summary>
internal static class ConvPlanner
{
    /// <summary>The plan of one pass. For <see cref="ConvPass.WeightGrad"/> this is the rule alone; within a backward
    /// call <see cref="Backward"/> also asks whether the input gradient is direct.</summary>
    public static ConvPlan Plan(in ConvGeometry g, ConvPass pass, in ConvPlanOptions o = default)
    {
        // The forward takes Winograd before the wide direct kernel (WideForward) wherever it applies: ResNet-18's
        // 128→128 at 28², batch 8, 4.12 → 3.19 ms, VGG-16's at 112², batch 4, 30.9 → 27.8; since its transforms split
        // rows once, 64→64 at 56² too (4.4 → 4.0), and even at 224² (33.7 against 33.8).
        bool winograd = UseWinograd(g, pass, o);
        if (winograd && pass == ConvPass.Forward && o.Direct != DirectMode.Force)
            return new ConvPlan(ConvAlgorithm.Winograd);
        if (o.Strategy == ConvStrategy.Auto && o.Direct != DirectMode.Off)
        {
            var width = pass switch
            {
                ConvPass.Forward => ForwardWidth(g, o),
                ConvPass.InputGrad => InputGradWidth(g, o),
                _ => WeightGradWidth(g, o),
            };
            if (width != VectorWidth.None) return new ConvPlan(ConvAlgorithm.Direct, width);
        }
        if (winograd) return new ConvPlan(ConvAlgorithm.Winograd);
        if (UseBatched(g, o))
            return new ConvPlan(pass == ConvPass.Forward && FuseIm2Col(g.OCg, ChunkSamples(g, o) * g.P, g.K, o)
                                    ? ConvAlgorithm.BatchedFusedIm2Col : ConvAlgorithm.BatchedStoredIm2Col);
        if (g.Pointwise) return new ConvPlan(ConvAlgorithm.PointwiseGemm);
        return new ConvPlan(pass == ConvPass.Forward && FuseIm2Col(g.OCg, g.P, g.K, o) ? ConvAlgorithm.FusedIm2Col : ConvAlgorithm.StoredIm2Col);
    }

    /// <summary>The backward call's plans: the input gradient's (when <paramref name="dx"/>) and the weight gradient's
    /// (when <paramref name="dw"/>). The weight gradient is direct only where the input gradient is direct or not
    /// wanted; otherwise both run in the same im2col pass (their algorithms are then equal).</summary>
    public static (ConvPlan Dx, ConvPlan Dw) Backward(in ConvGeometry g, bool dx, bool dw, in ConvPlanOptions o = default)
    {
        ConvPlan pdx = dx ? Plan(g, ConvPass.InputGrad, o) : default, pdw = dw ? Plan(g, ConvPass.WeightGrad, o) : default;
        if (dx && dw && pdx.Algorithm != ConvAlgorithm.Winograd && !pdx.IsDirect && pdw.IsDirect) pdw = pdx;
        return (pdx, pdw);
    }

    // ------------------------------------------------------------------ direct kernels

    /// <summary>Largest K (input channels × taps) the direct kernels take by the thin rule.</summary>
    public const int MaxK = 256;

    /// <summary>A pointwise (1×1) stride-1 convolution takes the direct forward only up to this many input channels, and
    /// the direct gradients up to <see cref="MaxPointwiseBackwardC"/>: SGEMM multiplies the input directly there, without
    /// im2col, and wins beyond them. Measured (`--conv-layers --direct-vs-gemm`, 2 threads, batch 8, 56²–64², GEMM ÷
    /// direct): forward 3→16 1.08–1.13, 8→32 0.46–0.49, 16→64 0.60–0.68, 64→256 0.75–0.78, 256→64 0.86–0.91; input and
    /// weight gradients together 3→16 3.4–4.3, 8→32 1.87–1.89, 16→64 0.89–0.98, 32→64 0.46–0.59, 64→256 0.36, 256→64
    /// 0.50–0.53.</summary>
    public const int MaxPointwiseForwardC = 4, MaxPointwiseBackwardC = 8;

    /// <summary>Largest OC·K (weights, in floats: 576 KB) for which the forward takes the direct kernel with K above
    /// <see cref="MaxK"/>: 128·1152, a 3×3 128→128 layer.</summary>
    public const long MaxWideWeights = 128 * 1152;

    /// <summary>Largest K the wide rule takes (the largest measured: a 3×3 layer with 256 input channels).</summary>
    public const int MaxWideK = 2304;

    /// <summary>Largest OC·KD·KH·KW for which the input gradient takes the direct kernel.</summary>
    public const int MaxKInputGrad = 512;

    /// <summary>The direct forward: the thin rule (any width; pointwise only up to <see cref="MaxPointwiseForwardC"/>
    /// input channels), or the wide rule on the 512-bit kernel; forced, any K.</summary>
    private static VectorWidth ForwardWidth(in ConvGeometry g, in ConvPlanOptions o)
    {
        var w = Width(g, o, forward: true);
        if (o.Direct == DirectMode.Force) return Fits(g, int.MaxValue, w) ? w : VectorWidth.None;
        bool direct = (Fits(g, MaxK, w) && (g.KK > 1 || g.C <= MaxPointwiseForwardC)) || (WideForward(g, w) && Fits(g, MaxWideK, w));
        return direct ? w : VectorWidth.None;
    }

    /// <summary>The direct input gradient: the forward kernel on the transposed convolution (<see cref="ConvGeometry.InputGradient"/>),
    /// which needs padding below the kernel size; its K (OC·KK) at most <see cref="MaxKInputGrad"/> (forced: any), pointwise
    /// only up to <see cref="MaxPointwiseBackwardC"/> input channels.</summary>
    private static VectorWidth InputGradWidth(in ConvGeometry g, in ConvPlanOptions o)
    {
        bool force = o.Direct == DirectMode.Force;
        if (!(g.Groups == 1 && UnitStrideAndDilation(g) &&
              (g.KK > 1 || g.C <= MaxPointwiseBackwardC || force) && g.PD < g.KD && g.PH < g.KH && g.PW < g.KW))
            return VectorWidth.None;
        var t = g.InputGradient();
        var w = Width(t, o);
        return Fits(t, force ? int.MaxValue : MaxKInputGrad, w) ? w : VectorWidth.None;
    }

    /// <summary>The direct weight gradient: the thin rule, pointwise only up to <see cref="MaxPointwiseBackwardC"/> input channels.</summary>
    private static VectorWidth WeightGradWidth(in ConvGeometry g, in ConvPlanOptions o)
    {
        var w = Width(g, o);
        return Fits(g, MaxK, w) && (g.KK > 1 || g.C <= MaxPointwiseBackwardC) ? w : VectorWidth.None;
    }

    /// <summary>The widest vectors that are accelerated, allowed and fit a row of g's output: 512 bits for rows of at least
    /// 16 (narrower rows take 256), 256 bits for rows of at least 8, 128 bits (where it is the widest) for rows of at
    /// least 4 where the CPU has a fused multiply-add (<see cref="Fma128"/>); without one only for the
    /// <paramref name="forward"/> pass, or forced (benchmarks).</summary>
    public static VectorWidth Width(in ConvGeometry g, in ConvPlanOptions o = default, bool forward = false)
    {
        var cap = o.MaxWidth == VectorWidth.None ? VectorWidth.V512 : o.MaxWidth;
        if (cap >= VectorWidth.V512 && Vector512.IsHardwareAccelerated && g.OW >= 16) return VectorWidth.V512;
        if (cap >= VectorWidth.V256 && Vector256.IsHardwareAccelerated) return g.OW >= 8 ? VectorWidth.V256 : VectorWidth.None;
        if (cap >= VectorWidth.V128 && (Fma128 || (Vector128.IsHardwareAccelerated && (forward || o.Direct == DirectMode.Force))))
            return g.OW >= 4 ? VectorWidth.V128 : VectorWidth.None;
        return VectorWidth.None;
    }

    /// <summary>Whether 128-bit vectors are accelerated with a hardware fused multiply-add: ARM64 (NEON always has it) and
    /// x86 with FMA. On an SSE-only x86 CPU (or under <c>DOTNET_EnableAVX2=0</c>, which turns FMA off with AVX2) the
    /// kernels multiply and add instead; there only the forward takes them: against im2col + SGEMM it wins on 9 of the
    /// seeds' 11 thin layers (1.09–3.8×; 0.81 and 0.91 on the others) while the input gradient loses on 8
    /// (docs/performance.md, "The 128-bit direct kernels").</summary>
    public static bool Fma128 => Vector128.IsHardwareAccelerated && V128.HardwareFma;

    /// <summary>Whether the direct kernels at width <paramref name="w"/> compute g with K up to maxK: stride and dilation
    /// 1, one group, no output smaller than the padding implies.</summary>
    private static bool Fits(in ConvGeometry g, int maxK, VectorWidth w) =>
        w != VectorWidth.None && g.Groups == 1 && g.K <= maxK && UnitStrideAndDilation(g) &&
        g.OD + g.KD - 1 >= g.D + g.PD && g.OH + g.KH - 1 >= g.H + g.PH && g.OW + g.KW - 1 >= g.W + g.PW;

    /// <summary>Stride and dilation 1 in every dimension (the direct kernels slide one input column per output column).</summary>
    private static bool UnitStrideAndDilation(in ConvGeometry g) =>
        g.SD == 1 && g.SH == 1 && g.SW == 1 && g.DD == 1 && g.DH == 1 && g.DW == 1;

    /// <summary>The forward's wide rule: the Vector512 kernel runs (rows of at least 16 outputs) with at least three
    /// quarters of its 16-column chunks' lanes new outputs (OW = 16, 24, 28, 32, 48, 56, ..., not 20 or 40), at least
    /// two output rows per plane (not 1-d), more than one tap (a pointwise convolution multiplies the input directly),
    /// and weights of at most <see cref="MaxWideWeights"/> floats. Measured against im2col + SGEMM (docs/performance.md,
    /// "Wide direct forward"): 1.1-1.5× faster on ResNet-18/VGG-16 layers of that kind (56² 64→64, 28² 128→128, 224²
    /// 64→64, 112² 128→128), even or slower with larger weights (56² 256→256, 28² 512→512), on 1-d rows, on 1×1
    /// layers, and on rows under 16 (the Vector256 kernel: ResNet-18 layer3, 14 wide, 0.5×).</summary>
    private static bool WideForward(in ConvGeometry g, VectorWidth w) =>
        w == VectorWidth.V512 && 4 * g.OW >= 3 * 16 * ((g.OW + 15) / 16) && g.OH >= 2 && g.KK > 1 && (long)g.OC * g.K <= MaxWideWeights;

    // ------------------------------------------------------------------ Winograd

    /// <summary>Fewest input and output channels for Winograd: its SGEMMs have depth C (not 9·C) and its transforms cost
    /// per channel what thinner layers do not win back (SimpleCNN's 32→64 layer at 16², batch 64, ran slower with it).</summary>
    public const int WinogradMinChannels = 64;

    /// <summary>Fewest output positions per sample for Winograd. 2×2 tiles cut at odd edges waste up to half of a small
    /// plane (7×7 computes 8×8) and small planes give its SGEMMs few columns; with the 512-bit SGEMM that costs what
    /// Winograd saves (ResNet-18's 512→512 at 7×7, batch 8: forward 4.98 against 4.87 ms, input gradient 4.82 against
    /// 5.08), so there from 14×14 unless the weight transform is kept between calls (inference: 5.27 → 3.20); with AVX2
    /// and 128-bit vectors 7×7 still wins (AVX2: 9.53 → 7.72 ms forward, input gradient even; 128-bit: 60 → 36).
    /// AMD EPYC Zen 5, 2 threads, `Lumen.Bench --winograd-parts`.</summary>
    public static int WinogradMinPositions(in ConvPlanOptions o) => Gemm.BestPath == GemmPath.Avx512 && !o.KeptWinogradWeights ? 196 : 49;

    /// <summary>Fewest output positions per sample for the Winograd weight gradient (F(3×3, 2×2)). It has no weight
    /// transform to pay for, so it wins down to 7×7 where SGEMM is narrower than 512 bits (AVX2: MnistCNN's 64→128 at
    /// 10², batch 100, 5.2 → 4.6 ms; SimpleCNN's at 8², batch 64, 3.3 → 2.9), and with the 512-bit SGEMM from 14×14, or
    /// below it from 256 channels: its transforms run across tile rows narrower than a vector there, which only many
    /// channels pay for (ResNet-18's 512→512 at 7², batch 8: 4.5 → 4.1 ms; MnistCNN's 64→128 at 10²: 3.55 → 3.95).
    /// AMD EPYC Zen 5, 2 threads, `--conv-layers`, `--winograd-parts`.</summary>
    public static int WinogradWeightGradMinPositions(in ConvGeometry g) =>
        Gemm.BestPath == GemmPath.Avx512 && Math.Min(g.C, g.OC) < 256 ? 196 : 49;

    /// <summary>Winograd for the three passes of 3×3 stride-1 layers with enough channels and output positions.
    /// Measured per layer against im2col + SGEMM and the direct kernels (docs/performance.md, "Winograd"): since the
    /// weight transform runs on vectors and threads, it wins on every ResNet-18 and VGG-16 layer it takes, whatever the
    /// channel count (ResNet-18 256→256 at 14², AVX-512: 4.96 → 3.09 ms; VGG-16 512→512 at 28²: 32.3 → 26.9); the
    /// weight gradient from 64 channels too (ResNet-18's 64→64 at 56²: 5.5 → 4.1 ms, 256→256 at 14²: 4.9 → 3.3).</summary>
    private static bool UseWinograd(in ConvGeometry g, ConvPass pass, in ConvPlanOptions o) =>
        o.Strategy == ConvStrategy.Auto && !o.NoWinograd &&
        (pass == ConvPass.InputGrad ? Winograd.InputGradApplies(g) : Winograd.Applies(g)) &&
        g.C >= WinogradMinChannels && g.OC >= WinogradMinChannels &&
        pass switch
        {
            ConvPass.Forward => g.P >= WinogradMinPositions(o),
            ConvPass.InputGrad => g.S >= WinogradMinPositions(o),
            _ => g.P >= WinogradWeightGradMinPositions(g),
        };

    // ------------------------------------------------------------------ im2col + SGEMM

    /// <summary>Output positions per sample below which the samples are batched. Per sample wins where P is large: each
    /// sample's K×P columns stay in L2 (the batched column matrix of a chunk does not), e.g. MNIST conv2 forward+backward
    /// 20 ms vs 37 ms. Where P is small, one SGEMM per sample repacks the whole weight matrix (OCg×K) to do only P
    /// multiply-adds per packed value, and P columns fill the 32-wide micro-tiles badly (P = 49: two tiles, a quarter
    /// empty); side by side the samples give one wide SGEMM. ResNet-18's 7×7 layers (P = 49, 512 channels, batch 8),
    /// one thread: forward 20.8 → 12.0 ms, input gradient 34.3 → 14.7 ms, weight gradient 23.5 → 11.2 ms.</summary>
    internal const int BatchedBelowPositions = 256;

    /// <summary>Default bound, in floats, of the column matrix the batched path builds for a chunk of samples (16 MB).</summary>
    internal const long BatchedColumnLimit = 1 << 22;

    private static bool UseBatched(in ConvGeometry g, in ConvPlanOptions o) =>
        o.Strategy == ConvStrategy.Batched || (o.Strategy == ConvStrategy.Auto && g.N > 1 && g.P < BatchedBelowPositions);

    /// <summary>Samples per chunk of the batched path: as many as keep the K×(n·P) column matrix under the limit.</summary>
    public static int ChunkSamples(in ConvGeometry g, in ConvPlanOptions o) =>
        (int)Math.Clamp((o.ColumnLimit > 0 ? o.ColumnLimit : BatchedColumnLimit) / Math.Max(1L * g.K * g.P, 1), 1, Math.Max(g.N, 1));

    /// <summary>Whether the per-sample weight gradient (dW = dy·colsᵀ: OCg×K, depth P) unrolls its columns straight into
    /// SGEMM's packed panels instead of a stored column matrix: where that matrix would exceed
    /// <see cref="FusedWeightGradColumns"/> floats, and SGEMM takes its packed path for the product anyway (so the packed
    /// values, and the bits, are the stored path's).</summary>
    public static bool FuseWeightGradIm2Col(in ConvGeometry g, in ConvPlanOptions o) =>
        !o.NoFusedIm2Col && !g.Pointwise && g.OCg > 1 && g.K > 1 && (long)g.K * g.P > (o.ColumnLimit > 0 ? o.ColumnLimit : FusedWeightGradColumns) &&
        (long)g.OCg * g.K * g.P > Gemm.SimpleLimit;

    /// <summary>Size, in floats (16 MB), above which a sample's stored column matrix no longer pays for itself in the
    /// weight gradient: it leaves the cache before SGEMM packs it again. Measured (AMD EPYC Zen 5, 2 threads, batch 4–8,
    /// weight gradient fused ÷ stored): VGG-16 64→64 at 224² (29 M floats) 44 against 63 ms, 128→128 at 112² (14 M) 38
    /// against 45; ResNet-18 64→64 at 56² (1.8 M) 6.3 against 5.3, 128→128 at 28² 5.5 against 4.8.</summary>
    public const long FusedWeightGradColumns = 1 << 22;

    /// <summary>Whether the forward product (m×n, depth k) unrolls its columns straight into SGEMM's packed panels
    /// instead of into a stored column matrix that SGEMM then packs: the packed path only (SGEMM takes it above
    /// <see cref="Gemm.SimpleLimit"/> multiply-adds with m, n &gt; 1).</summary>
    private static bool FuseIm2Col(int m, int n, int k, in ConvPlanOptions o) =>
        !o.NoFusedIm2Col && m > 1 && n > 1 && (long)m * n * k > Gemm.SimpleLimit;
}
