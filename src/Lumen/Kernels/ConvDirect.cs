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
/// C = 1, 3×3×3): im2col + SGEMM spends most of its time unrolling a K×P column matrix that each value of which is
/// then used only OC times. Here each sample is copied once into a zero-padded volume and the output rows are
/// accumulated tap by tap in registers (forward), and the weight gradient is one dot product per (oc, tap) over the
/// sample (backward). Stride 1, dilation 1, one group, OW ≥ 8, AVX-class vectors only; the summation order is fixed
/// (taps c, kd, kh, kw in order; samples in fixed ranges summed in range order), so results are reproducible.</summary>
internal static unsafe class ConvDirect
{
    /// <summary>Whether the direct kernels take this geometry: stride and dilation 1, one group, no output smaller than
    /// the padding implies, rows of at least 8 outputs, and K = C·KD·KH·KW at most <see cref="MaxK"/>.</summary>
    public static bool Applies(in ConvGeometry g) =>
        !Disable && Vector256.IsHardwareAccelerated && g.Groups == 1 && g.K <= MaxK && g.OW >= 8 &&
        g.SD == 1 && g.SH == 1 && g.SW == 1 && g.DD == 1 && g.DH == 1 && g.DW == 1 &&
        g.OD + g.KD - 1 >= g.D + g.PD && g.OH + g.KH - 1 >= g.H + g.PH && g.OW + g.KW - 1 >= g.W + g.PW;

