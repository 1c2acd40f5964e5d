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
/// output channels × output rows × one vector of columns tap by tap in registers; the input gradient is that same
/// forward run on dy with the weights transposed and flipped; the weight gradient accumulates blocks of output channels
/// × kw taps over all of a sample's rows in registers (and the bias gradient alongside). Each kernel is written once
/// over the vector width (<see cref="IVec{TV}"/>) and runs at the width <see cref="ConvPlanner"/> chose (128, 256 or
/// 512 bits); which geometries come here is decided there. The summation order is fixed (taps c, kd, kh, kw in order;
/// samples in fixed ranges summed in range order), so results are reproducible and do not depend on the thread count.</summary>
internal static unsafe class ConvDirect
{
    /// <summary>dx (N, C, D, H, W, overwritten) = the stride-1 convolution of dy, padded by K − 1 − P, with the
    /// weights transposed (C ↔ OC) and flipped in every spatial dimension, through the direct forward kernel at
    /// <paramref name="width"/>. Each sample is its own work item, so the result does not depend on the thread count.
    /// The operands are contiguous views of the geometry's sizes (<see cref="ConvKernels"/> checks them).</summary>
    public static void InputGrad(in ConvGeometry g, VectorWidth width, View<float> w, View<float> dy, View<float> dx)
    {
        int C = g.C, OC = g.OC, KK = g.KK;
        float[] wa = w.Array;
        int wOff = w.Offset;
        var wt = ConvBufferPool.Rent((long)C * OC * KK);
        try
        {
            for (int oc = 0; oc < OC; oc++)
                for (int c = 0; c < C; c++)
                {
                    int src = wOff + (oc * C + c) * KK, dst = (c * OC + oc) * KK + KK - 1;
                    for (int t = 0; t < KK; t++) wt[dst - t] = wa[src + t];
                }
            Forward(g.InputGradient(), width, dy, wt, 0, default, dx);
        }
        finally { ConvBufferPool.Return(wt); }
    }

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

    /// <summary>y = conv(x, w) + bias, as <see cref="ConvKernels.Forward"/>, with vectors of <paramref name="width"/>;
    /// bias may be none.</summary>
    public static void Forward(in ConvGeometry g, VectorWidth width, View<float> x, View<float> w, View<float> bias, View<float> y)
    {
        Forward(g, width, x, w.Array, w.Offset, bias, y);
    }

