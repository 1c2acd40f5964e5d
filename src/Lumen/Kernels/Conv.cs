using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lumen.Kernels;

/// <summary>
/// The shape of one convolution with up to three spatial dimensions, normalised to three: a 1-d convolution is the
/// 3-d one with D = H = 1, a 2-d one has D = 1 (kernel, stride and dilation 1, padding 0 along the added dims).
/// Input is (N, C, D, H, W), weight (OC, C/groups, KD, KH, KW), output (N, OC, OD, OH, OW). Padding is the amount
/// added <em>before</em> each dimension; the output size fixes how much is (implicitly) added after, so asymmetric
/// padding (PyTorch's <c>padding="same"</c> with an even kernel) needs nothing special.
/// </summary>
internal readonly struct ConvGeometry
{
    public readonly int N, C, OC, Groups;
    public readonly int D, H, W;
    public readonly int KD, KH, KW;
    public readonly int SD, SH, SW;
    public readonly int PD, PH, PW;
    public readonly int DD, DH, DW;
    public readonly int OD, OH, OW;

    /// <param name="n">Batch size.</param>
    /// <param name="c">Input channels.</param>
    /// <param name="oc">Output channels.</param>
    /// <param name="groups">Channel groups (C and OC are multiples of it).</param>
    /// <param name="inSize">Input spatial sizes (1 to 3 values); the five arrays after it have as many.</param>
    /// <param name="kernel">Kernel sizes.</param>
    /// <param name="stride">Strides.</param>
    /// <param name="padBefore">Zero padding before each spatial dimension (after it is implied by the output size).</param>
    /// <param name="dilation">Dilations.</param>
    /// <param name="outSize">Output spatial sizes.</param>
    public ConvGeometry(int n, int c, int oc, int groups, int[] inSize, int[] kernel, int[] stride, int[] padBefore,
                        int[] dilation, int[] outSize)
    {
        N = n; C = c; OC = oc; Groups = groups;
        (D, H, W) = Three(inSize, 1);
        (KD, KH, KW) = Three(kernel, 1);
        (SD, SH, SW) = Three(stride, 1);
        (PD, PH, PW) = Three(padBefore, 0);
        (DD, DH, DW) = Three(dilation, 1);
        (OD, OH, OW) = Three(outSize, 1);
    }

    /// <summary>The stride-1 convolution whose output is this one's input gradient (for stride 1, dilation 1, one group):
    /// dy (N, OC, OD, OH, OW) as the input, padded by K − 1 − P before each dimension, the weights transposed (C ↔ OC)
    /// and flipped in every spatial dimension, dx (N, C, D, H, W) as the output.</summary>
    public ConvGeometry InputGradient() => new(this, true);

    private ConvGeometry(in ConvGeometry g, bool inputGradient)
    {
        _ = inputGradient;
        N = g.N; C = g.OC; OC = g.C; Groups = g.Groups;
        (D, H, W) = (g.OD, g.OH, g.OW);
        (KD, KH, KW) = (g.KD, g.KH, g.KW);
        (SD, SH, SW) = (1, 1, 1);
        (PD, PH, PW) = (g.KD - 1 - g.PD, g.KH - 1 - g.PH, g.KW - 1 - g.PW);
        (DD, DH, DW) = (1, 1, 1);
        (OD, OH, OW) = (g.D, g.H, g.W);
    }

    private static (int, int, int) Three(int[] v, int fill) => v.Length switch
    {
        1 => (fill, fill, v[0]),
        2 => (fill, v[0], v[1]),
        3 => (v[0], v[1], v[2]),
        _ => throw new ArgumentException($"convolution: 1 to 3 spatial dimensions are supported, got {v.Length}."),
    };

    /// <summary>Input channels per group.</summary>
    public int Cg => C / Groups;
    /// <summary>Output channels per group.</summary>
    public int OCg => OC / Groups;
    /// <summary>Kernel volume KD·KH·KW.</summary>
    public int KK => KD * KH * KW;
    /// <summary>Rows of the column matrix (and columns of a group's weight matrix): Cg·KK.</summary>
    public int K => Cg * KK;
    /// <summary>Output positions per channel: OD·OH·OW.</summary>
    public int P => OD * OH * OW;
    /// <summary>Input positions per channel: D·H·W.</summary>
    public int S => D * H * W;

    /// <summary>A 1×1×1 kernel with stride 1 and no padding: the input channels already are the column matrix.</summary>
    public bool Pointwise => KK == 1 && SD == 1 && SH == 1 && SW == 1 && PD == 0 && PH == 0 && PW == 0 &&
                             OD == D && OH == H && OW == W;
}

/// <summary>How the im2col + SGEMM kernels spread work over threads (<see cref="ConvPlanOptions.Strategy"/>).</summary>
internal enum ConvStrategy
{
    /// <summary>The measured default: per sample, batched when a sample has few output positions.</summary>
    Auto,
    /// <summary>Threads over samples, one SGEMM per sample and group (single-threaded inside its worker).</summary>
    PerSample,
    /// <summary>Chunks of samples side by side in one column matrix, one multi-threaded SGEMM per chunk and group.</summary>
    Batched,
}

