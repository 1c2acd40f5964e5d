using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lumen.Kernels;

/// <summary>A small shared pool of float buffers for the convolution kernels, rented and returned per call, so a new
/// thread-pool worker does not allocate a fresh buffer (thread-local buffers did, once per new worker).</summary>
internal static class ConvBufferPool
{
    private static readonly float[]?[] Slots = new float[]?[16];

    /// <summary>A buffer of at least <paramref name="size"/> floats (contents undefined): the smallest pooled one that is
    /// large enough, or a new one.</summary>
    public static float[] Rent(long size)
    {
        if (size > Array.MaxLength) throw new ArgumentException($"convolution: a buffer of {size} floats is too large.");
        lock (Slots)
        {
            int best = -1;
            for (int i = 0; i < Slots.Length; i++)
                if (Slots[i] is { } a && a.Length >= size && (best < 0 || a.Length < Slots[best]!.Length)) best = i;
            if (best >= 0) { var a = Slots[best]!; Slots[best] = null; return a; }
        }
        return GC.AllocateUninitializedArray<float>((int)Math.Max(size, 1024));
    }

    /// <summary>Gives a rented buffer back (into a free slot, else in place of the smallest pooled one if larger).</summary>
    public static void Return(float[] buffer)
    {
        lock (Slots)
        {
            int free = -1, smallest = -1;
            for (int i = 0; i < Slots.Length; i++)
            {
                if (Slots[i] == null) { free = i; break; }
                if (smallest < 0 || Slots[i]!.Length < Slots[smallest]!.Length) smallest = i;
            }
            if (free >= 0) Slots[free] = buffer;
            else if (Slots[smallest]!.Length < buffer.Length) Slots[smallest] = buffer;
        }
    }
}

/// <summary>Direct convolution for thin layers (few input channels times kernel taps, e.g. a 3-d CNN's first layer:
/// C = 1, 3×3×3): im2col + SGEMM spends most of its time unrolling a K×P column matrix each value of which is then
/// used only OC times. Here each sample is copied once into a zero-padded volume; the forward accumulates blocks of
/// output channels × output rows × 16 (Vector512) or 8 (Vector256) columns tap by tap in registers; the input gradient
/// is that same forward run on dy with the weights transposed and flipped; the weight gradient accumulates blocks of
/// output channels × kw taps over all of a sample's rows in registers (and the bias gradient alongside). Stride 1,
/// dilation 1, one group, OW ≥ 8, AVX-class vectors only (ARM64 and other hosts take im2col + SGEMM); the forward
/// also takes wider layers (K up to 2304) where the Vector512 kernel fits them (<see cref="ForwardApplies"/>); the summation
/// order is fixed (taps c, kd, kh, kw in order; samples in fixed ranges summed in range order), so results are
/// reproducible and do not depend on the thread count.</summary>
internal static unsafe class ConvDirect
{
    /// <summary>Whether the direct kernels take this geometry: stride and dilation 1, one group, no output smaller than
    /// the padding implies, rows of at least 8 outputs, and K = C·KD·KH·KW at most <see cref="MaxK"/>.</summary>
    public static bool Applies(in ConvGeometry g) => Applies(g, MaxK);

    private static bool Applies(in ConvGeometry g, int maxK) =>
        !Disable && Vector256.IsHardwareAccelerated && g.Groups == 1 && g.K <= maxK && g.OW >= 8 &&
        g.SD == 1 && g.SH == 1 && g.SW == 1 && g.DD == 1 && g.DH == 1 && g.DW == 1 &&
        g.OD + g.KD - 1 >= g.D + g.PD && g.OH + g.KH - 1 >= g.H + g.PH && g.OW + g.KW - 1 >= g.W + g.PW;

    /// <summary>Largest K (input channels × taps) the direct path takes.</summary>
    public const int MaxK = 256;

    /// <summary>Makes the forward (<see cref="ForceForward"/>) or the input gradient (<see cref="ForceInputGrad"/>) take
    /// the direct kernel on every geometry it can compute, whatever K, for calls made from the current thread
    /// (benchmarks compare both paths with it).</summary>
    [ThreadStatic] internal static bool ForceForward, ForceInputGrad;

    /// <summary>Whether the forward takes the direct kernel: where <see cref="Applies(in ConvGeometry)"/> does (any
    /// vector width), and also, with K up to <see cref="MaxWideK"/>, where <see cref="WideForward"/> holds.</summary>
    public static bool ForwardApplies(in ConvGeometry g) =>
        ForceForward ? Applies(g, int.MaxValue)
                     : (Applies(g, MaxK) && (g.KK > 1 || g.C <= MaxPointwiseForwardC)) || (WideForward(g) && Applies(g, MaxWideK));

    /// <summary>A pointwise (1×1) stride-1 convolution takes the direct forward only up to this many input channels, and
    /// the direct gradients (<see cref="InputGradApplies"/>, <see cref="WeightGradApplies"/>) up to
    /// <see cref="MaxPointwiseBackwardC"/>: SGEMM multiplies the input directly there, without im2col, and wins beyond
    /// them. Measured (`--conv-layers --direct-vs-gemm`, 2 threads, batch 8, 56²–64², GEMM ÷ direct): forward 3→16
    /// 1.08–1.13, 8→32 0.46–0.49, 16→64 0.60–0.68, 64→256 0.75–0.78, 256→64 0.86–0.91; input and weight gradients
    /// together 3→16 3.4–4.3, 8→32 1.87–1.89, 16→64 0.89–0.98, 32→64 0.46–0.59, 64→256 0.36, 256→64 0.50–0.53.</summary>
    public const int MaxPointwiseForwardC = 4, MaxPointwiseBackwardC = 8;

