namespace Lumen.Kernels;

/// <summary>The source indices and weights of linear interpolation along one axis, one entry per output position:
/// output o reads input I0[o] with weight L0[o] and input I1[o] with weight L1[o] (PyTorch's
/// <c>compute_indices_weights_linear</c>; built by F.Interpolate).</summary>
internal readonly struct LinearAxis
{
    public readonly int[] I0, I1;
    public readonly float[] L0, L1;

    public LinearAxis(int[] i0, int[] i1, float[] l0, float[] l1) { I0 = i0; I1 = i1; L0 = l0; L1 = l1; }
}

// Nearest and linear interpolation of one (N·C) plane. Source indices and weights are computed once per call by the
// caller (F.Interpolate) and shared by every plane.
internal static partial class PoolKernels
{
    /// <summary>Nearest-neighbour upsampling of one plane of size inD·inH·inW: output (d, h, w) copies input
    /// (srcD[d], srcH[h], srcW[w]).</summary>
    public static void UpsampleNearest(ReadOnlySpan<float> x, Span<float> y, int inH, int inW,
                                       ReadOnlySpan<int> srcD, ReadOnlySpan<int> srcH, ReadOnlySpan<int> srcW)
    {
        int o = 0, outW = srcW.Length;
        for (int od = 0; od < srcD.Length; od++)
            for (int oh = 0; oh < srcH.Length; oh++)
            {
                var row = x.Slice((srcD[od] * inH + srcH[oh]) * inW, inW);
                var dst = y.Slice(o, outW);
                for (int ow = 0; ow < outW; ow++) dst[ow] = row[srcW[ow]];
                o += outW;
            }
    }

    /// <summary>Nearest upsampling backward for one plane: each output gradient is added to its source element.</summary>
    public static void UpsampleNearestBackward(ReadOnlySpan<float> gy, Span<float> gx, int inH, int inW,
                                               ReadOnlySpan<int> srcD, ReadOnlySpan<int> srcH, ReadOnlySpan<int> srcW)
    {
        gx.Clear();
        int o = 0, outW = srcW.Length;
        for (int od = 0; od < srcD.Length; od++)
            for (int oh = 0; oh < srcH.Length; oh++)
            {
                var row = gx.Slice((srcD[od] * inH + srcH[oh]) * inW, inW);
                var src = gy.Slice(o, outW);
                for (int ow = 0; ow < outW; ow++) row[srcW[ow]] += src[ow];
                o += outW;
            }
    }

    /// <summary>Linear interpolation of one plane of width inW (PyTorch's <c>upsample_linear1d</c>).</summary>
    public static void UpsampleLinear1d(ReadOnlySpan<float> x, Span<float> y, in LinearAxis w)
    {
        for (int o = 0; o < y.Length; o++) y[o] = x[w.I0[o]] * w.L0[o] + x[w.I1[o]] * w.L1[o];
    }

    /// <summary>Bilinear interpolation of one inH·inW plane: the width pass inside, then the height weights, as
    /// PyTorch's separable CPU kernel.</summary>
    public static void UpsampleBilinear2d(ReadOnlySpan<float> x, Span<float> y, int inW, in LinearAxis h, in LinearAxis w)
    {
        int outW = w.I0.Length, o = 0;
        for (int oh = 0; oh < h.I0.Length; oh++)
        {
            var r0 = x.Slice(h.I0[oh] * inW, inW);
            var r1 = x.Slice(h.I1[oh] * inW, inW);
            float lh0 = h.L0[oh], lh1 = h.L1[oh];
            for (int ow = 0; ow < outW; ow++, o++)
            {
                int w0 = w.I0[ow], w1 = w.I1[ow];
                float lw0 = w.L0[ow], lw1 = w.L1[ow];
                y[o] = (r0[w0] * lw0 + r0[w1] * lw1) * lh0 + (r1[w0] * lw0 + r1[w1] * lw1) * lh1;
            }
        }
    }

