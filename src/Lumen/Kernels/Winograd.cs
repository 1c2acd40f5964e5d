using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lumen.Kernels;

/// <summary>
/// Winograd's minimal filtering F(2×2, 3×3) for 2-d 3×3 convolutions with stride 1, dilation 1 and one group (Lavin &amp;
/// Gray, 2015): each 2×2 block of outputs costs 16 multiplications per (output, input) channel pair instead of 36.
/// Per block of tiles the input is transformed (V = Bᵀ·d·B, 4×4 per tile and channel), the 16 transform positions are
/// 16 independent SGEMMs M[ξ] = U[ξ]·V[ξ] over the input channels (U = G·g·Gᵀ, the transformed weights), and each
/// output tile is Aᵀ·M·A. The transforms only add and halve, so the result stays within a few float ulps of the direct
/// sum of products (the PyTorch fixtures' 1e-5 hold), but its bits are not the other algorithms' bits.
/// Each output's arithmetic depends only on the geometry, never on the thread count.
/// </summary>
internal static partial class Winograd
{
    /// <summary>Transform positions of a 4×4 input tile.</summary>
    private const int Xi = 16;

    /// <summary>Bound in floats of one tile block's transformed input (16 × C × tiles): ~4 MB, so a block's V and M stay
    /// near the caches and memory is bounded on large images.</summary>
    private const int BlockFloats = 1 << 20;

    /// <summary>Tiles per block aimed at: enough columns for SGEMM, enough blocks to share among threads.</summary>
    private const int BlockTiles = 256;

    /// <summary>Whether F(2×2, 3×3) computes this convolution: 2-d, 3×3, stride 1, dilation 1, one group.</summary>
    public static bool Applies(in ConvGeometry g) =>
        g.D == 1 && g.KD == 1 && g.KH == 3 && g.KW == 3 && g.SH == 1 && g.SW == 1 && g.SD == 1 &&
        g.DH == 1 && g.DW == 1 && g.Groups == 1 && g.OH > 0 && g.OW > 0;

    /// <summary>Whether <see cref="InputGrad"/> computes this convolution's input gradient: as <see cref="Applies"/>, with
    /// padding at most 2 (the gradient's convolution pads by 2 − P).</summary>
    public static bool InputGradApplies(in ConvGeometry g) => Applies(g) && g.PH <= 2 && g.PW <= 2;

    /// <summary>y = conv(x, w) + bias for all N samples: x (N, C, H, W), w (OC, C, 3, 3), y (N, OC, OH, OW), contiguous views
    /// checked by the caller (<see cref="ConvKernels"/>).
    /// The tile rows of all samples form one sequence cut into blocks (so small late layers still give SGEMM enough
    /// columns); blocks run in parallel when there are enough of them, else each block's 16 SGEMMs and its transforms
    /// do. Either way every output is computed by the same operations.
    /// <paramref name="cache"/>: the weights' transform kept between calls (and for the input gradient), else transformed here.</summary>
    public static void Forward(in ConvGeometry g, View<float> x, View<float> w, View<float> bias, View<float> y, WinogradWeights? cache = null)
    {
        using var lease = cache?.Acquire(w, g.OC, g.C);
        Run(g, x.Array, x.Offset, w.Array, w.Offset, flipTranspose: false, bias.IsNone ? null : bias.Array, bias.Offset, y.Array, y.Offset,
            lease?.U);
    }

    /// <summary>dx of the convolution <paramref name="g"/> from dy: the stride-1 convolution of dy padded by 2 − P with the
    /// weights transposed (C ↔ OC) and flipped (<see cref="ConvGeometry.InputGradient"/>), itself a 3×3 stride-1 one.
    /// <paramref name="cache"/>: the forward's transform of w (kept since the forward), read permuted and transposed
    /// instead of transforming the flipped weights (<see cref="FlippedPosition"/>).</summary>
    public static void InputGrad(in ConvGeometry g, View<float> dy, View<float> w, View<float> dx, WinogradWeights? cache = null)
    {
        if (!InputGradApplies(g)) throw new ArgumentException("Winograd F(2x2,3x3) input gradient needs a 2-d 3x3 stride-1 convolution padded by at most 2.");
        using var lease = cache?.Acquire(w, g.OC, g.C);
        Run(g.InputGradient(), dy.Array, dy.Offset, w.Array, w.Offset, flipTranspose: true, null, 0, dx.Array, dx.Offset, lease?.U);
    }