    /// <summary>Whether the weight gradient takes the direct kernel (<see cref="WeightGrad"/>): the forward's thin rule,
    /// pointwise layers only up to <see cref="MaxPointwiseBackwardC"/> input channels.</summary>
    public static bool WeightGradApplies(in ConvGeometry g) => Applies(g) && (g.KK > 1 || g.C <= MaxPointwiseBackwardC);

    /// <summary>The forward's wide rule: the Vector512 kernel runs (rows of at least 16 outputs) with at least three
    /// quarters of its 16-column chunks' lanes new outputs (OW = 16, 24, 28, 32, 48, 56, ..., not 20 or 40), at least
    /// two output rows per plane (not 1-d), more than one tap (a pointwise convolution multiplies the input directly),
    /// and weights of at most <see cref="MaxWideWeights"/> floats. Measured against im2col + SGEMM (docs/performance.md,
    /// "Wide direct forward"): 1.1-1.5× faster on ResNet-18/VGG-16 layers of that kind (56² 64→64, 28² 128→128, 224²
    /// 64→64, 112² 128→128), even or slower with larger weights (56² 256→256, 28² 512→512), on 1-d rows, on 1×1
    /// layers, and on rows under 16 (the Vector256 kernel: ResNet-18 layer3, 14 wide, 0.5×).</summary>
    private static bool WideForward(in ConvGeometry g) =>
        Wide(g) && 4 * g.OW >= 3 * 16 * ((g.OW + 15) / 16) && g.OH >= 2 && g.KK > 1 && (long)g.OC * g.K <= MaxWideWeights;

    /// <summary>Largest OC·K (weights, in floats: 576 KB) for which the forward takes the direct kernel with K above
    /// <see cref="MaxK"/>: 128·1152, a 3×3 128→128 layer.</summary>
    public const long MaxWideWeights = 128 * 1152;

    /// <summary>Largest K the wide rule takes (the largest measured: a 3×3 layer with 256 input channels).</summary>
    public const int MaxWideK = 2304;

    /// <summary>Whether the input gradient can go through the direct forward kernel (<see cref="InputGrad"/>): the
    /// convolution has stride and dilation 1 and one group, padding below the kernel size, and its transposed
    /// convolution takes the direct path with OC·KD·KH·KW at most <see cref="MaxKInputGrad"/>.</summary>
    public static bool InputGradApplies(in ConvGeometry g) =>
        g.Groups == 1 && g.SD == 1 && g.SH == 1 && g.SW == 1 && g.DD == 1 && g.DH == 1 && g.DW == 1 &&
        (g.KK > 1 || g.C <= MaxPointwiseBackwardC || ForceInputGrad) &&
        g.PD < g.KD && g.PH < g.KH && g.PW < g.KW && Applies(g.InputGradient(), ForceInputGrad ? int.MaxValue : MaxKInputGrad);

    /// <summary>Largest OC·KD·KH·KW for which the input gradient takes the direct kernel.</summary>
    public const int MaxKInputGrad = 512;

    /// <summary>dx (N, C, D, H, W at dxOff, overwritten) = the stride-1 convolution of dy, padded by K − 1 − P, with the
    /// weights transposed (C ↔ OC) and flipped in every spatial dimension, through the direct forward kernel. Each
    /// sample is its own work item, so the result does not depend on the thread count.</summary>
    public static void InputGrad(in ConvGeometry g, float[] w, int wOff, float[] dy, int dyOff, float[] dx, int dxOff)
    {
        int C = g.C, OC = g.OC, KK = g.KK;
        var wt = ConvBufferPool.Rent((long)C * OC * KK);
        try
        {
            for (int oc = 0; oc < OC; oc++)
                for (int c = 0; c < C; c++)
                {
                    int src = wOff + (oc * C + c) * KK, dst = (c * OC + oc) * KK + KK - 1;
                    for (int t = 0; t < KK; t++) wt[dst - t] = w[src + t];
                }
            Forward(g.InputGradient(), dy, dyOff, wt, 0, null, 0, dx, dxOff);
        }
        finally { ConvBufferPool.Return(wt); }
    }

    /// <summary>Turns the direct path off for calls made from the current thread (tests compare both ways).</summary>
    [ThreadStatic] internal static bool Disable;

    private static (int Dp, int Hp, int Wp) Padded(in ConvGeometry g) => (g.OD + g.KD - 1, g.OH + g.KH - 1, g.OW + g.KW - 1);

    /// <summary>Sample s of x (C×D×H×W at xOff) into xp (C×Dp×Hp×Wp), zeros around.</summary>
    private static void Pad(in ConvGeometry g, float[] x, int xOff, float* xp)
    {
        var (Dp, Hp, Wp) = Padded(g);
        new Span<float>(xp, g.C * Dp * Hp * Wp).Clear();
        fixed (float* px = x)
            for (int c = 0; c < g.C; c++)
                for (int d = 0; d < g.D; d++)
                    for (int h = 0; h < g.H; h++)
                        new ReadOnlySpan<float>(px + xOff + ((long)(c * g.D + d) * g.H + h) * g.W, g.W)
                            .CopyTo(new Span<float>(xp + ((long)(c * Dp + d + g.PD) * Hp + h + g.PH) * Wp + g.PW, g.W));
    }

