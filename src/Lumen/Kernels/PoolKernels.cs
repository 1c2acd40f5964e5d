using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lumen.Kernels;

/// <summary>
/// Max, average and adaptive pooling over one (N·C) plane at a time; callers run planes in parallel. Each kernel
/// follows PyTorch's CPU loops: windows are visited depth, row, column in order; max takes the first maximum (strict
/// &gt;) unless a NaN comes along (NaN wins, as <c>val &gt; maxval || isnan(val)</c>); an all −∞ window reports the
/// index of its first in-bounds element.
/// </summary>
internal static partial class PoolKernels
{
    // ------------------------------------------------------------------ max pool

    /// <summary>Max pool of one plane: <paramref name="x"/> (InD·InH·InW) → <paramref name="y"/> and the argmax
    /// <paramref name="indices"/> (OutD·OutH·OutW each).</summary>
    public static void MaxPool(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in PoolGeometry g)
    {
        if (g.Is2x2Stride2) { MaxPool2x2(x, y, indices, g.InD, g.InH, g.InW, g.OutH, g.OutW); return; }
        if (g.Is2x2x2Stride2 && g.OutH * g.OutW <= MaxPool2x2x2Plane) { MaxPool2x2x2(x, y, indices, g); return; }
        if (StrideTwoColumnsApply(g)) { MaxPoolStrideTwoColumns(x, y, indices, g); return; }
        MaxPoolDefinition(x, y, indices, g, 0);
    }

    /// <summary>The definition, window by window, for the output columns from <paramref name="fromOw"/> on of every
    /// output row (0: all of them).</summary>
    private static void MaxPoolDefinition(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in PoolGeometry g, int fromOw)
    {
        int hw = g.InH * g.InW;
        for (int od = 0; od < g.OutD; od++)
        {
            var (d0, d1) = Window(od, g.SD, g.PD, g.KD, g.DD, g.InD);
            for (int oh = 0; oh < g.OutH; oh++)
            {
                var (h0, h1) = Window(oh, g.SH, g.PH, g.KH, g.DH, g.InH);
                for (int ow = fromOw, o = (od * g.OutH + oh) * g.OutW + fromOw; ow < g.OutW; ow++, o++)
                {
                    var (w0, w1) = Window(ow, g.SW, g.PW, g.KW, g.DW, g.InW);
                    int best = d0 * hw + h0 * g.InW + w0;
                    float max = float.NegativeInfinity;
                    for (int d = d0; d < d1; d += g.DD)
                        for (int h = h0; h < h1; h += g.DH)
                        {
                            int row = d * hw + h * g.InW;
                            for (int w = w0; w < w1; w += g.DW)
                            {
                                float v = x[row + w];
                                if (v > max || float.IsNaN(v)) { max = v; best = row + w; }
                            }
                        }
                    y[o] = max;
                    indices[o] = best;
                }
            }
        }
    }

    /// <summary>2-d windows sliding two columns at a time, undilated (ResNet's 3×3 stride-2 pool): <see cref="MaxPoolStrideTwoColumns"/>.</summary>
    private static bool StrideTwoColumnsApply(in PoolGeometry g) =>
        g.OutD == 1 && g.KD == 1 && g.InD == 1 && g.SW == 2 && g.DW == 1 && g.DH == 1 && g.OutW >= Vector<float>.Count && !g.Is2x2Stride2;