    /// <summary>The position of the forward's U that holds position <paramref name="xi"/> of the flipped filter's
    /// transform: G·reverse(g) is G·g with its rows in the order 3, 1, 2, 0, so turning a filter by 180° permutes both
    /// indices of G·g·Gᵀ that way.</summary>
    internal static int FlippedPosition(int xi)
    {
        static int P(int i) => i == 0 ? 3 : i == 3 ? 0 : i;
        return 4 * P(xi / 4) + P(xi % 4);
    }

    /// <summary><paramref name="transformed"/>: the forward's U (OC × C per position) kept by the caller; with
    /// <paramref name="flipTranspose"/> (the input gradient, g being its geometry) it is read transposed at the flipped
    /// position.</summary>
    private static void Run(in ConvGeometry g, float[] x, int xOff, float[] w, int wOff, bool flipTranspose, float[]? bias, int biasOff, float[] y, int yOff,
                            float[]? transformed = null)
    {
        if (!Applies(g)) throw new ArgumentException("Winograd F(2x2,3x3) needs a 2-d 3x3 convolution with stride 1, dilation 1, one group.");
        int c = g.C, oc = g.OC;
        int th = (g.OH + 1) / 2, tw = (g.OW + 1) / 2, rows = g.N * th;
        // Tile rows per block: as many as keep V (16·C·tiles) and M (16·OC·tiles) under the bound, at least one.
        int rowsPerBlock = Math.Clamp(Math.Min(BlockFloats / (Xi * Math.Max(c, oc) * tw), (BlockTiles + tw - 1) / tw), 1, rows);
        int blocks = (rows + rowsPerBlock - 1) / rowsPerBlock;
        int maxTiles = rowsPerBlock * tw;

        var u = transformed ?? ArrayPool<float>.Shared.Rent(Xi * oc * c);
        try
        {
            if (transformed == null) TransformWeights(new ReadOnlySpan<float>(w, wOff, oc * c * 9), oc, c, flipTranspose, u);
            var job = new Job(g, x, xOff, u, transformed != null && flipTranspose, bias, biasOff, y, yOff, th, tw, rowsPerBlock, maxTiles);
            // Blocks handed out one at a time (blocks are equal, threads are not always); few blocks run one after another,
            // each parallel inside.
            var next = new int[1];
            if (blocks >= 2 * ParallelFor.NumThreads)
                ParallelFor.Run(ParallelFor.NumThreads, 1, (_, _) => job.Blocks(next, blocks, inner: false));
            else
                job.Blocks(next, blocks, inner: true);
        }
        finally
        {
            if (transformed == null) ArrayPool<float>.Shared.Return(u);
        }
    }