/// <summary>
/// Convolution by im2col (vol2col) + SGEMM. For each sample and group the receptive fields are unrolled into a
/// K×P column matrix (K = Cg·KD·KH·KW rows, P = OD·OH·OW columns) so that
/// <list type="bullet">
/// <item>forward: y[g] (OCg×P) = W[g] (OCg×K) · cols (K×P) (+ bias);</item>
/// <item>input gradient: dcols (K×P) = W[g]ᵀ · dy[g], then col2im adds dcols back onto dx;</item>
/// <item>weight gradient: dW[g] (OCg×K) += dy[g] (OCg×P) · colsᵀ.</item>
/// </list>
/// A pointwise (1×1, stride 1, unpadded) convolution multiplies the input directly. Two ways to use the threads
/// (<see cref="ConvStrategy"/>): per sample, the default (threads take samples one at a time, each SGEMM single-threaded
/// inside its worker; the weight gradient is summed per fixed range of samples, at most 8 ranges, and the partial sums
/// added in range order, so it does not depend on which thread ran what, nor on the thread count up to 4), or batched
/// (a chunk of samples side by side in one column matrix, one multi-threaded SGEMM). A single sample lets SGEMM use
/// the threads.
/// Column buffers are reused from call to call: the per-sample paths rent theirs from <see cref="ConvBufferPool"/>, the
/// batched paths (which run on the calling thread) keep one per thread. The forward product never stores its column matrix:
/// SGEMM asks <see cref="Im2ColSource"/> for packed panels and gets them unrolled straight from the input.
/// Transposed convolution is the same three products with roles exchanged (see <c>F.ConvTranspose*</c>).
/// Which algorithm runs (these, or the direct kernels of <see cref="ConvDirect"/>) is <see cref="ConvPlanner"/>'s choice;
/// overrides come in as an explicit <see cref="ConvPlanOptions"/>.
/// </summary>
internal static partial class ConvKernels
{
    [ThreadStatic] private static float[]? _cols, _partial;

    private static float[] Buffer(ref float[]? buf, long size)
    {
        if (size > Array.MaxLength) throw new ArgumentException($"convolution: a column buffer of {size} floats is too large.");
        if (buf == null || buf.Length < size) buf = GC.AllocateUninitializedArray<float>((int)Math.Max(size, 1024));
        return buf;
    }

    /// <summary>y = conv(x, w) + bias. x: (N, C, D, H, W); w: (OC, Cg, KD, KH, KW); bias: OC values or none; y: (N, OC,
    /// OD, OH, OW), fully written. Every operand is a contiguous view of the size the geometry gives.
    /// <paramref name="winograd"/>: where the weights do not change between calls (inference) or between this call and
    /// its backward (training), their Winograd transform kept between them, stamped by the caller; the planner then also
    /// weighs Winograd without its weight transform.</summary>
    public static void Forward(in ConvGeometry g, View<float> x, View<float> w, View<float> bias, View<float> y,
                               in ConvPlanOptions options = default, WinogradWeights? winograd = null)
    {
        Operands(g, x, w, bias, y, "convolution forward");
        var o = winograd != null ? options with { KeptWinogradWeights = true } : options;
        var plan = ConvPlanner.Plan(g, ConvPass.Forward, o);
        Run(g, plan, o, x, w, bias, y, winograd);
    }

    /// <summary>The input gradient alone: dx (N, C, D, H, W; overwritten) from dy (N, OC, OD, OH, OW) and w. A transposed
    /// convolution's forward is this pass; it plans <see cref="ConvPass.InputGrad"/> once and runs it.</summary>
    public static void InputGrad(in ConvGeometry g, View<float> w, View<float> dy, View<float> dx, in ConvPlanOptions options = default)
    {
        Operands(g, dx, w, default, dy, "convolution input gradient");
        var plan = ConvPlanner.Plan(g, ConvPass.InputGrad, options);
        if (plan.IsDirect) ConvDirect.InputGrad(g, plan.Width, w, dy, dx);
        else if (plan.Algorithm == ConvAlgorithm.Winograd) Winograd.InputGrad(g, dy, w, dx);
        else RunBackward(g, plan, options, default, w, dy, dx, default);
    }

    /// <summary>The weight gradient alone (and the bias gradient when <paramref name="db"/> is given): dw (OC, Cg, KD, KH,
    /// KW; overwritten) from x and dy. A transposed convolution's weight gradient is this pass with x and dy exchanged.</summary>
    public static void WeightGrad(in ConvGeometry g, View<float> x, View<float> dy, View<float> dw, View<float> db = default,
                                  in ConvPlanOptions options = default) =>
        Backward(g, x, default, dy, default, dw, db, options);

    /// <summary>The direct, per-sample or batched forward of one plan (the operands already checked).</summary>
    private static void Run(in ConvGeometry g, ConvPlan plan, in ConvPlanOptions options, View<float> x, View<float> w, View<float> bias, View<float> y,
                            WinogradWeights? winograd = null)
    {
        if (plan.IsDirect) { ConvDirect.Forward(g, plan.Width, x, w, bias, y); return; }
        if (plan.Algorithm == ConvAlgorithm.Winograd) { Winograd.Forward(g, x, w, bias, y, winograd); return; }
        if (plan.IsBatched)
            ForwardBatched(g, plan.Algorithm == ConvAlgorithm.BatchedFusedIm2Col, ConvPlanner.ChunkSamples(g, options), x, w, bias, y);
        else ForwardPerSample(g, plan.Algorithm == ConvAlgorithm.FusedIm2Col, x, w, bias, y);
    }