    /// <summary>Max pool with column stride 2, <see cref="Vector{T}"/> outputs at a time: each input row is split once into
    /// its even and odd padded columns (padding −∞, never taken by <c>&gt;</c>), so the window's column kw of consecutive
    /// outputs is one contiguous load. Taps are visited row by row, column by column, with the scalar loop's test
    /// (<c>v &gt; max || isnan(v)</c>) and starting index (the first in-bounds element), so values and indices are the
    /// definition's; the last outputs of a row that do not fill a vector take the scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPoolStrideTwoColumns(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in PoolGeometry g)
    {
        int vc = Vector<float>.Count, inW = g.InW, pw = g.PW, kw = g.KW;
        int half = (inW + 2 * pw + 1) / 2 + 1;   // even (or odd) padded columns of one row, plus one
        int vecOw = g.OutW / vc * vc;
        float[] rented = ArrayPool<float>.Shared.Rent(2 * g.InH * half);
        try
        {
            var split = rented.AsSpan(0, 2 * g.InH * half);
            // Input column w is padded column w + PW: the even input columns go to one half at offset a0, the odd ones
            // to the other at b0 (which half is which depends on PW's parity); the rest of each half is padding.
            int a0 = pw >> 1, b0 = (pw + 1) >> 1, nA = (inW + 1) / 2, nB = inW / 2;
            for (int h = 0; h < g.InH; h++)
            {
                var row = x.Slice(h * inW, inW);
                var even = split.Slice(2 * h * half, half);
                var odd = split.Slice((2 * h + 1) * half, half);
                var A = (pw & 1) == 0 ? even : odd;
                var B = (pw & 1) == 0 ? odd : even;
                A[..a0].Fill(float.NegativeInfinity); A[(a0 + nA)..].Fill(float.NegativeInfinity);
                B[..b0].Fill(float.NegativeInfinity); B[(b0 + nB)..].Fill(float.NegativeInfinity);
                int w = 0;
                if (Avx.IsSupported)
                    for (; w + 16 <= inW; w += 16)
                    {
                        var lo = Vector256.Create<float>(row.Slice(w, 8));
                        var hi = Vector256.Create<float>(row.Slice(w + 8, 8));
                        Even256(lo, hi).CopyTo(A.Slice(a0 + w / 2, 8));
                        Odd256(lo, hi).CopyTo(B.Slice(b0 + w / 2, 8));
                    }
                for (; w < inW; w++)
                    if ((w & 1) == 0) A[a0 + w / 2] = row[w]; else B[b0 + w / 2] = row[w];
            }
            Span<int> lanes = stackalloc int[vc];
            for (int i = 0; i < vc; i++) lanes[i] = 2 * i;
            var lane2 = new Vector<int>(lanes);
            var negInf = new Vector<float>(float.NegativeInfinity);
            for (int oh = 0; oh < g.OutH; oh++)
            {
                var (h0, h1) = Window(oh, g.SH, g.PH, g.KH, 1, g.InH);
                for (int ow = 0; ow < vecOw; ow += vc)
                {
                    // Output ow + i reads padded columns 2(ow + i) + k, k < KW: input column 2(ow + i) − PW + k.
                    var col0 = lane2 + new Vector<int>(2 * ow - pw);
                    var max = negInf;
                    var best = Vector.Max(col0, Vector<int>.Zero) + new Vector<int>(h0 * inW);   // the first in-bounds element
                    for (int h = h0; h < h1; h++)
                    {
                        var rowIdx = col0 + new Vector<int>(h * inW);
                        for (int k = 0; k < kw; k++)
                        {
                            var src = split.Slice(((2 * h + (k & 1)) * half) + ow + (k >> 1), vc);
                            var v = new Vector<float>(src);
                            var take = Vector.BitwiseOr(Vector.GreaterThan(v, max), ~Vector.Equals(v, v));
                            max = Vector.ConditionalSelect(take, v, max);
                            best = Vector.ConditionalSelect(take, rowIdx + new Vector<int>(k), best);
                        }
                    }
                    max.CopyTo(y.Slice(oh * g.OutW + ow, vc));
                    best.CopyTo(indices.Slice(oh * g.OutW + ow, vc));
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(rented); }
        if (vecOw < g.OutW) MaxPoolDefinition(x, y, indices, g, vecOw);
    }

    /// <summary>[start, end) of a dilated window along one dimension, start moved forward past the padding in
    /// dilation steps (PyTorch's <c>while (start &lt; 0) start += dilation</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Start, int End) Window(int o, int stride, int pad, int kernel, int dilation, int size)
    {
        int start = o * stride - pad;
        int end = Math.Min(start + (kernel - 1) * dilation + 1, size);
        while (start < 0) start += dilation;
        return (start, end);
    }

    /// <summary>The 2×2 stride-2 max pool: AVX deinterleaves even and odd columns of two rows and picks among the
    /// four candidates in PyTorch's visiting order, eight outputs at a time; SSE takes four; a scalar loop the rest.</summary>
    private static void MaxPool2x2(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, int inD, int inH, int inW, int outH, int outW)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref int ir = ref MemoryMarshal.GetReference(indices);
        Span<float> tail = stackalloc float[16];
        Span<float> tailY = stackalloc float[4];
        Span<int> tailI = stackalloc int[4];
        int o = 0;
        for (int d = 0; d < inD; d++)
            for (int oh = 0; oh < outH; oh++)
            {
                int row0 = (d * inH + 2 * oh) * inW, row1 = row0 + inW;
                int ow = 0;
                if (Avx.IsSupported && outW >= 8)
                {
                    var lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
                    for (; ow + 8 <= outW; ow += 8, o += 8)
                    {
                        int c = 2 * ow;
                        var a0 = Vector256.LoadUnsafe(ref xr, (nuint)(row0 + c));
                        var a1 = Vector256.LoadUnsafe(ref xr, (nuint)(row0 + c + 8));
                        var b0 = Vector256.LoadUnsafe(ref xr, (nuint)(row1 + c));
                        var b1 = Vector256.LoadUnsafe(ref xr, (nuint)(row1 + c + 8));
                        // Shuffle picks within 128-bit lanes; Permute4x64 puts the halves back in order.
                        var v0 = Even256(a0, a1);
                        var v1 = Odd256(a0, a1);
                        var v2 = Even256(b0, b1);
                        var v3 = Odd256(b0, b1);
                        var i0 = Vector256.Create(row0 + c) + lanes;
                        var i1 = i0 + Vector256<int>.One;
                        var i2 = i0 + Vector256.Create(inW);
                        var i3 = i2 + Vector256<int>.One;
                        var m = v0; var id = i0.AsSingle();
                        Take256(ref m, ref id, v1, i1);
                        Take256(ref m, ref id, v2, i2);
                        Take256(ref m, ref id, v3, i3);
                        m.StoreUnsafe(ref yr, (nuint)o);
                        id.AsInt32().StoreUnsafe(ref ir, (nuint)o);
                    }
                }
                if (Sse41.IsSupported)
                {
                    for (; ow + 4 <= outW; ow += 4, o += 4)
                        MaxPool2x2Sse(ref Unsafe.Add(ref xr, row0 + 2 * ow), ref Unsafe.Add(ref xr, row1 + 2 * ow), row0 + 2 * ow, inW,
                                      ref Unsafe.Add(ref yr, o), ref Unsafe.Add(ref ir, o));
                    if (ow < outW && row1 + 2 * ow + 8 <= x.Length && o + 4 <= y.Length)
                    {
                        // The last 1–3 outputs of a row through the vector code as well (a scalar loop mispredicts its
                        // data-dependent branches: 10× slower on random data). The extra lanes read the next row and
                        // write outputs that the next row overwrites.
                        MaxPool2x2Sse(ref Unsafe.Add(ref xr, row0 + 2 * ow), ref Unsafe.Add(ref xr, row1 + 2 * ow), row0 + 2 * ow, inW,
                                      ref Unsafe.Add(ref yr, o), ref Unsafe.Add(ref ir, o));
                        o += outW - ow; ow = outW;
                    }
                    else if (ow < outW)
                    {
                        // At the end of the plane: the same on a padded copy.
                        int r = outW - ow;
                        x.Slice(row0 + 2 * ow, 2 * r).CopyTo(tail);
                        x.Slice(row1 + 2 * ow, 2 * r).CopyTo(tail.Slice(8));
                        MaxPool2x2Sse(ref tail[0], ref tail[8], row0 + 2 * ow, inW, ref tailY[0], ref tailI[0]);
                        tailY[..r].CopyTo(y.Slice(o, r));
                        tailI[..r].CopyTo(indices.Slice(o, r));
                        ow += r; o += r;
                    }
                }
                for (; ow < outW; ow++, o++)
                {
                    int p = row0 + 2 * ow;
                    float max = x[p]; int best = p;
                    float v = x[p + 1]; if (v > max || float.IsNaN(v)) { max = v; best = p + 1; }
                    v = x[p + inW]; if (v > max || float.IsNaN(v)) { max = v; best = p + inW; }
                    v = x[p + inW + 1]; if (v > max || float.IsNaN(v)) { max = v; best = p + inW + 1; }
                    y[o] = max; indices[o] = best;
                }
            }
    }

    /// <summary>Largest output plane (OutH·OutW) of <see cref="MaxPool2x2x2"/>, whose second depth slice lives on the stack.</summary>
    private const int MaxPool2x2x2Plane = 4096;

    /// <summary>The 2×2×2 stride-2 max pool: each output depth slice is the 2×2 pool of input slice 2·od (straight into
    /// y) and of slice 2·od+1 (on the stack), then the second replaces the first where it is greater or NaN — the
    /// result of PyTorch's sequential d, h, w scan (a NaN anywhere in the second slice wins; otherwise the first
    /// occurrence of the larger maximum).</summary>
    private static void MaxPool2x2x2(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in PoolGeometry g)
    {
        int hw = g.InH * g.InW, ohw = g.OutH * g.OutW;
        Span<float> y1 = stackalloc float[ohw];
        Span<int> i1 = stackalloc int[ohw];
        for (int od = 0; od < g.OutD; od++)
        {
            int d0 = 2 * od * hw, d1 = d0 + hw;
            var y0 = y.Slice(od * ohw, ohw);
            var i0 = indices.Slice(od * ohw, ohw);
            MaxPool2x2(x.Slice(d0), y0, i0, 1, g.InH, g.InW, g.OutH, g.OutW);
            MaxPool2x2(x.Slice(d1), y1, i1, 1, g.InH, g.InW, g.OutH, g.OutW);
            int o = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var off0 = Vector256.Create(d0); var off1 = Vector256.Create(d1);
                for (; o + 8 <= ohw; o += 8)
                {
                    var a = Vector256.Create<float>(y0.Slice(o, 8)); var b = Vector256.Create<float>(y1.Slice(o, 8));
                    var take = (Vector256.GreaterThan(b, a) | ~Vector256.Equals(b, b)).AsInt32();
                    Vector256.ConditionalSelect(take.AsSingle(), b, a).CopyTo(y0.Slice(o, 8));
                    Vector256.ConditionalSelect(take, Vector256.Create<int>(i1.Slice(o, 8)) + off1,
                                                Vector256.Create<int>(i0.Slice(o, 8)) + off0).CopyTo(i0.Slice(o, 8));
                }
            }
            for (; o < ohw; o++)
            {
                float b = y1[o];
                if (b > y0[o] || float.IsNaN(b)) { y0[o] = b; i0[o] = i1[o] + d1; }
                else i0[o] += d0;
            }
        }
    }

