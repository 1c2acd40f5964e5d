using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Lumen.Kernels;

/// <summary>
/// The weight gradient by Winograd's F(3×3, 2×2), the transpose of the forward's F(2×2, 3×3): for each 2×2 block e of dy
/// and the 4×4 input patch d it was computed from (the forward's tile), dw += Gᵀ·[(A·e·Aᵀ) ⊙ (Bᵀ·d·B)]·G with the forward's
/// A, B and G. The sum over tiles runs inside the product, so per block of tiles the 16 transform positions are 16 SGEMMs
/// M[ξ] += E[ξ]·V[ξ]ᵀ of depth tiles (OC × tiles by tiles × C), and Gᵀ·M·G is taken once at the end: 16 multiplications
/// per (output, input) channel pair and tile instead of im2col's 36. As in the forward, the transforms only add, subtract
/// and halve, so the sums stay within float rounding of the direct ones, not bit-equal to them.
/// Blocks follow one another (each accumulates into M), parallel inside; the blocking depends only on the geometry, so
/// the result does not depend on the thread count.
/// </summary>
internal static partial class Winograd
{
    /// <summary>Bound in floats of one block's transformed input or gradient (16 × channels × tiles): 2 MB, so both stay
    /// near a core's L2 between their transform and the SGEMMs (8 MB blocks: 64→64 at 56², 4.1–4.4 → 3.8–4.0 ms;
    /// 256→256 at 14², 3.3–3.6 → 2.9–3.0). The SGEMMs still get 64 tiles of depth at 512 channels.</summary>
    private const int WeightGradBlockFloats = 1 << 19;

    /// <summary>dw (OC, C, 3, 3; overwritten) of the convolution <paramref name="g"/> from x (N, C, H, W) and dy
    /// (N, OC, OH, OW), contiguous views checked by the caller (<see cref="ConvKernels"/>).</summary>
    public static void WeightGrad(in ConvGeometry g, View<float> x, View<float> dy, View<float> dw)
    {
        if (!Applies(g)) throw new ArgumentException("Winograd F(3x3,2x2) weight gradient needs a 2-d 3x3 convolution with stride 1, dilation 1, one group.");
        var geo = g;
        int c = g.C, oc = g.OC;
        int th = (g.OH + 1) / 2, tw = (g.OW + 1) / 2, rows = g.N * th;
        int rowsPerBlock = Math.Clamp(WeightGradBlockFloats / (Xi * Math.Max(c, oc) * tw), 1, rows);
        int maxTiles = rowsPerBlock * tw;
        float[] xa = x.Array, dya = dy.Array, dwa = dw.Array;
        int xOff = x.Offset, dyOff = dy.Offset, dwOff = dw.Offset;
        var v = ArrayPool<float>.Shared.Rent(Xi * c * maxTiles);
        var e = ArrayPool<float>.Shared.Rent(Xi * oc * maxTiles);
        var m = ArrayPool<float>.Shared.Rent(Xi * oc * c);
        try
        {
            for (int r0 = 0; r0 < rows; r0 += rowsPerBlock)
            {
                int r1 = Math.Min(rows, r0 + rowsPerBlock), tiles = (r1 - r0) * tw;
                float beta = r0 == 0 ? 0f : 1f;
                // Input channels, then gradient channels, as one range shared among the threads.
                ParallelFor.Run(c + oc, 1, (a0, a1) =>
                {
                    if (a0 < c) TransformInput(geo, xa, xOff, r0, r1, th, tw, a0, Math.Min(a1, c), v, tiles);
                    if (a1 > c) TransformGrad(geo, dya, dyOff, r0, r1, th, tw, Math.Max(a0, c) - c, a1 - c, e, tiles);
                });
                ParallelFor.Run(Xi, 1, (x0, x1) =>
                {
                    for (int xi = x0; xi < x1; xi++)
                        Gemm.Sgemm(false, true, oc, c, tiles, 1f,
                                   new ReadOnlySpan<float>(e, xi * oc * tiles, oc * tiles), tiles,
                                   new ReadOnlySpan<float>(v, xi * c * tiles, c * tiles), tiles,
                                   beta, new Span<float>(m, xi * oc * c, oc * c), c);
                });
            }
            ParallelFor.Run(oc, 1, (o0, o1) => TransformWeightGradOutput(m, oc, c, o0, o1, dwa, dwOff));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(v);
            ArrayPool<float>.Shared.Return(e);
            ArrayPool<float>.Shared.Return(m);
        }
    }