    /// <summary>Checks that x (N·C·S), w (OC·K), bias (OC, when given) and y (N·OC·P) are contiguous views of the sizes the
    /// geometry gives; an operand that is none is not checked.</summary>
    private static void Operands(in ConvGeometry g, View<float> x, View<float> w, View<float> bias, View<float> y, string what)
    {
        if (!x.IsNone) x.SpanOf((long)g.N * g.C * g.S, what, "input");
        if (!w.IsNone) w.SpanOf((long)g.OC * g.K, what, "weight");
        if (!bias.IsNone) bias.SpanOf(g.OC, what, "bias");
        if (!y.IsNone) y.SpanOf((long)g.N * g.OC * g.P, what, "output");
    }

    private static void ForwardPerSample(in ConvGeometry g, bool fused, View<float> xv, View<float> wv, View<float> bv, View<float> yv)
    {
        // The loops below index the arrays directly (offsets added), as before views: same reads, same bits.
        float[] x = xv.Array, w = wv.Array, y = yv.Array;
        float[]? bias = bv.IsNone ? null : bv.Array;
        int xOff = xv.Offset, wOff = wv.Offset, biasOff = bv.Offset, yOff = yv.Offset;
        var geo = g;
        int n = g.N;
        if (n == 0) return;
        RunDynamic(n, s =>
        {
            int K = geo.K, P = geo.P, S = geo.S;
            // Rented per sample from the shared pool rather than kept per thread: the thread pool brings in new workers
            // now and then, and a thread-static buffer would be allocated again for each of them.
            float[]? cols = geo.Pointwise || fused ? null : ConvBufferPool.Rent((long)K * P);
            for (int gr = 0; gr < geo.Groups; gr++)
            {
                int xg = xOff + (s * geo.C + gr * geo.Cg) * S;
                int yg = yOff + (s * geo.OC + gr * geo.OCg) * P;
                int wg = wOff + gr * geo.OCg * K;
                if (fused)
                    Gemm.SgemmPackedB(geo.OCg, P, K, 1f, w.AsSpan(wg), K, Im2ColSource.For(geo, x, xg, 1), 0f, y.AsSpan(yg, geo.OCg * P), P);
                else if (cols == null)
                    Gemm.Sgemm(false, false, geo.OCg, P, K, 1f, w.AsSpan(wg), K, x.AsSpan(xg, K * S), P, 0f, y.AsSpan(yg, geo.OCg * P), P);
                else
                {
                    Im2Col(geo, x.AsSpan(xg, geo.Cg * S), cols.AsSpan(0, K * P), P);
                    Gemm.Sgemm(false, false, geo.OCg, P, K, 1f, w.AsSpan(wg), K, cols.AsSpan(0, K * P), P, 0f, y.AsSpan(yg, geo.OCg * P), P);
                }
            }
            if (bias != null)
                for (int oc = 0; oc < geo.OC; oc++)
                {
                    var row = y.AsSpan(yOff + (s * geo.OC + oc) * P, P);
                    TensorPrimitives.Add(row, bias[biasOff + oc], row);
                }
            if (cols != null) ConvBufferPool.Return(cols);
        });
    }

    /// <summary>The gradients of y = conv(x, w) given dy (N, OC, OD, OH, OW): dx (same layout as x; overwritten), dw
    /// (same layout as w; overwritten) and the bias gradient (OC values; overwritten), each only when given (not
    /// <see cref="View{T}.IsNone"/>). x is read only for dw, w only for dx. The direct weight gradient sums the bias
    /// gradient from the same dy rows (no separate pass over dy); the other paths use <see cref="BiasGrad"/>.
    /// <paramref name="winograd"/>: the forward's kept transform of w (stamped again by the caller), which a Winograd input
    /// gradient reads instead of transforming the flipped weights.</summary>
    public static void Backward(in ConvGeometry g, View<float> x, View<float> w, View<float> dy, View<float> dx, View<float> dw,
                                View<float> db = default, in ConvPlanOptions options = default, WinogradWeights? winograd = null)
    {
        Operands(g, dw.IsNone ? default : x, dx.IsNone ? default : w, db, dy, "convolution backward");
        Operands(g, dx, dw, default, default, "convolution backward: gradient");
        var o = winograd != null ? options with { KeptWinogradWeights = true } : options;
        var (pdx, pdw) = ConvPlanner.Backward(g, !dx.IsNone, !dw.IsNone, o);
        if (pdx.IsDirect || pdx.Algorithm == ConvAlgorithm.Winograd)
        {
            if (pdx.IsDirect) ConvDirect.InputGrad(g, pdx.Width, w, dy, dx);
            else Winograd.InputGrad(g, dy, w, dx, winograd);
            dx = default;   // done: the weight and bias gradients below
        }
        if (pdw.IsDirect)
        {
            ConvDirect.WeightGrad(g, pdw.Width, x, dy, dw, db);   // the bias gradient alongside
            return;
        }
        if (pdw.Algorithm == ConvAlgorithm.Winograd)
        {
            Winograd.WeightGrad(g, x, dy, dw);
            dw = default;
        }
        if (!dx.IsNone || !dw.IsNone) RunBackward(g, dx.IsNone ? pdw : pdx, options, x, w, dy, dx, dw);
        if (!db.IsNone) BiasGradRows(g.N, g.OC, g.P, dy.Span, db.Span);
    }