    /// <summary>Trilinear interpolation of one inD·inH·inW plane.</summary>
    public static void UpsampleTrilinear3d(ReadOnlySpan<float> x, Span<float> y, int inH, int inW, in LinearAxis d, in LinearAxis h, in LinearAxis w)
    {
        int outW = w.I0.Length, o = 0;
        for (int od = 0; od < d.I0.Length; od++)
            for (int oh = 0; oh < h.I0.Length; oh++)
            {
                int r00 = (d.I0[od] * inH + h.I0[oh]) * inW, r01 = (d.I0[od] * inH + h.I1[oh]) * inW;
                int r10 = (d.I1[od] * inH + h.I0[oh]) * inW, r11 = (d.I1[od] * inH + h.I1[oh]) * inW;
                float ld0 = d.L0[od], ld1 = d.L1[od], lh0 = h.L0[oh], lh1 = h.L1[oh];
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    int w0 = w.I0[ow], w1 = w.I1[ow];
                    float lw0 = w.L0[ow], lw1 = w.L1[ow];
                    float t0 = (x[r00 + w0] * lw0 + x[r00 + w1] * lw1) * lh0 + (x[r01 + w0] * lw0 + x[r01 + w1] * lw1) * lh1;
                    float t1 = (x[r10 + w0] * lw0 + x[r10 + w1] * lw1) * lh0 + (x[r11 + w0] * lw0 + x[r11 + w1] * lw1) * lh1;
                    y[o] = t0 * ld0 + t1 * ld1;
                }
            }
    }

    /// <summary>Linear interpolation backward for one plane in 1, 2 or 3 dimensions (missing leading axes have one
    /// output and one input): each output gradient is spread over its 2, 4 or 8 sources with the products of weights.</summary>
    public static void UpsampleLinearBackward(ReadOnlySpan<float> gy, Span<float> gx, int inH, int inW,
                                              in LinearAxis? d, in LinearAxis? h, in LinearAxis w)
    {
        gx.Clear();
        int outD = d?.I0.Length ?? 1, outH = h?.I0.Length ?? 1, outW = w.I0.Length, o = 0;
        for (int od = 0; od < outD; od++)
            for (int oh = 0; oh < outH; oh++)
            {
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    float g = gy[o];
                    int w0 = w.I0[ow], w1 = w.I1[ow];
                    float lw0 = w.L0[ow], lw1 = w.L1[ow];
                    if (h is not { } hh)
                    {
                        gx[w0] += lw0 * g;
                        gx[w1] += lw1 * g;
                        continue;
                    }
                    int h0 = hh.I0[oh], h1 = hh.I1[oh];
                    float lh0 = hh.L0[oh], lh1 = hh.L1[oh];
                    if (d is not { } dd)
                    {
                        gx[h0 * inW + w0] += lh0 * lw0 * g;
                        gx[h0 * inW + w1] += lh0 * lw1 * g;
                        gx[h1 * inW + w0] += lh1 * lw0 * g;
                        gx[h1 * inW + w1] += lh1 * lw1 * g;
                        continue;
                    }
                    int d0 = dd.I0[od] * inH, d1 = dd.I1[od] * inH;
                    float ld0 = dd.L0[od], ld1 = dd.L1[od];
                    gx[(d0 + h0) * inW + w0] += ld0 * lh0 * lw0 * g;
                    gx[(d0 + h0) * inW + w1] += ld0 * lh0 * lw1 * g;
                    gx[(d0 + h1) * inW + w0] += ld0 * lh1 * lw0 * g;
                    gx[(d0 + h1) * inW + w1] += ld0 * lh1 * lw1 * g;
                    gx[(d1 + h0) * inW + w0] += ld1 * lh0 * lw0 * g;
                    gx[(d1 + h0) * inW + w1] += ld1 * lh0 * lw1 * g;
                    gx[(d1 + h1) * inW + w0] += ld1 * lh1 * lw0 * g;
                    gx[(d1 + h1) * inW + w1] += ld1 * lh1 * lw1 * g;
                }
            }
    }
}