    /// <summary>Elements 0, 2, …, 14 of the 16 floats a:b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Even256(Vector256<float> a, Vector256<float> b) =>
        Avx2.IsSupported
            ? Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle()
            : Vector256.Create(Sse.Shuffle(a.GetLower(), a.GetUpper(), 0b10_00_10_00), Sse.Shuffle(b.GetLower(), b.GetUpper(), 0b10_00_10_00));

    /// <summary>Elements 1, 3, …, 15 of the 16 floats a:b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Odd256(Vector256<float> a, Vector256<float> b) =>
        Avx2.IsSupported
            ? Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle()
            : Vector256.Create(Sse.Shuffle(a.GetLower(), a.GetUpper(), 0b11_01_11_01), Sse.Shuffle(b.GetLower(), b.GetUpper(), 0b11_01_11_01));

    /// <summary>Where v &gt; m or v is NaN, takes v and its index (PyTorch's update rule, lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take256(ref Vector256<float> m, ref Vector256<float> id, Vector256<float> v, Vector256<int> vi)
    {
        var take = Avx.Or(Avx.Compare(v, m, FloatComparisonMode.OrderedGreaterThanNonSignaling),
                          Avx.Compare(v, v, FloatComparisonMode.UnorderedNonSignaling));
        m = Avx.BlendVariable(m, v, take);
        id = Avx.BlendVariable(id, vi.AsSingle(), take);
    }