    /// <summary>The im2col + SGEMM gradients of one plan (per sample or batched; dx and dw in one pass when both are given).</summary>
    private static void RunBackward(in ConvGeometry g, ConvPlan plan, in ConvPlanOptions options, View<float> x, View<float> w,
                                    View<float> dy, View<float> dx, View<float> dw)
    {
        if (plan.IsBatched) BackwardBatched(g, ConvPlanner.ChunkSamples(g, options), x, w, dy, dx, dw);
        else BackwardPerSample(g, x, w, dy, dx, dw, ConvPlanner.FuseWeightGradIm2Col(g, options));
    }

    // fusedDw: the weight gradient's columns are unrolled straight into SGEMM's panels (Im2ColTransposedSource) instead
    // of into a stored column matrix.
    private static void BackwardPerSample(in ConvGeometry g, View<float> xv, View<float> wv, View<float> dyv, View<float> dxv, View<float> dwv,
                                          bool fusedDw)
    {
        // As the forward: the loops index the arrays (none: null) with the views' offsets added.
        float[]? x = xv.IsNone ? null : xv.Array, dx = dxv.IsNone ? null : dxv.Array, dw = dwv.IsNone ? null : dwv.Array;
        float[] w = wv.Array, dy = dyv.Array;
        int xOff = xv.Offset, wOff = wv.Offset, dyOff = dyv.Offset, dxOff = dxv.Offset, dwOff = dwv.Offset;
        var geo = g;
        int n = g.N, K = g.K, P = g.P, S = g.S, wSize = g.OC * K;
        if (dx != null) dx.AsSpan(dxOff, n * g.C * S).Clear();
        if (dw != null) dw.AsSpan(dwOff, wSize).Clear();
        if (n == 0 || P == 0) return;

        // Fixed sample ranges ("units"), each with its own weight-gradient accumulator, summed in unit order at the end:
        // the result does not depend on which thread ran which unit, nor (up to 4 threads) on the thread count.
        int units = dw == null ? n : (int)Math.Min(Math.Min(n, Math.Max(8, 2 * ParallelFor.NumThreads)), Math.Max(1, PartialLimit / wSize + 1));
        float[]? partial = null;
        if (dw != null && units > 1)
        {
            partial = Buffer(ref _partial, (long)(units - 1) * wSize);   // the calling thread's, reused
            partial.AsSpan(0, (units - 1) * wSize).Clear();
        }

        RunDynamic(units, u =>
        {
            float[]? cols = geo.Pointwise || fusedDw || dw == null ? null : ConvBufferPool.Rent((long)K * P);
            float[]? dcols = geo.Pointwise || dx == null ? null : ConvBufferPool.Rent((long)K * P);
            int s0 = (int)((long)n * u / units), s1 = (int)((long)n * (u + 1) / units);
            float[]? acc = dw == null ? null : u == 0 ? dw : partial;
            int accOff = u == 0 ? dwOff : (u - 1) * wSize;
            for (int s = s0; s < s1; s++)
                for (int gr = 0; gr < geo.Groups; gr++)
                {
                    int xg = (s * geo.C + gr * geo.Cg) * S;
                    int yg = dyOff + (s * geo.OC + gr * geo.OCg) * P;
                    int wg = gr * geo.OCg * K;
                    var dyG = dy.AsSpan(yg, geo.OCg * P);
                    if (acc != null)
                    {
                        // dW[g] += dy[g] · colsᵀ
                        var dwG = acc.AsSpan(accOff + wg, geo.OCg * K);
                        if (fusedDw) Gemm.SgemmPackedB(geo.OCg, K, P, 1f, dyG, P, Im2ColTransposedSource.For(geo, x!, xOff + xg), 1f, dwG, K);
                        else
                        {
                            ReadOnlySpan<float> c;
                            if (cols == null) c = x!.AsSpan(xOff + xg, K * S);
                            else { Im2Col(geo, x!.AsSpan(xOff + xg, geo.Cg * S), cols.AsSpan(0, K * P), P); c = cols.AsSpan(0, K * P); }
                            Gemm.Sgemm(false, true, geo.OCg, K, P, 1f, dyG, P, c, P, 1f, dwG, K);
                        }
                    }
                    if (dx != null)
                    {
                        // dcols = W[g]ᵀ · dy[g]; col2im adds it onto dx.
                        if (dcols == null)
                            Gemm.Sgemm(true, false, K, P, geo.OCg, 1f, w.AsSpan(wOff + wg), K, dyG, P, 0f, dx.AsSpan(dxOff + xg, K * S), P);
                        else
                        {
                            Gemm.Sgemm(true, false, K, P, geo.OCg, 1f, w.AsSpan(wOff + wg), K, dyG, P, 0f, dcols.AsSpan(0, K * P), P);
                            Col2Im(geo, dcols.AsSpan(0, K * P), P, dx.AsSpan(dxOff + xg, geo.Cg * S));
                        }
                    }
                }
            if (cols != null) ConvBufferPool.Return(cols);
            if (dcols != null) ConvBufferPool.Return(dcols);
        });

        if (partial != null)
            for (int u = 1; u < units; u++)
                TensorPrimitives.Add(dw.AsSpan(dwOff, wSize), partial.AsSpan((u - 1) * wSize, wSize), dw.AsSpan(dwOff, wSize));
    }