    /// <summary>E[ξ][o][t] = (A·e·Aᵀ)[ξ] for the 2×2 block e of dy (rows 2·ty, 2·ty + 1, columns 2·tx, 2·tx + 1; zero
    /// past OH and OW) of every tile t in the global tile rows [r0, r1) and output channel o in [o0, o1);
    /// A = [[1, 0], [1, 1], [1, −1], [0, −1]] (the forward's Aᵀ transposed). Vectorised across the tiles of a row, as
    /// <see cref="TransformInput"/>: the block's columns are the even and odd columns of the two dy rows.</summary>
    internal static void TransformGrad(in ConvGeometry g, float[] dy, int dyOff, int r0, int r1, int th, int tw, int o0, int o1, float[] e, int tiles)
    {
        int vc = Vector<float>.Count;
        int span = (tw + vc - 1) / vc * vc;
        float[] rented = ArrayPool<float>.Shared.Rent(4 * span + 16 * vc);
        try
        {
            var buf = rented.AsSpan(0, 4 * span);
            var tail = rented.AsSpan(4 * span, 16 * vc);
            ref float b = ref MemoryMarshal.GetArrayDataReference(rented);
            int oh = g.OH, ow = g.OW;
            for (int o = o0; o < o1; o++)
            for (int row = r0; row < r1; row++)
            {
                int n = row / th, ty = row % th;
                var plane = new ReadOnlySpan<float>(dy, dyOff + (n * g.OC + o) * oh * ow, oh * ow);
                for (int r = 0; r < 2; r++)
                {
                    var ev = buf.Slice(2 * r * span, span);
                    var od = buf.Slice((2 * r + 1) * span, span);
                    int iy = 2 * ty + r;
                    if (iy >= oh) { ev.Clear(); od.Clear(); continue; }
                    SplitEvenOdd(plane.Slice(iy * ow, ow), 0, ev, od);
                }
                int t0 = (row - r0) * tw;
                for (int tx = 0; tx < tw; tx += vc)
                {
                    bool full = tx + vc <= tw;
                    Vector<float> p0 = Load(ref b, tx), q0 = Load(ref b, span + tx), p1 = Load(ref b, 2 * span + tx), q1 = Load(ref b, 3 * span + tx);
                    ref float d = ref MemoryMarshal.GetReference(full ? e.AsSpan() : tail);
                    int at = full ? o * tiles + t0 + tx : 0, stride = full ? g.OC * tiles : vc;
                    // Rows of A·e, then each row (a, b) times Aᵀ.
                    StoreGradRow(ref d, at, stride, 0, p0, q0);
                    StoreGradRow(ref d, at, stride, 1, p0 + p1, q0 + q1);
                    StoreGradRow(ref d, at, stride, 2, p0 - p1, q0 - q1);
                    StoreGradRow(ref d, at, stride, 3, -p1, -q1);
                    if (!full) StoreTail(tail, tw - tx, e, o * tiles + t0 + tx, g.OC * tiles);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Row i of A·e·Aᵀ from row i (a, b) of A·e: (a, a + b, a − b, −b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGradRow(ref float o, int at, int xiStride, int i, Vector<float> a, Vector<float> b)
    {
        a.StoreUnsafe(ref o, (nuint)((4 * i + 0) * xiStride + at));
        (a + b).StoreUnsafe(ref o, (nuint)((4 * i + 1) * xiStride + at));
        (a - b).StoreUnsafe(ref o, (nuint)((4 * i + 2) * xiStride + at));
        (-b).StoreUnsafe(ref o, (nuint)((4 * i + 3) * xiStride + at));
    }

    /// <summary>dw[o][c] = Gᵀ·M[·][o][c]·G (3×3 from the 16 positions) for o in [o0, o1) and every input channel;
    /// Gᵀ = [[1, ½, ½, 0], [0, ½, −½, 0], [0, ½, ½, 1]]. Vectorised across input channels; the last partial vector is
    /// copied to a zero-padded buffer and takes the same operations.</summary>
    internal static void TransformWeightGradOutput(float[] m, int oc, int c, int o0, int o1, float[] dw, int dwOff)
    {
        int vc = Vector<float>.Count, q = oc * c;
        Span<float> r = stackalloc float[9 * Vector<float>.Count];
        Span<float> pad = stackalloc float[Xi * Vector<float>.Count];
        ref float mb = ref MemoryMarshal.GetArrayDataReference(m);
        for (int o = o0; o < o1; o++)
            for (int ci = 0; ci < c; ci += vc)
            {
                int count = Math.Min(vc, c - ci);
                if (count == vc) CombineOutput(ref mb, o * c + ci, q, r);
                else
                {
                    pad.Clear();
                    for (int xi = 0; xi < Xi; xi++) m.AsSpan(xi * q + o * c + ci, count).CopyTo(pad.Slice(xi * vc));
                    CombineOutput(ref MemoryMarshal.GetReference(pad), 0, vc, r);
                }
                var dst = dw.AsSpan(dwOff + (o * c + ci) * 9, count * 9);
                if (vc == 8 && count == 8 && Avx.IsSupported) StoreTransposed(r, dst);
                else
                    for (int k = 0; k < count; k++)
                        for (int tap = 0; tap < 9; tap++) dst[k * 9 + tap] = r[tap * vc + k];
            }
    }

    /// <summary>dst[9k + tap] = r[8·tap + k] for 8 channels k: taps 0–7 by an 8×8 register transpose (a row of 8 per
    /// channel, stored 9 apart), tap 8 one by one. The scattered scalar stores took most of the transform at 512 channels.</summary>
    private static unsafe void StoreTransposed(Span<float> r, Span<float> dst)
    {
        fixed (float* pr = r) fixed (float* pd = dst)
        {
            // Rows of 8 stored 9 apart: row k overlaps nothing of row k + 1, whose tap 8 is written after.
            Gemm.Transpose8x8(pr, 8, pd, 9);
            for (int k = 0; k < 8; k++) pd[9 * k + 8] = pr[64 + k];
        }
    }

    /// <summary>Gᵀ·M·G for one vector of channels: M[ξ] at <paramref name="at"/> + ξ·<paramref name="q"/>; tap
    /// 3·ky + kx goes to r[tap·vc ..]. Rows first (s = Gᵀ·M, 3×4), then columns (s·G).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CombineOutput(ref float mb, int at, int q, Span<float> r)
    {
        int vc = Vector<float>.Count;
        ref float rb = ref MemoryMarshal.GetReference(r);
        var half = new Vector<float>(0.5f);
        Column(ref mb, at, q, 0, half, out var s00, out var s10, out var s20);
        Column(ref mb, at, q, 1, half, out var s01, out var s11, out var s21);
        Column(ref mb, at, q, 2, half, out var s02, out var s12, out var s22);
        Column(ref mb, at, q, 3, half, out var s03, out var s13, out var s23);
        StoreTaps(ref rb, 0, vc, s00, s01, s02, s03, half);
        StoreTaps(ref rb, 3, vc, s10, s11, s12, s13, half);
        StoreTaps(ref rb, 6, vc, s20, s21, s22, s23, half);
    }

    /// <summary>Column j of Gᵀ·M from M[j], M[4 + j], M[8 + j], M[12 + j]: (m0 + ½(m1 + m2), ½(m1 − m2), ½(m1 + m2) + m3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(ref float mb, int at, int q, int j, Vector<float> half, out Vector<float> s0, out Vector<float> s1, out Vector<float> s2)
    {
        Vector<float> m0 = Load(ref mb, at + j * q), m1 = Load(ref mb, at + (4 + j) * q);
        Vector<float> m2 = Load(ref mb, at + (8 + j) * q), m3 = Load(ref mb, at + (12 + j) * q);
        Vector<float> sum = (m1 + m2) * half;
        s0 = m0 + sum;
        s1 = (m1 - m2) * half;
        s2 = sum + m3;
    }

    /// <summary>One row of taps from one row (a0..a3) of Gᵀ·M: (a0 + ½(a1 + a2), ½(a1 − a2), ½(a1 + a2) + a3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTaps(ref float rb, int tap, int vc, Vector<float> a0, Vector<float> a1, Vector<float> a2, Vector<float> a3, Vector<float> half)
    {
        Vector<float> sum = (a1 + a2) * half;
        (a0 + sum).StoreUnsafe(ref rb, (nuint)(tap * vc));
        ((a1 - a2) * half).StoreUnsafe(ref rb, (nuint)((tap + 1) * vc));
        (sum + a3).StoreUnsafe(ref rb, (nuint)((tap + 2) * vc));
    }
}