    /// <summary>Four 2×2 windows: r0 and r1 point at 8 floats of the two input rows starting at flat index
    /// <paramref name="first"/>; writes 4 maxima and their flat indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaxPool2x2Sse(ref float r0, ref float r1, int first, int inW, ref float y, ref int idx)
    {
        var a0 = Vector128.LoadUnsafe(ref r0);
        var a1 = Vector128.LoadUnsafe(ref r0, 4);
        var b0 = Vector128.LoadUnsafe(ref r1);
        var b1 = Vector128.LoadUnsafe(ref r1, 4);
        var m = Sse.Shuffle(a0, a1, 0b10_00_10_00);
        var i0 = Vector128.Create(first) + Vector128.Create(0, 2, 4, 6);
        var i2 = i0 + Vector128.Create(inW);
        var id = i0.AsSingle();
        Take128(ref m, ref id, Sse.Shuffle(a0, a1, 0b11_01_11_01), i0 + Vector128<int>.One);
        Take128(ref m, ref id, Sse.Shuffle(b0, b1, 0b10_00_10_00), i2);
        Take128(ref m, ref id, Sse.Shuffle(b0, b1, 0b11_01_11_01), i2 + Vector128<int>.One);
        m.StoreUnsafe(ref y);
        id.AsInt32().StoreUnsafe(ref idx);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take128(ref Vector128<float> m, ref Vector128<float> id, Vector128<float> v, Vector128<int> vi)
    {
        var take = Sse.Or(Sse.CompareGreaterThan(v, m), Sse.CompareUnordered(v, v));
        m = Sse41.BlendVariable(m, v, take);
        id = Sse41.BlendVariable(id, vi.AsSingle(), take);
    }

    /// <summary>Max-pool (and adaptive max-pool, max-unpool's transpose) backward for one plane: the gradient of each
    /// output goes to its argmax, accumulated where windows overlap.</summary>
    public static void ScatterAdd(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, Span<float> gradInput)
    {
        gradInput.Clear();
        for (int i = 0; i < gradOutput.Length; i++) gradInput[indices[i]] += gradOutput[i];
    }

    // ------------------------------------------------------------------ average pool

    /// <summary>The divisor and clamped window of one average-pool output along one dimension (PyTorch's rule: the
    /// padded window size counts for <c>count_include_pad</c>, the window cut to the input otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Start, int End, int Padded) AvgWindow(int o, int stride, int pad, int kernel, int size)
    {
        int start = o * stride - pad;
        int end = Math.Min(start + kernel, size + pad);
        int padded = end - start;
        return (Math.Max(start, 0), Math.Min(end, size), padded);
    }

    /// <summary>Average pool of one plane. <paramref name="divisorOverride"/> of 0 means none.</summary>
    public static void AvgPool(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        int hw = g.InH * g.InW, o = 0;
        for (int od = 0; od < g.OutD; od++)
        {
            var (d0, d1, pd) = AvgWindow(od, g.SD, g.PD, g.KD, g.InD);
            for (int oh = 0; oh < g.OutH; oh++)
            {
                var (h0, h1, ph) = AvgWindow(oh, g.SH, g.PH, g.KH, g.InH);
                for (int ow = 0; ow < g.OutW; ow++, o++)
                {
                    var (w0, w1, pw) = AvgWindow(ow, g.SW, g.PW, g.KW, g.InW);
                    if (d0 >= d1 || h0 >= h1 || w0 >= w1) { y[o] = 0f; continue; }
                    float sum = 0f;
                    for (int d = d0; d < d1; d++)
                        for (int h = h0; h < h1; h++)
                        {
                            int row = d * hw + h * g.InW;
                            for (int w = w0; w < w1; w++) sum += x[row + w];
                        }
                    int divisor = divisorOverride != 0 ? divisorOverride
                        : countIncludePad ? pd * ph * pw : (d1 - d0) * (h1 - h0) * (w1 - w0);
                    y[o] = sum / divisor;
                }
            }
        }
    }

    /// <summary>Average-pool backward for one plane: each output's gradient divided by its divisor, added to every
    /// input of its window.</summary>
    public static void AvgPoolBackward(ReadOnlySpan<float> gy, Span<float> gx, in PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        gx.Clear();
        int hw = g.InH * g.InW, o = 0;
        for (int od = 0; od < g.OutD; od++)
        {
            var (d0, d1, pd) = AvgWindow(od, g.SD, g.PD, g.KD, g.InD);
            for (int oh = 0; oh < g.OutH; oh++)
            {
                var (h0, h1, ph) = AvgWindow(oh, g.SH, g.PH, g.KH, g.InH);
                for (int ow = 0; ow < g.OutW; ow++, o++)
                {
                    var (w0, w1, pw) = AvgWindow(ow, g.SW, g.PW, g.KW, g.InW);
                    if (d0 >= d1 || h0 >= h1 || w0 >= w1) continue;
                    int divisor = divisorOverride != 0 ? divisorOverride
                        : countIncludePad ? pd * ph * pw : (d1 - d0) * (h1 - h0) * (w1 - w0);
                    float share = gy[o] / divisor;
                    for (int d = d0; d < d1; d++)
                        for (int h = h0; h < h1; h++)
                        {
                            int row = d * hw + h * g.InW;
                            for (int w = w0; w < w1; w++) gx[row + w] += share;
                        }
                }
            }
        }
    }

    // ------------------------------------------------------------------ adaptive pools

    /// <summary>PyTorch's adaptive window along one dimension: [floor(o·in/out), ceil((o+1)·in/out)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int Start, int End) AdaptiveWindow(int o, int inSize, int outSize) =>
        ((int)((long)o * inSize / outSize), (int)(((long)(o + 1) * inSize + outSize - 1) / outSize));

    /// <summary>Adaptive average pool of one plane (in: inD·inH·inW, out: outD·outH·outW); the sum is divided by
    /// each window extent in turn, as PyTorch does.</summary>
    public static void AdaptiveAvgPool(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g)
    {
        int inD = g.InD, inH = g.InH, inW = g.InW, outD = g.OutD, outH = g.OutH, outW = g.OutW;
        int hw = inH * inW, o = 0;
        for (int od = 0; od < outD; od++)
        {
            var (d0, d1) = AdaptiveWindow(od, inD, outD);
            for (int oh = 0; oh < outH; oh++)
            {
                var (h0, h1) = AdaptiveWindow(oh, inH, outH);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    var (w0, w1) = AdaptiveWindow(ow, inW, outW);
                    float sum = 0f;
                    for (int d = d0; d < d1; d++)
                        for (int h = h0; h < h1; h++)
                        {
                            int row = d * hw + h * inW;
                            for (int w = w0; w < w1; w++) sum += x[row + w];
                        }
                    y[o] = sum / (d1 - d0) / (h1 - h0) / (w1 - w0);
                }
            }
        }
    }