    /// <summary>Bound, in floats, of the per-unit weight-gradient partial sums (64 MB).</summary>
    private const long PartialLimit = 1 << 24;

    /// <summary>Runs body(0) … body(units − 1) on up to NumThreads threads, each thread taking the next unit as it
    /// finishes one, so a core that is busy elsewhere delays only its own unit.</summary>
    private static void RunDynamic(int units, Action<int> body)
    {
        if (units <= 0) return;
        var next = new int[1];
        ParallelFor.Run(Math.Min(units, ParallelFor.NumThreads), 1, (t0, t1) =>
        {
            int u;
            while ((u = Interlocked.Increment(ref next[0]) - 1) < units) body(u);
        });
    }

    // ------------------------------------------------------------------ batched: one SGEMM over many samples

    [ThreadStatic] private static float[]? _ybuf;

    /// <summary>Floats copied per parallel work item when the batched paths move rows between (OCg × n·P) and (n, OC, P).</summary>
    private const int CopyGrain = 16384;

    /// <summary>Forward with the samples of a chunk side by side: cols (K × n·P) holds every sample's columns, one SGEMM
    /// per group gives (OCg × n·P), which is then copied into y's (n, OC, P) layout with the bias.</summary>
    private static void ForwardBatched(in ConvGeometry g, bool fused, int nb, View<float> xv, View<float> wv, View<float> bv, View<float> yv)
    {
        // The loops below index the arrays directly (offsets added), as before views: same reads, same bits.
        float[] x = xv.Array, w = wv.Array, y = yv.Array;
        float[]? bias = bv.IsNone ? null : bv.Array;
        int xOff = xv.Offset, wOff = wv.Offset, biasOff = bv.Offset, yOff = yv.Offset;
        var geo = g;
        int K = g.K, P = g.P, S = g.S;
        if (g.N == 0 || P == 0) return;
        var cols = fused ? null : Buffer(ref _cols, (long)K * nb * P);
        var yb = Buffer(ref _ybuf, (long)g.OCg * nb * P);
        for (int n0 = 0; n0 < g.N; n0 += nb)
        {
            int nc = Math.Min(nb, g.N - n0), L = nc * P;
            for (int gr = 0; gr < g.Groups; gr++)
            {
                int grc = gr;
                if (fused)
                    Gemm.SgemmPackedB(g.OCg, L, K, 1f, w.AsSpan(wOff + gr * g.OCg * K), K,
                                      Im2ColSource.For(geo, x, xOff + (n0 * geo.C + gr * geo.Cg) * S, nc), 0f, yb.AsSpan(0, g.OCg * L), L);
                else
                {
                    ParallelFor.Run(nc, 1, (s0, s1) =>
                    {
                        for (int s = s0; s < s1; s++)
                            Im2Col(geo, x.AsSpan(xOff + ((n0 + s) * geo.C + grc * geo.Cg) * S, geo.Cg * S), cols!.AsSpan(s * P), L);
                    });
                    Gemm.Sgemm(false, false, g.OCg, L, K, 1f, w.AsSpan(wOff + gr * g.OCg * K), K, cols!.AsSpan(0, K * L), L, 0f, yb.AsSpan(0, g.OCg * L), L);
                }
                ParallelFor.Run(nc, Math.Max(1, CopyGrain / Math.Max(geo.OCg * P, 1)), (s0, s1) =>
                {
                    for (int s = s0; s < s1; s++)
                        for (int oc = 0; oc < geo.OCg; oc++)
                        {
                            int c = grc * geo.OCg + oc;
                            var src = yb.AsSpan(oc * L + s * P, P);
                            var dst = y.AsSpan(yOff + ((n0 + s) * geo.OC + c) * P, P);
                            if (bias != null) TensorPrimitives.Add(src, bias[biasOff + c], dst);
                            else src.CopyTo(dst);
                        }
                });
            }
        }
    }