    /// <summary>Largest K (input channels × taps) the direct path takes.</summary>
    public const int MaxK = 256;

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
        var geo = g;
        var (Dp, Hp, Wp) = Padded(g);
        long padSize = (long)g.C * Dp * Hp * Wp;
        ParallelFor.Run(g.N, 1, (s0, s1) =>
        {
            var xpBuf = ConvBufferPool.Rent(padSize);
            try
            {
                fixed (float* xp = xpBuf) fixed (float* pw = w) fixed (float* py = y)
                    for (int s = s0; s < s1; s++)
                    {
                        Pad(geo, x, xOff + s * geo.C * geo.S, xp);
                        ForwardSample(geo, xp, pw + wOff, bias, biasOff, py + yOff + (long)s * geo.OC * geo.P);
                    }
            }
            finally { ConvBufferPool.Return(xpBuf); }
        });
    }

    private static void ForwardSample(in ConvGeometry g, float* xp, float* w, float[]? bias, int biasOff, float* y)
    {
        var (Dp, Hp, Wp) = Padded(g);
        int K = g.K, OW = g.OW, P = g.P;
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            {
                long rowOut = ((long)od * g.OH + oh) * OW;
                int oc = 0;
                for (; oc + 4 <= g.OC; oc += 4)
                    for (int j = 0; ; j += 8)
                    {
                        if (j > OW - 8) j = OW - 8;   // the last chunk overlaps the previous one: same values rewritten
                        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                        float* wb = w + (long)oc * K;
                        for (int c = 0; c < g.C; c++)
                            for (int kd = 0; kd < g.KD; kd++)
                                for (int kh = 0; kh < g.KH; kh++)
                                {
                                    float* xr = xp + ((long)(c * Dp + od + kd) * Hp + oh + kh) * Wp + j;
                                    for (int kw = 0; kw < g.KW; kw++, wb++)
                                    {
                                        var xv = Vector256.Load(xr + kw);
                                        a0 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[0]), xv, a0);
                                        a1 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[K]), xv, a1);
                                        a2 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[2 * K]), xv, a2);
                                        a3 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[3 * K]), xv, a3);
                                    }
                                }
                        Store(a0, bias, biasOff, oc, y + (long)oc * P + rowOut + j);
                        Store(a1, bias, biasOff, oc + 1, y + (long)(oc + 1) * P + rowOut + j);
                        Store(a2, bias, biasOff, oc + 2, y + (long)(oc + 2) * P + rowOut + j);
                        Store(a3, bias, biasOff, oc + 3, y + (long)(oc + 3) * P + rowOut + j);
                        if (j == OW - 8) break;
                    }
                for (; oc < g.OC; oc++)
                    for (int j = 0; ; j += 8)
                    {
                        if (j > OW - 8) j = OW - 8;
                        Vector256<float> a0 = default;
                        float* wb = w + (long)oc * K;
                        for (int c = 0; c < g.C; c++)
                            for (int kd = 0; kd < g.KD; kd++)
                                for (int kh = 0; kh < g.KH; kh++)
                                {
                                    float* xr = xp + ((long)(c * Dp + od + kd) * Hp + oh + kh) * Wp + j;
                                    for (int kw = 0; kw < g.KW; kw++, wb++)
                                        a0 = Vector256.FusedMultiplyAdd(Vector256.Create(wb[0]), Vector256.Load(xr + kw), a0);
                                }
                        Store(a0, bias, biasOff, oc, y + (long)oc * P + rowOut + j);
                        if (j == OW - 8) break;
                    }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> a, float[]? bias, int biasOff, int oc, float* dst)
    {
        if (bias != null) a += Vector256.Create(bias[biasOff + oc]);
        a.Store(dst);
    }

    /// <summary>dw (OC×K at dwOff, overwritten) = Σ over samples and positions of dy · x shifted by each tap. Samples
    /// are summed in fixed ranges (at most 8), each range's partial sums added in range order.</summary>
    public static void WeightGrad(in ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff)
    {
        var geo = g;
        var (Dp, Hp, Wp) = Padded(g);
        long padSize = (long)g.C * Dp * Hp * Wp;
        int n = g.N, wSize = g.OC * g.K, units = Math.Min(n, 8);
        if (n == 0) { dw.AsSpan(dwOff, wSize).Clear(); return; }
        var acc = ConvBufferPool.Rent((long)units * wSize * 8);   // one vector of partial sums per unit, oc and tap
        try
        {
            ParallelFor.Run(units, 1, (u0, u1) =>
            {
                var xpBuf = ConvBufferPool.Rent(padSize);
                try
                {
                    fixed (float* xp = xpBuf) fixed (float* pdy = dy) fixed (float* pa = acc)
                        for (int u = u0; u < u1; u++)
                        {
                            float* a = pa + (long)u * wSize * 8;
                            new Span<float>(a, wSize * 8).Clear();
                            for (int s = (int)((long)n * u / units), s1 = (int)((long)n * (u + 1) / units); s < s1; s++)
                            {
                                Pad(geo, x, xOff + s * geo.C * geo.S, xp);
                                WeightGradSample(geo, xp, pdy + dyOff + (long)s * geo.OC * geo.P, a);
                            }
                        }
                }
                finally { ConvBufferPool.Return(xpBuf); }
            });
            for (int i = 0; i < wSize; i++)
            {
                var v = Vector256.Create(acc.AsSpan(i * 8, 8));
                for (int u = 1; u < units; u++) v += Vector256.Create(acc.AsSpan(((long)u * wSize + i) * 8 is var o ? (int)o : 0, 8));
                dw[dwOff + i] = Vector256.Sum(v);
            }
        }
        finally { ConvBufferPool.Return(acc); }
    }

    private static void WeightGradSample(in ConvGeometry g, float* xp, float* dy, float* acc)
    {
        var (Dp, Hp, Wp) = Padded(g);
        int K = g.K, OW = g.OW, P = g.P, tail = OW % 8;
        // Lanes of the last, overlapping chunk that the previous chunk already covered are masked off.
        var mask = Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(tail == 0 ? 0 : 8 - tail)).AsSingle();
        for (int oc = 0; oc < g.OC; oc++)
        {
            float* dyc = dy + (long)oc * P;
            int t = 0;
            for (int c = 0; c < g.C; c++)
                for (int kd = 0; kd < g.KD; kd++)
                    for (int kh = 0; kh < g.KH; kh++)
                        for (int kw = 0; kw < g.KW; kw++, t++)
                        {
                            float* av = acc + ((long)oc * K + t) * 8;
                            // Four accumulators (chunk j/8 mod 4) hide the FMA latency; added in a fixed order.
                            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                            for (int od = 0; od < g.OD; od++)
                                for (int oh = 0; oh < g.OH; oh++)
                                {
                                    float* xr = xp + ((long)(c * Dp + od + kd) * Hp + oh + kh) * Wp + kw;
                                    float* dr = dyc + ((long)od * g.OH + oh) * OW;
                                    int j = 0;
                                    for (; j + 32 <= OW; j += 32)
                                    {
                                        s0 = Vector256.FusedMultiplyAdd(Vector256.Load(dr + j), Vector256.Load(xr + j), s0);
                                        s1 = Vector256.FusedMultiplyAdd(Vector256.Load(dr + j + 8), Vector256.Load(xr + j + 8), s1);
                                        s2 = Vector256.FusedMultiplyAdd(Vector256.Load(dr + j + 16), Vector256.Load(xr + j + 16), s2);
                                        s3 = Vector256.FusedMultiplyAdd(Vector256.Load(dr + j + 24), Vector256.Load(xr + j + 24), s3);
                                    }
                                    for (; j + 8 <= OW; j += 8)
                                        s0 = Vector256.FusedMultiplyAdd(Vector256.Load(dr + j), Vector256.Load(xr + j), s0);
                                    if (tail != 0)
                                        s1 = Vector256.FusedMultiplyAdd(Vector256.Load(dr + OW - 8) & mask, Vector256.Load(xr + OW - 8), s1);
                                }
                            var sum = Vector256.Load(av) + ((s0 + s1) + (s2 + s3));
                            sum.Store(av);
                        }
        }
    }
}