    /// <summary>Adaptive average-pool backward for one plane.</summary>
    public static void AdaptiveAvgPoolBackward(ReadOnlySpan<float> gy, Span<float> gx, in PoolGeometry g)
    {
        int inD = g.InD, inH = g.InH, inW = g.InW, outD = g.OutD, outH = g.OutH, outW = g.OutW;
        gx.Clear();
        int hw = inH * inW, o = 0;
        for (int od = 0; od < outD; od++)
        {
            var (d0, d1) = AdaptiveWindow(od, inD, outD);
            for (int oh = 0; oh < outH; oh++)
            {
                var (h0, h1) = AdaptiveWindow(oh, inH, outH);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    var (w0, w1) = AdaptiveWindow(ow, inW, outW);
                    float share = gy[o] / (d1 - d0) / (h1 - h0) / (w1 - w0);
                    for (int d = d0; d < d1; d++)
                        for (int h = h0; h < h1; h++)
                        {
                            int row = d * hw + h * inW;
                            for (int w = w0; w < w1; w++) gx[row + w] += share;
                        }
                }
            }
        }
    }

    /// <summary>Adaptive max pool of one plane with per-plane argmax indices.</summary>
    public static void AdaptiveMaxPool(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in PoolGeometry g)
    {
        int inD = g.InD, inH = g.InH, inW = g.InW, outD = g.OutD, outH = g.OutH, outW = g.OutW;
        int hw = inH * inW, o = 0;
        for (int od = 0; od < outD; od++)
        {
            var (d0, d1) = AdaptiveWindow(od, inD, outD);
            for (int oh = 0; oh < outH; oh++)
            {
                var (h0, h1) = AdaptiveWindow(oh, inH, outH);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    var (w0, w1) = AdaptiveWindow(ow, inW, outW);
                    int best = d0 * hw + h0 * inW + w0;
                    float max = float.NegativeInfinity;
                    for (int d = d0; d < d1; d++)
                        for (int h = h0; h < h1; h++)
                        {
                            int row = d * hw + h * inW;
                            for (int w = w0; w < w1; w++)
                            {
                                float v = x[row + w];
                                if (v > max || float.IsNaN(v)) { max = v; best = row + w; }
                            }
                        }
                    y[o] = max;
                    indices[o] = best;
                }
            }
        }
    }

    // ------------------------------------------------------------------ max unpool

    /// <summary>Max unpool of one plane: y (cleared by the caller) gets x[i] at indices[i]. Returns the first index
    /// outside [0, y.Length), or -1 when all are valid.</summary>
    public static long MaxUnpool(ReadOnlySpan<float> x, ReadOnlySpan<long> indices, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            long k = indices[i];
            if ((ulong)k >= (ulong)y.Length) return k;
            y[(int)k] = x[i];
        }
        return -1;
    }

    /// <summary>Max-unpool backward for one plane: gx[i] = gy[indices[i]].</summary>
    public static void MaxUnpoolBackward(ReadOnlySpan<float> gy, ReadOnlySpan<long> indices, Span<float> gx)
    {
        for (int i = 0; i < gx.Length; i++) gx[i] = gy[(int)indices[i]];
    }
}