    /// <summary>y = conv(x, w) + bias, as <see cref="ConvKernels.Forward"/>.</summary>
    public static void Forward(in ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[]? bias, int biasOff,
                               float[] y, int yOff)
    {
        var job = Job.Take();
        try { job.Forward(g, Wide(g), x, xOff, w, wOff, bias, biasOff, y, yOff); }   // Wide read on the calling thread
        finally { Job.Give(job); }
    }

    /// <summary>One direct call's operands. The parallel bodies are delegates made once per job object that read them
    /// from its fields, and each thread keeps a job for reuse, so a call allocates no closure.</summary>
    private sealed class Job
    {
        [ThreadStatic] private static Job? _spare;

        /// <summary>This thread's spare job, or a new one when it is in use (a nested call).</summary>
        public static Job Take()
        {
            var job = _spare ?? new Job();
            _spare = null;
            return job;
        }

        public static void Give(Job job)
        {
            job._x = job._w = job._y = job._acc = null;
            job._bias = null;
            _spare = job;
        }

        private readonly Action<int, int> _forward, _weightGrad;
        private ConvGeometry _g;
        private bool _wide;
        private float[]? _x, _w, _y, _bias, _acc;
        private int _xOff, _wOff, _yOff, _biasOff, _units, _nextSample;
        private long _padSize, _biasAt;

        private Job()
        {
            _forward = ForwardRange;
            _weightGrad = WeightGradRange;
        }

        public void Forward(in ConvGeometry g, bool wide, float[] x, int xOff, float[] w, int wOff, float[]? bias, int biasOff,
                            float[] y, int yOff)
        {
            var (Dp, Hp, Wp) = Padded(g);
            (_g, _wide, _x, _xOff, _w, _wOff, _bias, _biasOff, _y, _yOff) = (g, wide, x, xOff, w, wOff, bias, biasOff, y, yOff);
            _padSize = (long)g.C * Dp * Hp * Wp;
            _nextSample = 0;
            ParallelFor.Run(Math.Min(g.N, ParallelFor.NumThreads), 1, _forward);
        }

        /// <summary>One participant's share of the forward: it takes samples one at a time until none are left (a
        /// thread slowed by other work on the machine takes fewer; each sample's result is the same whoever computes it).</summary>
        private void ForwardRange(int c0, int c1)
        {
            var xpBuf = ConvBufferPool.Rent(_padSize);
            try
            {
                fixed (float* xp = xpBuf) fixed (float* pw = _w) fixed (float* py = _y)
                    for (int s; (s = Interlocked.Increment(ref _nextSample) - 1) < _g.N;)
                    {
                        Pad(_g, _x!, _xOff + s * _g.C * _g.S, xp);
                        ForwardSample(_g, _wide, xp, pw + _wOff, _bias, _biasOff, py + _yOff + (long)s * _g.OC * _g.P);
                    }
            }
            finally { ConvBufferPool.Return(xpBuf); }
        }

        /// <summary>Each unit's weight-gradient partial sums into acc (8 per oc and tap), dy as _y; with biasAt ≥ 0, each
        /// unit's per-channel Σ dy as doubles from float index biasAt of acc.</summary>
        public void WeightGrad(in ConvGeometry g, bool wide, float[] x, int xOff, float[] dy, int dyOff, float[] acc, int units,
                               long biasAt)
        {
            var (Dp, Hp, Wp) = Padded(g);
            (_g, _wide, _x, _xOff, _y, _yOff, _acc, _units, _biasAt) = (g, wide, x, xOff, dy, dyOff, acc, units, biasAt);
            _padSize = (long)g.C * Dp * Hp * Wp;
            ParallelFor.Run(units, 1, _weightGrad);
        }

        private void WeightGradRange(int u0, int u1)
        {
            var xpBuf = ConvBufferPool.Rent(_padSize);
            int n = _g.N, units = _units, wSize = _g.OC * _g.K;
            try
            {
                fixed (float* xp = xpBuf) fixed (float* pdy = _y) fixed (float* pa = _acc)
                    for (int u = u0; u < u1; u++)
                    {
                        float* a = pa + (long)u * wSize * 8;
                        new Span<float>(a, wSize * 8).Clear();
                        double* bs = _biasAt < 0 ? null : (double*)(pa + _biasAt) + (long)u * _g.OC;
                        if (bs != null) new Span<double>(bs, _g.OC).Clear();
                        for (int s = (int)((long)n * u / units), s1 = (int)((long)n * (u + 1) / units); s < s1; s++)
                        {
                            float* dys = pdy + _yOff + (long)s * _g.OC * _g.P;
                            if (bs != null)
                                for (int oc = 0; oc < _g.OC; oc++) bs[oc] += Sum(dys + (long)oc * _g.P, _g.P);
                            Pad(_g, _x!, _xOff + s * _g.C * _g.S, xp);
                            WeightGradSample(_g, _wide, xp, dys, a);
                        }
                    }
            }
            finally { ConvBufferPool.Return(xpBuf); }
        }
    }