    /// <summary>Backward over chunks of samples side by side: dy is gathered into (OCg × n·P), the weight gradient is one
    /// SGEMM against the chunk's columns (accumulated chunk after chunk, always in the same order), and the column
    /// gradient one SGEMM whose columns col2im adds back per sample.</summary>
    private static void BackwardBatched(in ConvGeometry g, int nb, View<float> xv, View<float> wv, View<float> dyv, View<float> dxv,
                                        View<float> dwv)
    {
        // As the forward: the loops index the arrays (none: null) with the views' offsets added.
        float[]? x = xv.IsNone ? null : xv.Array, dx = dxv.IsNone ? null : dxv.Array, dw = dwv.IsNone ? null : dwv.Array;
        float[] w = wv.Array, dy = dyv.Array;
        int xOff = xv.Offset, wOff = wv.Offset, dyOff = dyv.Offset, dxOff = dxv.Offset, dwOff = dwv.Offset;
        var geo = g;
        int K = g.K, P = g.P, S = g.S;
        if (dx != null) dx.AsSpan(dxOff, g.N * g.C * S).Clear();
        if (dw != null) dw.AsSpan(dwOff, g.OC * K).Clear();
        if (g.N == 0 || P == 0) return;
        var cols = Buffer(ref _cols, (long)K * nb * P);
        var dyb = Buffer(ref _ybuf, (long)g.OCg * nb * P);
        for (int n0 = 0; n0 < g.N; n0 += nb)
        {
            int nc = Math.Min(nb, g.N - n0), L = nc * P;
            for (int gr = 0; gr < g.Groups; gr++)
            {
                int grc = gr;
                ParallelFor.Run(nc, Math.Max(1, CopyGrain / Math.Max(geo.OCg * P, 1)), (s0, s1) =>
                {
                    for (int s = s0; s < s1; s++)
                        for (int oc = 0; oc < geo.OCg; oc++)
                            dy.AsSpan(dyOff + ((n0 + s) * geo.OC + grc * geo.OCg + oc) * P, P).CopyTo(dyb.AsSpan(oc * L + s * P, P));
                });
                var dyG = dyb.AsSpan(0, g.OCg * L);
                if (dw != null)
                {
                    ParallelFor.Run(nc, 1, (s0, s1) =>
                    {
                        for (int s = s0; s < s1; s++)
                            Im2Col(geo, x!.AsSpan(xOff + ((n0 + s) * geo.C + grc * geo.Cg) * S, geo.Cg * S), cols.AsSpan(s * P), L);
                    });
                    Gemm.Sgemm(false, true, g.OCg, K, L, 1f, dyG, L, cols.AsSpan(0, K * L), L, n0 == 0 ? 0f : 1f,
                               dw.AsSpan(dwOff + gr * g.OCg * K, g.OCg * K), K);
                }
                if (dx != null)
                {
                    Gemm.Sgemm(true, false, K, L, g.OCg, 1f, w.AsSpan(wOff + gr * g.OCg * K), K, dyG, L, 0f, cols.AsSpan(0, K * L), L);
                    ParallelFor.Run(nc, 1, (s0, s1) =>
                    {
                        for (int s = s0; s < s1; s++)
                            Col2Im(geo, cols.AsSpan(s * P), L, dx.AsSpan(dxOff + ((n0 + s) * geo.C + grc * geo.Cg) * S, geo.Cg * S));
                    });
                }
            }
        }
    }

    /// <summary>The column matrix of one group over <c>samples</c> consecutive samples (K rows, samples·P columns, the
    /// samples side by side), produced panel by panel for <see cref="Gemm.SgemmPackedB"/>: each row segment is unrolled
    /// into an L1-resident row buffer and dealt out to the micro-panels, so the K×P matrix is never written to memory.
    /// The values are exactly <see cref="Im2Col"/>'s.</summary>
    private sealed unsafe class Im2ColSource : BPanelSource
    {
        [ThreadStatic] private static Im2ColSource? _cached;
        private ConvGeometry _g;
        private float[] _x = Array.Empty<float>();
        private int _xOff;

        /// <summary>The calling thread's reusable source for the group input starting at x[xOff] (sample 0 of the
        /// range; later samples are C·S floats apart).</summary>
        public static Im2ColSource For(in ConvGeometry g, float[] x, int xOff, int samples) => (_cached ??= new Im2ColSource()).Set(g, x, xOff, samples);

        /// <summary>Points this source at the group input starting at x[xOff].</summary>
        public Im2ColSource Set(in ConvGeometry g, float[] x, int xOff, int samples)
        {
            _g = g; _x = x; _xOff = xOff;
            if ((long)xOff + ((long)(samples - 1) * g.C + g.Cg) * g.S > x.Length)
                throw new ArgumentException("im2col: input too small for the convolution's geometry.");
            return this;
        }

        public override void Pack(int pc, int kc, int j0, int n, int nr, float* dst)
        {
            int width = (n + nr - 1) / nr * nr;
            float* row = stackalloc float[width];   // n ≤ Gemm.NC: at most 8 KB
            for (int j = n; j < width; j++) row[j] = 0f;
            fixed (float* px = _x)
                for (int p = 0; p < kc; p++)
                {
                    Row(px + _xOff, pc + p, j0, n, row);
                    float* d = dst + (long)p * nr;
                    for (int jr = 0; jr < width; jr += nr, d += (long)nr * kc)
                        new ReadOnlySpan<float>(row + jr, nr).CopyTo(new Span<float>(d, nr));
                }
        }

        /// <summary>Columns j0 … j0+n−1 of column-matrix row k of this source's input into o.</summary>
        public void Row(int k, int j0, int n, float* o)
        {
            fixed (float* px = _x) Row(px + _xOff, k, j0, n, o);
        }