    private static void Forward(in ConvGeometry g, VectorWidth width, View<float> x, float[] w, int wOff, View<float> bias, View<float> y)
    {
        if (width == VectorWidth.None) throw new ArgumentException("direct convolution: no vector width given.", nameof(width));
        var job = Job.Take();
        try { job.Forward(g, width, x, w, wOff, bias, y); }
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
        private VectorWidth _width;
        private float[]? _x, _w, _y, _bias, _acc;
        private int _xOff, _wOff, _yOff, _biasOff, _units, _nextSample;
        private long _padSize, _biasAt;

        private Job()
        {
            _forward = ForwardRange;
            _weightGrad = WeightGradRange;
        }

        public void Forward(in ConvGeometry g, VectorWidth width, View<float> x, float[] w, int wOff, View<float> bias, View<float> y)
        {
            var (Dp, Hp, Wp) = Padded(g);
            (_g, _width, _x, _xOff, _w, _wOff, _y, _yOff) = (g, width, x.Array, x.Offset, w, wOff, y.Array, y.Offset);
            (_bias, _biasOff) = bias.IsNone ? (null, 0) : (bias.Array, bias.Offset);
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
                        ForwardSample(_g, _width, xp, pw + _wOff, _bias, _biasOff, py + _yOff + (long)s * _g.OC * _g.P);
                    }
            }
            finally { ConvBufferPool.Return(xpBuf); }
        }

        /// <summary>Each unit's weight-gradient partial sums into acc (8 per oc and tap), dy as _y; with biasAt ≥ 0, each
        /// unit's per-channel Σ dy as doubles from float index biasAt of acc.</summary>
        public void WeightGrad(in ConvGeometry g, VectorWidth width, View<float> x, View<float> dy, float[] acc, int units, long biasAt)
        {
            var (Dp, Hp, Wp) = Padded(g);
            (_g, _width, _x, _xOff, _y, _yOff, _acc, _units, _biasAt) = (g, width, x.Array, x.Offset, dy.Array, dy.Offset, acc, units, biasAt);
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
                            WeightGradSample(_g, _width, xp, dys, a);
                        }
                    }
            }
            finally { ConvBufferPool.Return(xpBuf); }
        }
    }

    /// <summary>A compile-time count for the generic block kernels (the JIT specialises each instantiation and drops
    /// the accumulators a smaller block does not use).</summary>
    private interface ICount { static abstract int N { get; } }
    private struct One : ICount { public static int N => 1; }
    private struct Two : ICount { public static int N => 2; }
    private struct Three : ICount { public static int N => 3; }
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

        /// <summary>The accumulated sums plus channel oc's bias (none added without a bias), stored at y.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store<TV, V>(TV a, int oc, float* y) where TV : struct where V : struct, IVec<TV> =>
            V.Store(Bias == null ? a : V.Add(a, V.Broadcast(Bias[BiasOff + oc])), y);
    }

    /// <summary>One sample's output at the given width.</summary>
    private static void ForwardSample(in ConvGeometry g, VectorWidth width, float* xp, float* w, float[]? bias, int biasOff, float* y)
    {
        switch (width)
        {
            case VectorWidth.V512: ForwardSample<Vector512<float>, V512>(g, xp, w, bias, biasOff, y); break;
            case VectorWidth.V256: ForwardSample<Vector256<float>, V256>(g, xp, w, bias, biasOff, y); break;
            default: ForwardSample<Vector128<float>, V128>(g, xp, w, bias, biasOff, y); break;
        }
    }

    /// <summary>One sample's output: blocks of output channels (8, then 4, then 1) × chunks of two output rows (512-bit
    /// vectors: 16 zmm accumulators of 32) or one (narrower: at most 8 accumulators of 16 registers), one vector of
    /// columns each, the last chunk of a row overlapping the previous one (same values rewritten). Every output sums
    /// its products in the same order whichever width and block computes it: c, kd, kh, kw ascending, one FMA each
    /// starting from zero, the bias added at the end — so every vector width gives identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardSample<TV, V>(in ConvGeometry g, float* xp, float* w, float[]? bias, int biasOff, float* y)
        where TV : struct where V : struct, IVec<TV>
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
            if (V.Count >= 16)
                for (; oh + 2 <= g.OH; oh += 2) Row<TV, V, Two>(sm, g.OC, od, oh, Hp);
            for (; oh < g.OH; oh++) Row<TV, V, One>(sm, g.OC, od, oh, Hp);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TV, V, TR>(in Sample sm, int OC, int od, int oh, int Hp)
        where TV : struct where V : struct, IVec<TV> where TR : struct, ICount
    {
        float* xo = sm.X + ((long)od * Hp + oh) * sm.Wp;
        long yo = ((long)od * sm.OH + oh) * sm.OW;
        int oc = 0;
        for (; oc + 8 <= OC; oc += 8) Chunks<TV, V, Eight, TR>(sm, xo, yo, oc);
        for (; oc + 4 <= OC; oc += 4) Chunks<TV, V, Four, TR>(sm, xo, yo, oc);
        for (; oc < OC; oc++) Chunks<TV, V, One, TR>(sm, xo, yo, oc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chunks<TV, V, TO, TR>(in Sample sm, float* xo, long yo, int oc)
        where TV : struct where V : struct, IVec<TV> where TO : struct, ICount where TR : struct, ICount
    {
        int n = V.Count;
        for (int j = 0; ; j += n)
        {
            if (j > sm.OW - n) j = sm.OW - n;
            Block<TV, V, TO, TR>(sm, xo + j, yo + j, oc);
            if (j == sm.OW - n) break;
        }
    }

    /// <summary>TO output channels (1, 4 or 8) × TR output rows (1 or 2) × one vector of columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TV, V, TO, TR>(in Sample sm, float* xo, long yo, int oc)
        where TV : struct where V : struct, IVec<TV> where TO : struct, ICount where TR : struct, ICount
    {
        TV a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        TV b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        int K = sm.K, KW = sm.KW, Wp = sm.Wp;
        float* wb = sm.W + (long)oc * K;
        for (int t = 0; t < sm.Taps; t++)
        {
            float* xr = xo + sm.Rows[t];
            for (int kw = 0; kw < KW; kw++, wb++)
            {
                var x0 = V.Load(xr + kw);
                var x1 = TR.N > 1 ? V.Load(xr + Wp + kw) : default;
                var v = V.Broadcast(wb[0]);
                a0 = V.Fma(v, x0, a0);
                if (TR.N > 1) b0 = V.Fma(v, x1, b0);
                if (TO.N > 1)
                {
                    v = V.Broadcast(wb[K]);
                    a1 = V.Fma(v, x0, a1);
                    if (TR.N > 1) b1 = V.Fma(v, x1, b1);
                    v = V.Broadcast(wb[2 * K]);
                    a2 = V.Fma(v, x0, a2);
                    if (TR.N > 1) b2 = V.Fma(v, x1, b2);
                    v = V.Broadcast(wb[3 * K]);
                    a3 = V.Fma(v, x0, a3);
                    if (TR.N > 1) b3 = V.Fma(v, x1, b3);
                }
                if (TO.N > 4)
                {
                    v = V.Broadcast(wb[4 * K]);
                    a4 = V.Fma(v, x0, a4);
                    if (TR.N > 1) b4 = V.Fma(v, x1, b4);
                    v = V.Broadcast(wb[5 * K]);
                    a5 = V.Fma(v, x0, a5);
                    if (TR.N > 1) b5 = V.Fma(v, x1, b5);
                    v = V.Broadcast(wb[6 * K]);
                    a6 = V.Fma(v, x0, a6);
                    if (TR.N > 1) b6 = V.Fma(v, x1, b6);
                    v = V.Broadcast(wb[7 * K]);
                    a7 = V.Fma(v, x0, a7);
                    if (TR.N > 1) b7 = V.Fma(v, x1, b7);
                }
            }
        }
        int P = sm.P, OW = sm.OW;
        float* y = sm.Y + (long)oc * P + yo;
        sm.Store<TV, V>(a0, oc, y);
        if (TR.N > 1) sm.Store<TV, V>(b0, oc, y + OW);
        if (TO.N > 1)
        {
            sm.Store<TV, V>(a1, oc + 1, y + P);
            sm.Store<TV, V>(a2, oc + 2, y + 2 * P);
            sm.Store<TV, V>(a3, oc + 3, y + 3 * P);
            if (TR.N > 1)
            {
                sm.Store<TV, V>(b1, oc + 1, y + P + OW);
                sm.Store<TV, V>(b2, oc + 2, y + 2 * P + OW);
                sm.Store<TV, V>(b3, oc + 3, y + 3 * P + OW);
            }
        }
        if (TO.N > 4)
        {
            sm.Store<TV, V>(a4, oc + 4, y + 4 * P);
            sm.Store<TV, V>(a5, oc + 5, y + 5 * P);
            sm.Store<TV, V>(a6, oc + 6, y + 6 * P);
            sm.Store<TV, V>(a7, oc + 7, y + 7 * P);
            if (TR.N > 1)
            {
                sm.Store<TV, V>(b4, oc + 4, y + 4 * P + OW);
                sm.Store<TV, V>(b5, oc + 5, y + 5 * P + OW);
                sm.Store<TV, V>(b6, oc + 6, y + 6 * P + OW);
                sm.Store<TV, V>(b7, oc + 7, y + 7 * P + OW);
            }
        }
    }

    /// <summary>dw (OC×K, overwritten) = Σ over samples and positions of dy · x shifted by each tap, and, when
    /// <paramref name="db"/> is given, db (OC, overwritten) = Σ dy per channel, summed from each sample's dy while it is
    /// in cache for the weight gradient. Samples are summed in fixed ranges (at most 8), each range's partial sums added
    /// in range order, so the result does not depend on the thread count.</summary>
    public static void WeightGrad(in ConvGeometry g, VectorWidth width, View<float> x, View<float> dy, View<float> dw,
                                  View<float> db = default)
    {
        int n = g.N, wSize = g.OC * g.K, units = Math.Min(n, 8);
        var dws = dw.Span;
        var dbs = db.IsNone ? default : db.Span;
        if (n == 0)
        {
            dws.Clear();
            dbs.Clear();
            return;
        }
        // One vector of partial sums per unit, oc and tap; then, with db, one double per unit and oc.
        long dwFloats = (long)units * wSize * 8;
        bool bias = !db.IsNone;
        var acc = ConvBufferPool.Rent(dwFloats + (bias ? 2L * units * g.OC : 0));
        var job = Job.Take();
        try
        {
            job.WeightGrad(g, width, x, dy, acc, units, bias ? dwFloats : -1);
            for (int i = 0; i < wSize; i++)
            {
                var v = Vector256.Create(acc.AsSpan(i * 8, 8));
                for (int u = 1; u < units; u++) v += Vector256.Create(acc.AsSpan((int)(((long)u * wSize + i) * 8), 8));
                dws[i] = Vector256.Sum(v);
            }
            if (bias)
                fixed (float* pa = acc)
                {
                    var sums = (double*)(pa + dwFloats);
                    for (int oc = 0; oc < g.OC; oc++)
                    {
                        double sum = 0;
                        for (int u = 0; u < units; u++) sum += sums[u * g.OC + oc];
                        dbs[oc] = (float)sum;
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

    /// <summary>One sample's contribution to the weight gradient at the given width.</summary>
    private static void WeightGradSample(in ConvGeometry g, VectorWidth width, float* xp, float* dy, float* acc)
    {
        switch (width)
        {
            case VectorWidth.V512: WeightGradSample<Vector512<float>, V512, Eight>(g, xp, dy, acc); break;
            case VectorWidth.V256: WeightGradSample<Vector256<float>, V256, Four>(g, xp, dy, acc); break;
            default: WeightGradSample<Vector128<float>, V128, Four>(g, xp, dy, acc); break;
        }
    }

    /// <summary>One sample's contribution to the weight gradient, added to acc (8 partial sums per oc and tap).
    /// Blocks of TB output channels (8 with 512-bit vectors, 32 registers; 4 narrower, 16 registers), then single ones,
    /// × up to 3 kw taps of one (c, kd, kh) input row are accumulated in registers over all output rows of the sample
    /// (one dy load feeds 3 FMAs, one x load TB), then folded to 8 lanes and added to acc. Lanes of a row's last,
    /// overlapping chunk that the previous chunk already covered are masked off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradSample<TV, V, TB>(in ConvGeometry g, float* xp, float* dy, float* acc)
        where TV : struct where V : struct, IVec<TV> where TB : struct, ICount
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
                        int nk = Math.Min(3, g.KW - kw), oc = 0;
                        for (; oc + TB.N <= OC; oc += TB.N) WgKw<TV, V, TB>(sm, g, nk, oc, rowOff + kw, t0 + kw, Hp, acc);
                        for (; oc < OC; oc++) WgKw<TV, V, One>(sm, g, nk, oc, rowOff + kw, t0 + kw, Hp, acc);
                    }
                }
    }

    private static void WgKw<TV, V, TO>(in Sample sm, in ConvGeometry g, int nk, int oc, int xOff, int t, int Hp, float* acc)
        where TV : struct where V : struct, IVec<TV> where TO : struct, ICount
    {
        if (nk == 3) WgBlock<TV, V, TO, Three>(sm, g, oc, xOff, t, Hp, acc);
        else if (nk == 2) WgBlock<TV, V, TO, Two>(sm, g, oc, xOff, t, Hp, acc);
        else WgBlock<TV, V, TO, One>(sm, g, oc, xOff, t, Hp, acc);
    }

    /// <summary>acc[oc + o, t + k] += Σ over the sample's output positions of dy[oc + o] · x shifted by tap t + k, for
    /// o &lt; TO (1, 4 or 8) and k &lt; TK (1 to 3): up to 24 accumulators, one vector of columns each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WgBlock<TV, V, TO, TK>(in Sample sm, in ConvGeometry g, int oc, int xOff, int t, int Hp, float* acc)
        where TV : struct where V : struct, IVec<TV> where TO : struct, ICount where TK : struct, ICount
    {
        TV a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        TV a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        TV a40 = default, a41 = default, a42 = default, a50 = default, a51 = default, a52 = default;
        TV a60 = default, a61 = default, a62 = default, a70 = default, a71 = default, a72 = default;
        int n = V.Count, OW = sm.OW, P = sm.P, Wp = sm.Wp, tail = OW % n;
        var mask = V.LanesFrom(tail == 0 ? 0 : n - tail);
        float* dyo = sm.Y + (long)oc * P;
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            {
                float* xr = sm.X + xOff + ((long)od * Hp + oh) * Wp;
                float* dr = dyo + ((long)od * g.OH + oh) * OW;
                for (int j = 0; ; j += n)
                {
                    var m = mask;
                    if (j > OW - n) j = OW - n;
                    else m = V.AllBitsSet;
                    var x0 = V.Load(xr + j);
                    var x1 = TK.N > 1 ? V.Load(xr + j + 1) : default;
                    var x2 = TK.N > 2 ? V.Load(xr + j + 2) : default;
                    var d = V.And(V.Load(dr + j), m);
                    a00 = V.Fma(d, x0, a00);
                    if (TK.N > 1) a01 = V.Fma(d, x1, a01);
                    if (TK.N > 2) a02 = V.Fma(d, x2, a02);
                    if (TO.N > 1)
                    {
                        d = V.And(V.Load(dr + P + j), m);
                        a10 = V.Fma(d, x0, a10);
                        if (TK.N > 1) a11 = V.Fma(d, x1, a11);
                        if (TK.N > 2) a12 = V.Fma(d, x2, a12);
                        d = V.And(V.Load(dr + 2 * P + j), m);
                        a20 = V.Fma(d, x0, a20);
                        if (TK.N > 1) a21 = V.Fma(d, x1, a21);
                        if (TK.N > 2) a22 = V.Fma(d, x2, a22);
                        d = V.And(V.Load(dr + 3 * P + j), m);
                        a30 = V.Fma(d, x0, a30);
                        if (TK.N > 1) a31 = V.Fma(d, x1, a31);
                        if (TK.N > 2) a32 = V.Fma(d, x2, a32);
                    }
                    if (TO.N > 4)
                    {
                        d = V.And(V.Load(dr + 4 * P + j), m);
                        a40 = V.Fma(d, x0, a40);
                        if (TK.N > 1) a41 = V.Fma(d, x1, a41);
                        if (TK.N > 2) a42 = V.Fma(d, x2, a42);
                        d = V.And(V.Load(dr + 5 * P + j), m);
                        a50 = V.Fma(d, x0, a50);
                        if (TK.N > 1) a51 = V.Fma(d, x1, a51);
                        if (TK.N > 2) a52 = V.Fma(d, x2, a52);
                        d = V.And(V.Load(dr + 6 * P + j), m);
                        a60 = V.Fma(d, x0, a60);
                        if (TK.N > 1) a61 = V.Fma(d, x1, a61);
                        if (TK.N > 2) a62 = V.Fma(d, x2, a62);
                        d = V.And(V.Load(dr + 7 * P + j), m);
                        a70 = V.Fma(d, x0, a70);
                        if (TK.N > 1) a71 = V.Fma(d, x1, a71);
                        if (TK.N > 2) a72 = V.Fma(d, x2, a72);
                    }
                    if (j == OW - n) break;
                }
            }
        long K = sm.K;
        float* ab = acc + ((long)oc * K + t) * 8;
        FoldTaps<TV, V, TK>(a00, a01, a02, ab);
        if (TO.N > 1)
        {
            FoldTaps<TV, V, TK>(a10, a11, a12, ab + 8 * K);
            FoldTaps<TV, V, TK>(a20, a21, a22, ab + 16 * K);
            FoldTaps<TV, V, TK>(a30, a31, a32, ab + 24 * K);
        }
        if (TO.N > 4)
        {
            FoldTaps<TV, V, TK>(a40, a41, a42, ab + 32 * K);
            FoldTaps<TV, V, TK>(a50, a51, a52, ab + 40 * K);
            FoldTaps<TV, V, TK>(a60, a61, a62, ab + 48 * K);
            FoldTaps<TV, V, TK>(a70, a71, a72, ab + 56 * K);
        }
    }

    /// <summary>One output channel's TK tap accumulators folded into its 8 partial sums per tap at ab.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FoldTaps<TV, V, TK>(TV a0, TV a1, TV a2, float* ab)
        where TV : struct where V : struct, IVec<TV> where TK : struct, ICount
    {
        V.FoldInto8(a0, ab);
        if (TK.N > 1) V.FoldInto8(a1, ab + 8);
        if (TK.N > 2) V.FoldInto8(a2, ab + 16);
    }
}