    /// <summary>Makes the forward kernel use 256-bit vectors even where 512-bit ones are accelerated, for calls made
    /// from the current thread (tests prove both give the same bits).</summary>
    [ThreadStatic] internal static bool No512;

    /// <summary>Whether the forward takes the Vector512 kernel (16 columns per vector, 8 channels × 2 rows per block).</summary>
    private static bool Wide(in ConvGeometry g) => !No512 && Vector512.IsHardwareAccelerated && g.OW >= 16;

    /// <summary>A compile-time count for the generic block kernels (the JIT specialises each instantiation and drops
    /// the accumulators a smaller block does not use).</summary>
    private interface ICount { static abstract int N { get; } }
    private struct One : ICount { public static int N => 1; }
    private struct Two : ICount { public static int N => 2; }
    private struct Four : ICount { public static int N => 4; }
    private struct Eight : ICount { public static int N => 8; }

    /// <summary>What every block of one sample's forward shares.</summary>
    private readonly struct Sample
    {
        public readonly float* X, W, Y;
        public readonly int* Rows;
        public readonly int Taps, KW, K, Wp, OW, OH, P, BiasOff;
        public readonly float[]? Bias;

        public Sample(in ConvGeometry g, float* x, float* w, float[]? bias, int biasOff, float* y, int* rows, int taps, int wp)
        {
            X = x; W = w; Y = y; Rows = rows; Taps = taps; KW = g.KW; K = g.K; Wp = wp; OW = g.OW; OH = g.OH; P = g.P;
            Bias = bias; BiasOff = biasOff;
        }

        /// <summary>The accumulated sums plus channel oc's bias (none added without a bias).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Add(Vector512<float> a, int oc) => Bias == null ? a : a + Vector512.Create(Bias[BiasOff + oc]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Add(Vector256<float> a, int oc) => Bias == null ? a : a + Vector256.Create(Bias[BiasOff + oc]);
    }