        /// <summary>Columns j0 … j0+n−1 of column-matrix row k into o.</summary>
        private void Row(float* x, int k, int j0, int n, float* o)
        {
            ref readonly var g = ref _g;
            int kw = k % g.KW, t = k / g.KW, kh = t % g.KH; t /= g.KH;
            int kd = t % g.KD, c = t / g.KD;
            int offD = kd * g.DD - g.PD, offH = kh * g.DH - g.PH, offW = kw * g.DW - g.PW;
            ValidRange(offW, g.SW, g.W, g.OW, out int lo, out int hi);
            int P = g.P, OW = g.OW, OHW = g.OH * OW, sw = g.SW;
            long sampleStride = (long)g.C * g.S;
            int s = j0 / P, rem = j0 - s * P, od = rem / OHW; rem -= od * OHW;
            int oh = rem / OW, ow0 = rem - oh * OW;
            while (n > 0)
            {
                int seg = Math.Min(OW - ow0, n), end = ow0 + seg;
                int id = od * g.SD + offD, ih = oh * g.SH + offH;
                int a = Math.Max(lo, ow0), b = Math.Min(hi, end);
                if ((uint)id >= (uint)g.D || (uint)ih >= (uint)g.H || a >= b) Zero(o, seg);
                else
                {
                    float* src = x + s * sampleStride + (long)c * g.S + ((long)id * g.H + ih) * g.W + offW;   // src[ow·SW]: output ow
                    if (a > ow0) Zero(o, a - ow0);
                    if (sw == 1) Copy(src + a, o + (a - ow0), b - a);
                    else if (sw == 2) CopyStride2(src + 2L * a, o + (a - ow0), b - a);
                    else for (int ow = a; ow < b; ow++) o[ow - ow0] = src[(long)ow * sw];
                    if (b < end) Zero(o + (b - ow0), end - b);
                }
                o += seg; n -= seg; ow0 = 0;
                if (++oh == g.OH) { oh = 0; if (++od == g.OD) { od = 0; s++; } }
            }
        }
    }

    /// <summary>The transposed column matrix of one sample's group input (P rows, K columns: B = colsᵀ of the weight
    /// gradient dW = dy·colsᵀ), produced panel by panel for <see cref="Gemm.SgemmPackedB"/>: eight column-matrix rows
    /// are unrolled into a row buffer and turned into the micro-panels by 8×8 transposes, so the K×P matrix is never
    /// written. The packed values, and so the weight gradient's bits, are those of <see cref="Im2Col"/> followed by
    /// SGEMM's transposed packing.</summary>
    private sealed unsafe class Im2ColTransposedSource : BPanelSource
    {
        [ThreadStatic] private static Im2ColTransposedSource? _cached;
        private readonly Im2ColSource _rows = new();

        public static Im2ColTransposedSource For(in ConvGeometry g, float[] x, int xOff)
        {
            var s = _cached ??= new Im2ColTransposedSource();
            s._rows.Set(g, x, xOff, 1);
            return s;
        }

        /// <summary>B[pc .. pc+kc, j0 .. j0+n] = cols[j0 .. j0+n][pc .. pc+kc] as nr-column micro-panels, columns past n
        /// zero. nr is a multiple of 8 on every SGEMM path (32, 16, 2·Vector&lt;float&gt;.Count), so a group of eight
        /// columns never straddles two micro-panels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Pack(int pc, int kc, int j0, int n, int nr, float* dst)
        {
            int kc8 = (kc + 7) & ~7, width = (n + nr - 1) / nr * nr;
            float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(8 * kc8);
            try
            {
                fixed (float* rows = rented)
                    for (int j = 0; j < width; j += 8)
                    {
                        float* panel = dst + (long)(j / nr) * nr * kc + j % nr;
                        for (int r = 0; r < 8; r++)
                        {
                            if (j + r < n) _rows.Row(j0 + j + r, pc, kc, rows + r * kc8);
                            else new Span<float>(rows + r * kc8, kc).Clear();
                        }
                        int p = 0;
                        if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
                            for (; p + 8 <= kc; p += 8) Gemm.Transpose8x8(rows + p, kc8, panel + (long)p * nr, nr);
                        for (; p < kc; p++)
                            for (int r = 0; r < 8; r++) panel[(long)p * nr + r] = rows[r * kc8 + p];
                    }
            }
            finally { System.Buffers.ArrayPool<float>.Shared.Return(rented); }
        }
    }

    /// <summary>Adds bias[c] to every element of y[n, c, ...] (y: N × C × positions, contiguous; bias: C values).</summary>
    public static void AddBias(View<float> bias, View<float> y)
    {
        var (n, oc, p) = y.ChannelRows("convolution bias: output");
        var b = bias.SpanOf(oc, "convolution bias");
        var ys = y.Span;
        for (int s = 0; s < n; s++)
            for (int c = 0; c < oc; c++)
            {
                var row = ys.Slice((s * oc + c) * p, p);
                TensorPrimitives.Add(row, b[c], row);
            }
    }

    /// <summary>db[c] = Σ over samples and positions of dy[n, c, ...] (dy: N × C × positions, contiguous), summed per
    /// row in float and across rows in double.</summary>
    public static void BiasGrad(View<float> dy, Span<float> db)
    {
        var (n, oc, p) = dy.ChannelRows("convolution bias gradient: dy");
        if (db.Length != oc) throw new ArgumentException($"convolution bias gradient: expected {oc} values, got {db.Length}.");
        BiasGradRows(n, oc, p, dy.Span, db);
    }

    private static void BiasGradRows(int n, int oc, int p, ReadOnlySpan<float> d, Span<float> db)
    {
        for (int c = 0; c < oc; c++)
        {
            double sum = 0;
            for (int s = 0; s < n; s++) sum += TensorPrimitives.Sum(d.Slice((s * oc + c) * p, p));
            db[c] = (float)sum;
        }
    }

    /// <summary>The output positions o in [0, outN) whose input index o·stride + off lies in [0, n): [lo, hi).</summary>
    private static void ValidRange(int off, int stride, int n, int outN, out int lo, out int hi)
    {
        lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
        hi = n - off <= 0 ? 0 : (n - off + stride - 1) / stride;
        lo = Math.Min(lo, outN);
        hi = Math.Clamp(hi, lo, outN);
    }