    /// <summary>One forward call's operands and tiling.</summary>
    private sealed class Job(ConvGeometry g, float[] x, int xOff, float[] u, bool forwardU, float[]? bias, int biasOff, float[] y, int yOff,
                             int th, int tw, int rowsPerBlock, int maxTiles)
    {
        /// <summary>Takes blocks one by one from the counter <paramref name="next"/> (shared by the threads) until
        /// <paramref name="blocks"/>, with one pair of buffers for all of them. <paramref name="inner"/>: parallel inside
        /// each block (over input channels, the 16 SGEMMs, output channels) instead.</summary>
        public void Blocks(int[] next, int blocks, bool inner)
        {
            int c = g.C, oc = g.OC, rows = g.N * th;
            var v = ArrayPool<float>.Shared.Rent(Xi * c * maxTiles);
            var m = ArrayPool<float>.Shared.Rent(Xi * oc * maxTiles + Vector<float>.Count);   // + a vector: see TransformOutput
            try
            {
                int b;
                while ((b = Interlocked.Increment(ref next[0]) - 1) < blocks)
                {
                    int r0 = b * rowsPerBlock, r1 = Math.Min(rows, r0 + rowsPerBlock), tiles = (r1 - r0) * tw;
                    if (inner) ParallelFor.Run(c, 1, (c0, c1) => TransformInput(g, x, xOff, r0, r1, th, tw, c0, c1, v, tiles));
                    else TransformInput(g, x, xOff, r0, r1, th, tw, 0, c, v, tiles);
                    if (inner) ParallelFor.Run(Xi, 1, (x0, x1) => Multiply(x0, x1, v, m, tiles));
                    else Multiply(0, Xi, v, m, tiles);
                    if (inner) ParallelFor.Run(oc, 1, (o0, o1) => TransformOutput(g, m, tiles, r0, r1, th, tw, o0, o1, bias, biasOff, y, yOff));
                    else TransformOutput(g, m, tiles, r0, r1, th, tw, 0, oc, bias, biasOff, y, yOff);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(v);
                ArrayPool<float>.Shared.Return(m);
            }
        }

        /// <summary>M[ξ] = U[ξ]·V[ξ] for ξ in [x0, x1): (OC × C)·(C × tiles). With <c>forwardU</c> U is the forward's
        /// (C × OC here, the input gradient's channels exchanged) at the flipped position, read transposed.</summary>
        private void Multiply(int x0, int x1, float[] v, float[] m, int tiles)
        {
            int c = g.C, oc = g.OC;
            for (int xi = x0; xi < x1; xi++)
                Gemm.Sgemm(forwardU, false, oc, tiles, c, 1f,
                           new ReadOnlySpan<float>(u, (forwardU ? FlippedPosition(xi) : xi) * oc * c, oc * c), forwardU ? oc : c,
                           new ReadOnlySpan<float>(v, xi * c * tiles, c * tiles), tiles,
                           0f, new Span<float>(m, xi * oc * tiles, oc * tiles), tiles);
        }
    }

    /// <summary>U[ξ][o][c] = (G·g·Gᵀ)[ξ] for each 3×3 filter g = w[o, c], in double and rounded once.
    /// G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]. With <paramref name="flipTranspose"/>, w is (C, OC, 3, 3)
    /// read as the input gradient's weights: g = w[c, o] turned by 180°.
    /// Filters f = o·C + c are taken a vector of lanes at a time (the same double operations as one at a time, so the
    /// same bits) and shared among the threads: at 512→512 the scalar loop took 7.5 ms a call, more than the 16 SGEMMs.</summary>
    internal static void TransformWeights(ReadOnlySpan<float> w, int oc, int c, bool flipTranspose, Span<float> u)
    {
        int filters = oc * c, lanes = Vector<float>.Count;
        int blocks = filters / lanes;
        if (w.Length < filters * 9 || u.Length < Xi * filters) throw new ArgumentException("Winograd weight transform: operands too short.");
        unsafe
        {
            fixed (float* pw = w, pu = u)
            {
                nint wp = (nint)pw, up = (nint)pu;
                // ~80 double operations per filter: parallel only where there are enough filters to share.
                if (filters >= 1 << 14)
                    ParallelFor.Run(blocks, 64, (b0, b1) => TransformWeightBlocks((float*)wp, oc, c, flipTranspose, (float*)up, b0, b1));
                else TransformWeightBlocks(pw, oc, c, flipTranspose, pu, 0, blocks);
                for (int f = blocks * lanes; f < filters; f++) TransformWeightScalar(pw, oc, c, flipTranspose, pu, f);
            }
        }
    }

    /// <summary>Filters [b0·lanes, b1·lanes) of <see cref="TransformWeights"/>, one Vector&lt;float&gt; of filters at a time
    /// (two Vector&lt;double&gt; halves, narrowed once at the end).</summary>
    private static unsafe void TransformWeightBlocks(float* w, int oc, int c, bool flipTranspose, float* u, int b0, int b1)
    {
        int lanes = Vector<float>.Count, half = Vector<double>.Count, filters = oc * c;
        double* taps = stackalloc double[9 * lanes];
        Span<Vector<double>> t = stackalloc Vector<double>[12];
        Span<Vector<double>> r = stackalloc Vector<double>[2 * Xi];
        for (int b = b0; b < b1; b++)
        {
            int f0 = b * lanes;
            // taps[k·lanes + j]: tap k of filter f0 + j (k in the 180°-turned order for the input gradient).
            for (int j = 0; j < lanes; j++)
            {
                int f = f0 + j, o = f / c, ci = f - o * c;
                if (flipTranspose)
                {
                    float* src = w + (long)(ci * oc + o) * 9;
                    for (int k = 0; k < 9; k++) taps[k * lanes + j] = src[8 - k];
                }
                else
                {
                    float* src = w + (long)f * 9;
                    for (int k = 0; k < 9; k++) taps[k * lanes + j] = src[k];
                }
            }
            for (int h = 0; h < 2; h++)
            {
                Vector<double> L(int k) => Vector.Load(taps + k * lanes + h * half);
                var p5 = new Vector<double>(0.5);
                // t = G·g (4×3), then U = t·Gᵀ (4×4): the scalar path's operations, in its order.
                for (int k = 0; k < 3; k++)
                {
                    Vector<double> g0 = L(k), g1 = L(3 + k), g2 = L(6 + k);
                    t[k] = g0;
                    t[3 + k] = p5 * (g0 + g1 + g2);
                    t[6 + k] = p5 * (g0 - g1 + g2);
                    t[9 + k] = g2;
                }
                for (int i = 0; i < 4; i++)
                {
                    Vector<double> a0 = t[3 * i], a1 = t[3 * i + 1], a2 = t[3 * i + 2];
                    r[2 * (4 * i + 0) + h] = a0;
                    r[2 * (4 * i + 1) + h] = p5 * (a0 + a1 + a2);
                    r[2 * (4 * i + 2) + h] = p5 * (a0 - a1 + a2);
                    r[2 * (4 * i + 3) + h] = a2;
                }
            }
            for (int xi = 0; xi < Xi; xi++)
                Vector.Narrow(r[2 * xi], r[2 * xi + 1]).Store(u + (long)xi * filters + f0);
        }
    }

    /// <summary>Filter f of <see cref="TransformWeights"/> alone (the vector tail; tests compare the vector path with it).</summary>
    internal static unsafe void TransformWeightScalar(float* w, int oc, int c, bool flipTranspose, float* u, int f)
    {
        int o = f / c, ci = f - o * c, stride = oc * c;
        Span<double> g = stackalloc double[9];
        Span<double> t = stackalloc double[12];
        for (int k = 0; k < 9; k++) g[k] = flipTranspose ? w[(long)(ci * oc + o) * 9 + 8 - k] : w[(long)f * 9 + k];
        for (int k = 0; k < 3; k++)
        {
            double g0 = g[k], g1 = g[3 + k], g2 = g[6 + k];
            t[k] = g0;
            t[3 + k] = 0.5 * (g0 + g1 + g2);
            t[6 + k] = 0.5 * (g0 - g1 + g2);
            t[9 + k] = g2;
        }
        for (int i = 0; i < 4; i++)
        {
            double a0 = t[3 * i], a1 = t[3 * i + 1], a2 = t[3 * i + 2];
            u[(4 * i + 0) * stride + f] = (float)a0;
            u[(4 * i + 1) * stride + f] = (float)(0.5 * (a0 + a1 + a2));
            u[(4 * i + 2) * stride + f] = (float)(0.5 * (a0 - a1 + a2));
            u[(4 * i + 3) * stride + f] = (float)a2;
        }
    }

    /// <summary>V[ξ][c][t] = (Bᵀ·d·B)[ξ] for the 4×4 input patch d of every tile t in the global tile rows [r0, r1) (row = sample·th + ty) and channel c in [c0, c1)
    /// (zero outside the input). Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]]. Vectorised across
    /// the tiles of a row: the patch columns 2t, 2t+1, 2t+2, 2t+3 are the even and odd columns of the padded row at t
    /// and t + 1, so each is one contiguous load after the row is split into its even and odd columns. Consecutive tile
    /// rows share two input rows, so each row is split once into one of four slots (row mod 4) and reused.</summary>
    internal static void TransformInput(in ConvGeometry g, float[] x, int xOff, int r0, int r1, int th, int tw, int c0, int c1, float[] v, int tiles)
    {
        int vc = Vector<float>.Count;
        int span = (tw + vc - 1) / vc * vc + 1;   // even/odd columns 0..tw, padded to whole vectors
        float[] rented = ArrayPool<float>.Shared.Rent(8 * span + 16 * vc);
        try
        {
            var buf = rented.AsSpan();
            var tail = buf.Slice(8 * span, 16 * vc);
            Span<int> slotSample = stackalloc int[4], slotRow = stackalloc int[4];
            Span<int> slots = stackalloc int[4];
            int h = g.H, wd = g.W, ph = g.PH, pw = g.PW;
            for (int ci = c0; ci < c1; ci++)
            {
                slotSample.Fill(-1);
                for (int row = r0; row < r1; row++)
                {
                    int n = row / th, ty = row % th;
                    var plane = new ReadOnlySpan<float>(x, xOff + (n * g.C + ci) * h * wd, h * wd);
                    // Even (E) and odd (O) columns of the 4 padded input rows of this tile row, slot = row mod 4.
                    for (int r = 0; r < 4; r++)
                    {
                        int iy = 2 * ty - ph + r, slot = iy & 3;
                        slots[r] = slot;
                        if (slotSample[slot] == n && slotRow[slot] == iy) continue;
                        slotSample[slot] = n;
                        slotRow[slot] = iy;
                        var e = buf.Slice(2 * slot * span, span);
                        var od = buf.Slice((2 * slot + 1) * span, span);
                        if ((uint)iy >= (uint)h) { e.Clear(); od.Clear(); }
                        else SplitEvenOdd(plane.Slice(iy * wd, wd), -pw, e, od);
                    }
                    int t0 = (row - r0) * tw;
                    for (int tx = 0; tx < tw; tx += vc)
                    {
                        bool full = tx + vc <= tw;
                        TransformInputVector(buf, span, tx, slots, full ? v.AsSpan() : tail, full ? ci * tiles + t0 + tx : 0, full ? g.C * tiles : vc);
                        if (!full) StoreTail(tail, tw - tx, v, ci * tiles + t0 + tx, g.C * tiles);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>even[j] = line[2j + off] and odd[j] = line[2j + 1 + off] for every j of the two spans (of equal length),
    /// zero outside the line. Inside it a vector of pairs at a time: read as 64-bit lanes, a pair's first float is the
    /// low half (little-endian), so narrowing the lanes keeps the even columns and narrowing them shifted the odd ones.</summary>
    internal static void SplitEvenOdd(ReadOnlySpan<float> line, int off, Span<float> even, Span<float> odd)
    {
        int w = line.Length, count = even.Length, vc = Vector<float>.Count, j = 0;
        if (odd.Length != count) throw new ArgumentException("SplitEvenOdd: the even and odd spans differ in length.");
        if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            int first = Math.Min(count, Math.Max(0, (1 - off) / 2));   // first j with 2j + off ≥ 0 (off ≤ 0)
            for (; j < first; j++) SplitOne(line, off, even, odd, j);
            ref float l0 = ref MemoryMarshal.GetReference(line);
            ref float e0 = ref MemoryMarshal.GetReference(even), o0 = ref MemoryMarshal.GetReference(odd);
            for (; j + vc <= count && 2 * j + off + 2 * vc <= w; j += vc)
            {
                ref ulong p = ref Unsafe.As<float, ulong>(ref Unsafe.Add(ref l0, 2 * j + off));
                Vector<ulong> a = Vector.LoadUnsafe(ref p), b = Vector.LoadUnsafe(ref p, (nuint)Vector<ulong>.Count);
                Vector.AsVectorSingle(Vector.Narrow(a, b)).StoreUnsafe(ref e0, (nuint)j);
                Vector.AsVectorSingle(Vector.Narrow(Vector.ShiftRightLogical(a, 32), Vector.ShiftRightLogical(b, 32))).StoreUnsafe(ref o0, (nuint)j);
            }
        }
        for (; j < count; j++) SplitOne(line, off, even, odd, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitOne(ReadOnlySpan<float> line, int off, Span<float> even, Span<float> odd, int j)
    {
        int ix = 2 * j + off;
        even[j] = (uint)ix < (uint)line.Length ? line[ix] : 0f;
        odd[j] = (uint)(ix + 1) < (uint)line.Length ? line[ix + 1] : 0f;
    }

    /// <summary>A row's last, partial vector of tiles, transformed into <paramref name="tail"/> (16 vectors, position ξ at
    /// ξ·vc): its first <paramref name="count"/> lanes of each position to dst[at + ξ·stride ..].</summary>
    private static void StoreTail(ReadOnlySpan<float> tail, int count, float[] dst, int at, int stride)
    {
        int vc = Vector<float>.Count;
        for (int xi = 0; xi < Xi; xi++) tail.Slice(xi * vc, count).CopyTo(dst.AsSpan(at + xi * stride, count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float b, int at) => Vector.LoadUnsafe(ref b, (nuint)at);

    /// <summary>One vector of tiles: d[r][k] is column 2t + k of padded row r, the even columns (k = 0, 2) at t and t + 1
    /// of E_r, the odd ones (k = 1, 3) of O_r; row r's columns are in slot <paramref name="slots"/>[r] of the buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformInputVector(Span<float> buf, int span, int tx, ReadOnlySpan<int> slots, Span<float> dst, int at, int xiStride)
    {
        ref float b = ref MemoryMarshal.GetReference(buf);
        ref float o = ref MemoryMarshal.GetReference(dst);
        // Rows first, t = Bᵀ·d, one column k of d at a time (k = 0..3), then each row of t times B.
        int e0 = 2 * slots[0] * span + tx, e1 = 2 * slots[1] * span + tx, e2 = 2 * slots[2] * span + tx, e3 = 2 * slots[3] * span + tx;
        int o0 = e0 + span, o1 = e1 + span, o2 = e2 + span, o3 = e3 + span;
        Vector<float> d00 = Load(ref b, e0), d01 = Load(ref b, o0), d02 = Load(ref b, e0 + 1), d03 = Load(ref b, o0 + 1);
        Vector<float> d10 = Load(ref b, e1), d11 = Load(ref b, o1), d12 = Load(ref b, e1 + 1), d13 = Load(ref b, o1 + 1);
        Vector<float> d20 = Load(ref b, e2), d21 = Load(ref b, o2), d22 = Load(ref b, e2 + 1), d23 = Load(ref b, o2 + 1);
        Vector<float> d30 = Load(ref b, e3), d31 = Load(ref b, o3), d32 = Load(ref b, e3 + 1), d33 = Load(ref b, o3 + 1);
        StoreRow(ref o, at, xiStride, 0, d00 - d20, d01 - d21, d02 - d22, d03 - d23);
        StoreRow(ref o, at, xiStride, 1, d10 + d20, d11 + d21, d12 + d22, d13 + d23);
        StoreRow(ref o, at, xiStride, 2, d20 - d10, d21 - d11, d22 - d12, d23 - d13);
        StoreRow(ref o, at, xiStride, 3, d10 - d30, d11 - d31, d12 - d32, d13 - d33);
    }

    /// <summary>dst[2j] = even[j], dst[2j + 1] = odd[j]: the inverse of <see cref="SplitEvenOdd"/>, by widening each
    /// to 64-bit lanes and putting the odd value in the high half (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreZipped(Span<float> dst, Vector<float> even, Vector<float> odd)
    {
        Vector.Widen(Vector.AsVectorUInt32(even), out var e0, out var e1);
        Vector.Widen(Vector.AsVectorUInt32(odd), out var o0, out var o1);
        ref float d = ref MemoryMarshal.GetReference(dst);
        _ = dst[2 * Vector<float>.Count - 1];   // bounds: the two stores below fill exactly dst
        Vector.AsVectorSingle(e0 | Vector.ShiftLeft(o0, 32)).StoreUnsafe(ref d);
        Vector.AsVectorSingle(e1 | Vector.ShiftLeft(o1, 32)).StoreUnsafe(ref d, (nuint)Vector<float>.Count);
    }

    /// <summary>Row i of Bᵀ·d·B from row i of t = Bᵀ·d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref float o, int at, int xiStride, int i, Vector<float> a0, Vector<float> a1, Vector<float> a2, Vector<float> a3)
    {
        (a0 - a2).StoreUnsafe(ref o, (nuint)((4 * i + 0) * xiStride + at));
        (a1 + a2).StoreUnsafe(ref o, (nuint)((4 * i + 1) * xiStride + at));
        (a2 - a1).StoreUnsafe(ref o, (nuint)((4 * i + 2) * xiStride + at));
        (a1 - a3).StoreUnsafe(ref o, (nuint)((4 * i + 3) * xiStride + at));
    }

    /// <summary>y tile = Aᵀ·M·A (+ bias) for every output channel and tile of the block; Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]].
    /// The last row or column of tiles is cut where OH or OW is odd.</summary>
    internal static void TransformOutput(in ConvGeometry g, float[] m, int tiles, int r0, int r1, int th, int tw, int o0, int o1,
                                         float[]? bias, int biasOff, float[] y, int yOff)
    {
        int vc = Vector<float>.Count, oh = g.OH, ow = g.OW;
        Span<float> r = stackalloc float[4 * Vector<float>.Count];
        ref float mb = ref MemoryMarshal.GetArrayDataReference(m);
        bool interleave = Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian;
        for (int o = o0; o < o1; o++)
        {
            float bo = bias is null ? 0f : bias[biasOff + o];
            for (int row = r0; row < r1; row++)
            {
                int n = row / th, ty = row % th;
                var plane = new Span<float>(y, yOff + (n * g.OC + o) * oh * ow, oh * ow);
                int t0 = (row - r0) * tw, oy = 2 * ty;
                for (int tx = 0; tx < tw; tx += vc)
                {
                    int at = o * tiles + t0 + tx;
                    // Past the row's last tile the loads read the next row's (or the next position's) values; their
                    // results are never stored. The last vector of the whole buffer is guarded by the rented size.
                    int q = g.OC * tiles;
                    Vector<float> m0 = Load(ref mb, at), m1 = Load(ref mb, q + at), m2 = Load(ref mb, 2 * q + at), m3 = Load(ref mb, 3 * q + at);
                    Vector<float> m4 = Load(ref mb, 4 * q + at), m5 = Load(ref mb, 5 * q + at), m6 = Load(ref mb, 6 * q + at), m7 = Load(ref mb, 7 * q + at);
                    Vector<float> m8 = Load(ref mb, 8 * q + at), m9 = Load(ref mb, 9 * q + at), m10 = Load(ref mb, 10 * q + at), m11 = Load(ref mb, 11 * q + at);
                    Vector<float> m12 = Load(ref mb, 12 * q + at), m13 = Load(ref mb, 13 * q + at), m14 = Load(ref mb, 14 * q + at), m15 = Load(ref mb, 15 * q + at);
                    // Rows first (Aᵀ·M), then columns.
                    Vector<float> s00 = m0 + m4 + m8, s01 = m1 + m5 + m9, s02 = m2 + m6 + m10, s03 = m3 + m7 + m11;
                    Vector<float> s10 = m4 - m8 - m12, s11 = m5 - m9 - m13, s12 = m6 - m10 - m14, s13 = m7 - m11 - m15;
                    var bv = new Vector<float>(bo);
                    Vector<float> y00 = s00 + s01 + s02 + bv, y01 = s01 - s02 - s03 + bv;
                    Vector<float> y10 = s10 + s11 + s12 + bv, y11 = s11 - s12 - s13 + bv;
                    if (interleave && 2 * (tx + vc) <= ow)
                    {
                        // Whole tiles: each output row's even and odd columns zipped into 2·vc contiguous floats.
                        StoreZipped(plane.Slice(oy * ow + 2 * tx, 2 * vc), y00, y01);
                        if (oy + 1 < oh) StoreZipped(plane.Slice((oy + 1) * ow + 2 * tx, 2 * vc), y10, y11);
                        continue;
                    }
                    y00.CopyTo(r);
                    y01.CopyTo(r.Slice(vc));
                    y10.CopyTo(r.Slice(2 * vc));
                    y11.CopyTo(r.Slice(3 * vc));
                    int count = Math.Min(vc, tw - tx);
                    for (int k = 0; k < count; k++)
                    {
                        int ox = 2 * (tx + k);
                        int row0 = oy * ow + ox;
                        plane[row0] = r[k];
                        if (ox + 1 < ow) plane[row0 + 1] = r[vc + k];
                        if (oy + 1 < oh)
                        {
                            plane[row0 + ow] = r[2 * vc + k];
                            if (ox + 1 < ow) plane[row0 + ow + 1] = r[3 * vc + k];
                        }
                    }
                }
            }
        }
    }

}