    /// <summary>One sample's output: blocks of output channels (8, then 4, then 1) × chunks of one or two output rows,
    /// 16 (Vector512) or 8 (Vector256) columns per vector, the last chunk of a row overlapping the previous one (same
    /// values rewritten). Every output sums its products in the same order whichever kernel and block computes it:
    /// c, kd, kh, kw ascending, one FMA each starting from zero, the bias added at the end — so the two vector widths
    /// give identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardSample(in ConvGeometry g, bool wide, float* xp, float* w, float[]? bias, int biasOff, float* y)
    {
        var (Dp, Hp, Wp) = Padded(g);
        int taps = g.C * g.KD * g.KH;
        int* rows = stackalloc int[taps];   // offset of each (c, kd, kh) input row relative to the output row's origin
        for (int c = 0, t = 0; c < g.C; c++)
            for (int kd = 0; kd < g.KD; kd++)
                for (int kh = 0; kh < g.KH; kh++)
                    rows[t++] = ((c * Dp + kd) * Hp + kh) * Wp;
        var sm = new Sample(g, xp, w, bias, biasOff, y, rows, taps, Wp);
        for (int od = 0; od < g.OD; od++)
        {
            int oh = 0;
            if (wide)
            {
                for (; oh + 2 <= g.OH; oh += 2) Row512<Two>(sm, g.OC, od, oh, Hp);
                for (; oh < g.OH; oh++) Row512<One>(sm, g.OC, od, oh, Hp);
            }
            else
                for (; oh < g.OH; oh++) Row256(sm, g.OC, od, oh, Hp);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row512<TR>(in Sample sm, int OC, int od, int oh, int Hp) where TR : struct, ICount
    {
        float* xo = sm.X + ((long)od * Hp + oh) * sm.Wp;
        long yo = ((long)od * sm.OH + oh) * sm.OW;
        int oc = 0;
        for (; oc + 8 <= OC; oc += 8) Chunks512<Eight, TR>(sm, xo, yo, oc);
        for (; oc + 4 <= OC; oc += 4) Chunks512<Four, TR>(sm, xo, yo, oc);
        for (; oc < OC; oc++) Chunks512<One, TR>(sm, xo, yo, oc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chunks512<TO, TR>(in Sample sm, float* xo, long yo, int oc) where TO : struct, ICount where TR : struct, ICount
    {
        for (int j = 0; ; j += 16)
        {
            if (j > sm.OW - 16) j = sm.OW - 16;
            Block512<TO, TR>(sm, xo + j, yo + j, oc);
            if (j == sm.OW - 16) break;
        }
    }

    /// <summary>TO output channels (1, 4 or 8) × TR output rows (1 or 2) × 16 columns, up to 16 zmm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block512<TO, TR>(in Sample sm, float* xo, long yo, int oc) where TO : struct, ICount where TR : struct, ICount
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        int K = sm.K, KW = sm.KW, Wp = sm.Wp;
        float* wb = sm.W + (long)oc * K;
        for (int t = 0; t < sm.Taps; t++)
        {
            float* xr = xo + sm.Rows[t];
            for (int kw = 0; kw < KW; kw++, wb++)
            {
                var x0 = Vector512.Load(xr + kw);
                var x1 = TR.N > 1 ? Vector512.Load(xr + Wp + kw) : default;
                var v = Vector512.Create(wb[0]);
                a0 = Vector512.FusedMultiplyAdd(v, x0, a0);
                if (TR.N > 1) b0 = Vector512.FusedMultiplyAdd(v, x1, b0);
                if (TO.N > 1)
                {
                    v = Vector512.Create(wb[K]);
                    a1 = Vector512.FusedMultiplyAdd(v, x0, a1);
                    if (TR.N > 1) b1 = Vector512.FusedMultiplyAdd(v, x1, b1);
                    v = Vector512.Create(wb[2 * K]);
                    a2 = Vector512.FusedMultiplyAdd(v, x0, a2);
                    if (TR.N > 1) b2 = Vector512.FusedMultiplyAdd(v, x1, b2);
                    v = Vector512.Create(wb[3 * K]);
                    a3 = Vector512.FusedMultiplyAdd(v, x0, a3);
                    if (TR.N > 1) b3 = Vector512.FusedMultiplyAdd(v, x1, b3);
                }
                if (TO.N > 4)
                {
                    v = Vector512.Create(wb[4 * K]);
                    a4 = Vector512.FusedMultiplyAdd(v, x0, a4);
                    if (TR.N > 1) b4 = Vector512.FusedMultiplyAdd(v, x1, b4);
                    v = Vector512.Create(wb[5 * K]);
                    a5 = Vector512.FusedMultiplyAdd(v, x0, a5);
                    if (TR.N > 1) b5 = Vector512.FusedMultiplyAdd(v, x1, b5);
                    v = Vector512.Create(wb[6 * K]);
                    a6 = Vector512.FusedMultiplyAdd(v, x0, a6);
                    if (TR.N > 1) b6 = Vector512.FusedMultiplyAdd(v, x1, b6);
                    v = Vector512.Create(wb[7 * K]);
                    a7 = Vector512.FusedMultiplyAdd(v, x0, a7);
                    if (TR.N > 1) b7 = Vector512.FusedMultiplyAdd(v, x1, b7);
                }
            }
        }
        int P = sm.P, OW = sm.OW;
        float* y = sm.Y + (long)oc * P + yo;
        sm.Add(a0, oc).Store(y);
        if (TR.N > 1) sm.Add(b0, oc).Store(y + OW);
        if (TO.N > 1)
        {
            sm.Add(a1, oc + 1).Store(y + P);
            sm.Add(a2, oc + 2).Store(y + 2 * P);
            sm.Add(a3, oc + 3).Store(y + 3 * P);
            if (TR.N > 1)
            {
                sm.Add(b1, oc + 1).Store(y + P + OW);
                sm.Add(b2, oc + 2).Store(y + 2 * P + OW);
                sm.Add(b3, oc + 3).Store(y + 3 * P + OW);
            }
        }
        if (TO.N > 4)
        {
            sm.Add(a4, oc + 4).Store(y + 4 * P);
            sm.Add(a5, oc + 5).Store(y + 5 * P);
            sm.Add(a6, oc + 6).Store(y + 6 * P);
            sm.Add(a7, oc + 7).Store(y + 7 * P);
            if (TR.N > 1)
            {
                sm.Add(b4, oc + 4).Store(y + 4 * P + OW);
                sm.Add(b5, oc + 5).Store(y + 5 * P + OW);
                sm.Add(b6, oc + 6).Store(y + 6 * P + OW);
                sm.Add(b7, oc + 7).Store(y + 7 * P + OW);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row256(in Sample sm, int OC, int od, int oh, int Hp)
    {
        float* xo = sm.X + ((long)od * Hp + oh) * sm.Wp;
        long yo = ((long)od * sm.OH + oh) * sm.OW;
        int oc = 0;
        for (; oc + 8 <= OC; oc += 8) Chunks256<Eight>(sm, xo, yo, oc);
        for (; oc + 4 <= OC; oc += 4) Chunks256<Four>(sm, xo, yo, oc);
        for (; oc < OC; oc++) Chunks256<One>(sm, xo, yo, oc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chunks256<TO>(in Sample sm, float* xo, long yo, int oc) where TO : struct, ICount
    {
        for (int j = 0; ; j += 8)
        {
            if (j > sm.OW - 8) j = sm.OW - 8;
            Block256<TO>(sm, xo + j, yo + j, oc);
            if (j == sm.OW - 8) break;
        }
    }

    /// <summary>TO output channels (1, 4 or 8) × one row × 8 columns (at most 8 ymm accumulators: AVX2 has 16 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block256<TO>(in Sample sm, float* xo, long yo, int oc) where TO : struct, ICount
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        int K = sm.K, KW = sm.KW;
        float* wb = sm.W + (long)oc * K;
        for (int t = 0; t < sm.Taps; t++)
        {
            float* xr = xo + sm.Rows[t];
            for (int kw = 0; kw < KW; kw++, wb++)
            {
                var x0 = Vector256.Load(xr + kw);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[0]), x0, a0);
                if (TO.N > 1)
                {
                    a1 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[K]), x0, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[2 * K]), x0, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[3 * K]), x0, a3);
                }
                if (TO.N > 4)
                {
                    a4 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[4 * K]), x0, a4);
                    a5 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[5 * K]), x0, a5);
                    a6 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[6 * K]), x0, a6);
                    a7 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[7 * K]), x0, a7);
                }
            }
        }
        int P = sm.P;
        float* y = sm.Y + (long)oc * P + yo;
        sm.Add(a0, oc).Store(y);
        if (TO.N > 1)
        {
            sm.Add(a1, oc + 1).Store(y + P);
            sm.Add(a2, oc + 2).Store(y + 2 * P);
            sm.Add(a3, oc + 3).Store(y + 3 * P);
        }
        if (TO.N > 4)
        {
            sm.Add(a4, oc + 4).Store(y + 4 * P);
            sm.Add(a5, oc + 5).Store(y + 5 * P);
            sm.Add(a6, oc + 6).Store(y + 6 * P);
            sm.Add(a7, oc + 7).Store(y + 7 * P);
        }
    }

    /// <summary>dw (OC×K at dwOff, overwritten) = Σ over samples and positions of dy · x shifted by each tap, and, when
    /// <paramref name="db"/> is not null, db (OC at dbOff, overwritten) = Σ dy per channel, summed from each sample's dy
    /// while it is in cache for the weight gradient. Samples are summed in fixed ranges (at most 8), each range's
    /// partial sums added in range order, so the result does not depend on the thread count.</summary>
    public static void WeightGrad(in ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                                  float[]? db = null, int dbOff = 0)
    {
        int n = g.N, wSize = g.OC * g.K, units = Math.Min(n, 8);
        if (n == 0)
        {
            dw.AsSpan(dwOff, wSize).Clear();
            db?.AsSpan(dbOff, g.OC).Clear();
            return;
        }
        // One vector of partial sums per unit, oc and tap; then, with db, one double per unit and oc.
        long dwFloats = (long)units * wSize * 8;
        var acc = ConvBufferPool.Rent(dwFloats + (db != null ? 2L * units * g.OC : 0));
        var job = Job.Take();
        try
        {
            job.WeightGrad(g, Wide(g), x, xOff, dy, dyOff, acc, units, db != null ? dwFloats : -1);
            for (int i = 0; i < wSize; i++)
            {
                var v = Vector256.Create(acc.AsSpan(i * 8, 8));
                for (int u = 1; u < units; u++) v += Vector256.Create(acc.AsSpan((int)(((long)u * wSize + i) * 8), 8));
                dw[dwOff + i] = Vector256.Sum(v);
            }
            if (db != null)
                fixed (float* pa = acc)
                {
                    var sums = (double*)(pa + dwFloats);
                    for (int oc = 0; oc < g.OC; oc++)
                    {
                        double sum = 0;
                        for (int u = 0; u < units; u++) sum += sums[u * g.OC + oc];
                        db[dbOff + oc] = (float)sum;
                    }
                }
        }
        finally
        {
            Job.Give(job);
            ConvBufferPool.Return(acc);
        }
    }

    /// <summary>Σ of n floats: 4 vector accumulators over 64-float blocks, then the rest one vector at a time, then
    /// one at a time; a fixed order.</summary>
    private static float Sum(float* p, int n)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            s0 += Vector256.Load(p + i);
            s1 += Vector256.Load(p + i + 8);
            s2 += Vector256.Load(p + i + 16);
            s3 += Vector256.Load(p + i + 24);
        }
        for (; i + 8 <= n; i += 8) s0 += Vector256.Load(p + i);
        float r = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) r += p[i];
        return r;
    }

    private struct Three : ICount { public static int N => 3; }

    /// <summary>One sample's contribution to the weight gradient, added to acc (8 partial sums per oc and tap).
    /// Blocks of output channels (8 with Vector512, 4 with Vector256, then single ones) × up to 3 kw taps of one
    /// (c, kd, kh) input row are accumulated in registers over all output rows of the sample (one dy load feeds 3
    /// FMAs, one x load 8 or 4), then folded to 8 lanes and added to acc. Lanes of a row's last, overlapping chunk
    /// that the previous chunk already covered are masked off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradSample(in ConvGeometry g, bool wide, float* xp, float* dy, float* acc)
    {
        var (Dp, Hp, Wp) = Padded(g);
        var sm = new Sample(g, xp, null, null, 0, dy, null, 0, Wp);
        int OC = g.OC;
        for (int c = 0; c < g.C; c++)
            for (int kd = 0; kd < g.KD; kd++)
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int rowOff = ((c * Dp + kd) * Hp + kh) * Wp, t0 = ((c * g.KD + kd) * g.KH + kh) * g.KW;
                    for (int kw = 0; kw < g.KW; kw += 3)
                    {
                        int nk = Math.Min(3, g.KW - kw);
                        int oc = 0;
                        if (wide)
                        {
                            for (; oc + 8 <= OC; oc += 8) WgKw512<Eight>(sm, g, nk, oc, rowOff + kw, t0 + kw, Hp, acc);
                            for (; oc < OC; oc++) WgKw512<One>(sm, g, nk, oc, rowOff + kw, t0 + kw, Hp, acc);
                        }
                        else
                        {
                            for (; oc + 4 <= OC; oc += 4) WgKw256<Four>(sm, g, nk, oc, rowOff + kw, t0 + kw, Hp, acc);
                            for (; oc < OC; oc++) WgKw256<One>(sm, g, nk, oc, rowOff + kw, t0 + kw, Hp, acc);
                        }
                    }
                }
    }

    private static void WgKw512<TO>(in Sample sm, in ConvGeometry g, int nk, int oc, int xOff, int t, int Hp, float* acc) where TO : struct, ICount
    {
        if (nk == 3) WgBlock512<TO, Three>(sm, g, oc, xOff, t, Hp, acc);
        else if (nk == 2) WgBlock512<TO, Two>(sm, g, oc, xOff, t, Hp, acc);
        else WgBlock512<TO, One>(sm, g, oc, xOff, t, Hp, acc);
    }

    private static void WgKw256<TO>(in Sample sm, in ConvGeometry g, int nk, int oc, int xOff, int t, int Hp, float* acc) where TO : struct, ICount
    {
        if (nk == 3) WgBlock256<TO, Three>(sm, g, oc, xOff, t, Hp, acc);
        else if (nk == 2) WgBlock256<TO, Two>(sm, g, oc, xOff, t, Hp, acc);
        else WgBlock256<TO, One>(sm, g, oc, xOff, t, Hp, acc);
    }

    /// <summary>acc[oc + o, t + k] += Σ over the sample's output positions of dy[oc + o] · x shifted by tap t + k, for
    /// o &lt; TO (1 or 8) and k &lt; TK (1 to 3): up to 24 zmm accumulators, 16 columns per vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WgBlock512<TO, TK>(in Sample sm, in ConvGeometry g, int oc, int xOff, int t, int Hp, float* acc)
        where TO : struct, ICount where TK : struct, ICount
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a50 = default, a51 = default, a52 = default;
        Vector512<float> a60 = default, a61 = default, a62 = default, a70 = default, a71 = default, a72 = default;
        int OW = sm.OW, P = sm.P, Wp = sm.Wp, tail = OW % 16;
        var mask = Vector512.GreaterThanOrEqual(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                                Vector512.Create(tail == 0 ? 0 : 16 - tail)).AsSingle();
        float* dyo = sm.Y + (long)oc * P;
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            {
                float* xr = sm.X + xOff + ((long)od * Hp + oh) * Wp;
                float* dr = dyo + ((long)od * g.OH + oh) * OW;
                for (int j = 0; ; j += 16)
                {
                    var m = mask;
                    if (j > OW - 16) j = OW - 16;
                    else m = Vector512<float>.AllBitsSet;
                    var x0 = Vector512.Load(xr + j);
                    var x1 = TK.N > 1 ? Vector512.Load(xr + j + 1) : default;
                    var x2 = TK.N > 2 ? Vector512.Load(xr + j + 2) : default;
                    var d = Vector512.Load(dr + j) & m;
                    a00 = Vector512.FusedMultiplyAdd(d, x0, a00);
                    if (TK.N > 1) a01 = Vector512.FusedMultiplyAdd(d, x1, a01);
                    if (TK.N > 2) a02 = Vector512.FusedMultiplyAdd(d, x2, a02);
                    if (TO.N > 1)
                    {
                        d = Vector512.Load(dr + P + j) & m;
                        a10 = Vector512.FusedMultiplyAdd(d, x0, a10);
                        if (TK.N > 1) a11 = Vector512.FusedMultiplyAdd(d, x1, a11);
                        if (TK.N > 2) a12 = Vector512.FusedMultiplyAdd(d, x2, a12);
                        d = Vector512.Load(dr + 2 * P + j) & m;
                        a20 = Vector512.FusedMultiplyAdd(d, x0, a20);
                        if (TK.N > 1) a21 = Vector512.FusedMultiplyAdd(d, x1, a21);
                        if (TK.N > 2) a22 = Vector512.FusedMultiplyAdd(d, x2, a22);
                        d = Vector512.Load(dr + 3 * P + j) & m;
                        a30 = Vector512.FusedMultiplyAdd(d, x0, a30);
                        if (TK.N > 1) a31 = Vector512.FusedMultiplyAdd(d, x1, a31);
                        if (TK.N > 2) a32 = Vector512.FusedMultiplyAdd(d, x2, a32);
                        d = Vector512.Load(dr + 4 * P + j) & m;
                        a40 = Vector512.FusedMultiplyAdd(d, x0, a40);
                        if (TK.N > 1) a41 = Vector512.FusedMultiplyAdd(d, x1, a41);
                        if (TK.N > 2) a42 = Vector512.FusedMultiplyAdd(d, x2, a42);
                        d = Vector512.Load(dr + 5 * P + j) & m;
                        a50 = Vector512.FusedMultiplyAdd(d, x0, a50);
                        if (TK.N > 1) a51 = Vector512.FusedMultiplyAdd(d, x1, a51);
                        if (TK.N > 2) a52 = Vector512.FusedMultiplyAdd(d, x2, a52);
                        d = Vector512.Load(dr + 6 * P + j) & m;
                        a60 = Vector512.FusedMultiplyAdd(d, x0, a60);
                        if (TK.N > 1) a61 = Vector512.FusedMultiplyAdd(d, x1, a61);
                        if (TK.N > 2) a62 = Vector512.FusedMultiplyAdd(d, x2, a62);
                        d = Vector512.Load(dr + 7 * P + j) & m;
                        a70 = Vector512.FusedMultiplyAdd(d, x0, a70);
                        if (TK.N > 1) a71 = Vector512.FusedMultiplyAdd(d, x1, a71);
                        if (TK.N > 2) a72 = Vector512.FusedMultiplyAdd(d, x2, a72);
                    }
                    if (j == OW - 16) break;
                }
            }
        int K = sm.K;
        float* ab = acc + ((long)oc * K + t) * 8;
        Fold(a00, ab); if (TK.N > 1) Fold(a01, ab + 8); if (TK.N > 2) Fold(a02, ab + 16);
        if (TO.N > 1)
        {
            Fold(a10, ab + 8L * K); if (TK.N > 1) Fold(a11, ab + 8L * K + 8); if (TK.N > 2) Fold(a12, ab + 8L * K + 16);
            Fold(a20, ab + 16L * K); if (TK.N > 1) Fold(a21, ab + 16L * K + 8); if (TK.N > 2) Fold(a22, ab + 16L * K + 16);
            Fold(a30, ab + 24L * K); if (TK.N > 1) Fold(a31, ab + 24L * K + 8); if (TK.N > 2) Fold(a32, ab + 24L * K + 16);
            Fold(a40, ab + 32L * K); if (TK.N > 1) Fold(a41, ab + 32L * K + 8); if (TK.N > 2) Fold(a42, ab + 32L * K + 16);
            Fold(a50, ab + 40L * K); if (TK.N > 1) Fold(a51, ab + 40L * K + 8); if (TK.N > 2) Fold(a52, ab + 40L * K + 16);
            Fold(a60, ab + 48L * K); if (TK.N > 1) Fold(a61, ab + 48L * K + 8); if (TK.N > 2) Fold(a62, ab + 48L * K + 16);
            Fold(a70, ab + 56L * K); if (TK.N > 1) Fold(a71, ab + 56L * K + 8); if (TK.N > 2) Fold(a72, ab + 56L * K + 16);
        }
    }

    /// <summary>dst (8 floats) += the two halves of a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(Vector512<float> a, float* dst) => (Vector256.Load(dst) + (a.GetLower() + a.GetUpper())).Store(dst);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(Vector256<float> a, float* dst) => (Vector256.Load(dst) + a).Store(dst);

    /// <summary>As <see cref="WgBlock512{TO, TK}"/> with 8 columns per vector and TO at most 4 (at most 12 ymm
    /// accumulators: AVX2 has 16 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WgBlock256<TO, TK>(in Sample sm, in ConvGeometry g, int oc, int xOff, int t, int Hp, float* acc)
        where TO : struct, ICount where TK : struct, ICount
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        int OW = sm.OW, P = sm.P, Wp = sm.Wp, tail = OW % 8;
        var mask = Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(tail == 0 ? 0 : 8 - tail)).AsSingle();
        float* dyo = sm.Y + (long)oc * P;
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            {
                float* xr = sm.X + xOff + ((long)od * Hp + oh) * Wp;
                float* dr = dyo + ((long)od * g.OH + oh) * OW;
                for (int j = 0; ; j += 8)
                {
                    var m = mask;
                    if (j > OW - 8) j = OW - 8;
                    else m = Vector256<float>.AllBitsSet;
                    var x0 = Vector256.Load(xr + j);
                    var x1 = TK.N > 1 ? Vector256.Load(xr + j + 1) : default;
                    var x2 = TK.N > 2 ? Vector256.Load(xr + j + 2) : default;
                    var d = Vector256.Load(dr + j) & m;
                    a00 = Vector256.FusedMultiplyAdd(d, x0, a00);
                    if (TK.N > 1) a01 = Vector256.FusedMultiplyAdd(d, x1, a01);
                    if (TK.N > 2) a02 = Vector256.FusedMultiplyAdd(d, x2, a02);
                    if (TO.N > 1)
                    {
                        d = Vector256.Load(dr + P + j) & m;
                        a10 = Vector256.FusedMultiplyAdd(d, x0, a10);
                        if (TK.N > 1) a11 = Vector256.FusedMultiplyAdd(d, x1, a11);
                        if (TK.N > 2) a12 = Vector256.FusedMultiplyAdd(d, x2, a12);
                        d = Vector256.Load(dr + 2 * P + j) & m;
                        a20 = Vector256.FusedMultiplyAdd(d, x0, a20);
                        if (TK.N > 1) a21 = Vector256.FusedMultiplyAdd(d, x1, a21);
                        if (TK.N > 2) a22 = Vector256.FusedMultiplyAdd(d, x2, a22);
                        d = Vector256.Load(dr + 3 * P + j) & m;
                        a30 = Vector256.FusedMultiplyAdd(d, x0, a30);
                        if (TK.N > 1) a31 = Vector256.FusedMultiplyAdd(d, x1, a31);
                        if (TK.N > 2) a32 = Vector256.FusedMultiplyAdd(d, x2, a32);
                    }
                    if (j == OW - 8) break;
                }
            }
        int K = sm.K;
        float* ab = acc + ((long)oc * K + t) * 8;
        Fold(a00, ab); if (TK.N > 1) Fold(a01, ab + 8); if (TK.N > 2) Fold(a02, ab + 16);
        if (TO.N > 1)
        {
            Fold(a10, ab + 8L * K); if (TK.N > 1) Fold(a11, ab + 8L * K + 8); if (TK.N > 2) Fold(a12, ab + 8L * K + 16);
            Fold(a20, ab + 16L * K); if (TK.N > 1) Fold(a21, ab + 16L * K + 8); if (TK.N > 2) Fold(a22, ab + 16L * K + 16);
            Fold(a30, ab + 24L * K); if (TK.N > 1) Fold(a31, ab + 24L * K + 8); if (TK.N > 2) Fold(a32, ab + 24L * K + 16);
        }
    }
}