    /// <summary>Unrolls one group's input x (Cg×D×H×W) into cols (K rows of P, row stride <paramref name="ld"/>):
    /// row (c, kd, kh, kw), column (od, oh, ow) holds x[c, od·SD − PD + kd·DD, oh·SH − PH + kh·DH, ow·SW − PW + kw·DW],
    /// or 0 where that falls in the padding.</summary>
    internal static unsafe void Im2Col(in ConvGeometry g, ReadOnlySpan<float> x, Span<float> cols, int ld)
    {
        if (g.K == 0 || g.P == 0) return;
        if ((long)(g.K - 1) * ld + g.P > cols.Length || (long)g.Cg * g.S > x.Length)
            throw new ArgumentException("im2col: buffer too small.");
        int S = g.S, OHW = g.OH * g.OW, OW = g.OW, H = g.H, W = g.W, SW = g.SW, row = 0;
        fixed (float* px = x) fixed (float* pc = cols)
            for (int c = 0; c < g.Cg; c++)
            {
                float* xc = px + (long)c * S;
                for (int kd = 0; kd < g.KD; kd++)
                for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++, row++)
                {
                    float* dst = pc + (long)row * ld;
                    int offD = kd * g.DD - g.PD, offH = kh * g.DH - g.PH, offW = kw * g.DW - g.PW;
                    ValidRange(offW, SW, W, OW, out int lo, out int hi);
                    for (int od = 0; od < g.OD; od++)
                    {
                        int id = od * g.SD + offD;
                        if ((uint)id >= (uint)g.D) { Zero(dst, OHW); dst += OHW; continue; }
                        float* plane = xc + (long)id * H * W;
                        for (int oh = 0; oh < g.OH; oh++, dst += OW)
                        {
                            int ih = oh * g.SH + offH;
                            if ((uint)ih >= (uint)H) { Zero(dst, OW); continue; }
                            float* src = plane + (long)ih * W + offW;   // src[ow·SW] is the input of output ow
                            if (lo > 0) Zero(dst, lo);
                            if (SW == 1) Copy(src + lo, dst + lo, hi - lo);
                            else if (SW == 2) CopyStride2(src + 2L * lo, dst + lo, hi - lo);
                            else for (int ow = lo; ow < hi; ow++) dst[ow] = src[(long)ow * SW];
                            if (hi < OW) Zero(dst + hi, OW - hi);
                        }
                    }
                }
            }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds every column entry back onto the input position it was read
    /// from (entries that came from the padding are dropped). dx (Cg×D×H×W) is accumulated into, not overwritten.</summary>
    internal static unsafe void Col2Im(in ConvGeometry g, ReadOnlySpan<float> cols, int ld, Span<float> dx)
    {
        if (g.K == 0 || g.P == 0) return;
        if ((long)(g.K - 1) * ld + g.P > cols.Length || (long)g.Cg * g.S > dx.Length)
            throw new ArgumentException("col2im: buffer too small.");
        int S = g.S, OHW = g.OH * g.OW, OW = g.OW, H = g.H, W = g.W, SW = g.SW, row = 0;
        fixed (float* pc = cols) fixed (float* px = dx)
            for (int c = 0; c < g.Cg; c++)
            {
                float* xc = px + (long)c * S;
                for (int kd = 0; kd < g.KD; kd++)
                for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++, row++)
                {
                    float* src = pc + (long)row * ld;
                    int offD = kd * g.DD - g.PD, offH = kh * g.DH - g.PH, offW = kw * g.DW - g.PW;
                    ValidRange(offW, SW, W, OW, out int lo, out int hi);
                    if (hi <= lo) continue;
                    for (int od = 0; od < g.OD; od++)
                    {
                        int id = od * g.SD + offD;
                        if ((uint)id >= (uint)g.D) { src += OHW; continue; }
                        float* plane = xc + (long)id * H * W;
                        for (int oh = 0; oh < g.OH; oh++, src += OW)
                        {
                            int ih = oh * g.SH + offH;
                            if ((uint)ih >= (uint)H) continue;
                            float* dst = plane + (long)ih * W + offW;
                            if (SW == 1) AddTo(src + lo, dst + lo, hi - lo);
                            else for (int ow = lo; ow < hi; ow++) dst[(long)ow * SW] += src[ow];
                        }
                    }
                }
            }
    }

    /// <summary>dst[i] = src[2i] for i &lt; n (stride-2 convolutions' im2col rows: ResNet's stem and downsampling layers),
    /// eight at a time with AVX: the even lanes of two loads (the max pool's <see cref="PoolKernels.Even256"/>). The
    /// vector loop stops while its 16-float read ends before src[2n − 2], so it never reads past the last element it needs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyStride2(float* src, float* dst, int n)
    {
        int i = 0;
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
            for (; i + 8 < n; i += 8)
                PoolKernels.Even256(Vector256.Load(src + 2 * i), Vector256.Load(src + 2 * i + 8)).Store(dst + i);
        for (; i < n; i++) dst[i] = src[2L * i];
    }

    // Short rows (a few to a few dozen floats) dominate im2col; these inline loops beat Span.CopyTo/Clear there.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Copy(float* src, float* dst, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddTo(float* src, float* dst, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] += src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Zero(float* dst, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256<float>.Zero, dst + i);
        for (; i < n; i++) dst[i] = 0f;
    }
}
