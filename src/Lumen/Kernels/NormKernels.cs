using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lumen.Kernels;

/// <summary>
/// Normalisation kernels. Batch norm sees a contiguous input as [n, c, s] (s = the spatial size) and works channel by
/// channel (parallel over channels; each channel is n contiguous runs of s floats). Layer and group norm see it as
/// [rows, len] rows normalised on their own (parallel over rows), each row made of len/seg segments that share one affine
/// channel: row r, segment k uses channel (r mod groups)·(len/seg) + k (group norm: seg = H·W; layer norm: seg = 1,
/// groups = 1, so the affine weight runs along the row). Sums accumulate in double, as PyTorch's CPU kernels do for
/// batch norm; means and inverse standard deviations are stored as float.
/// </summary>
internal static class NormKernels
{
    // ------------------------------------------------------------------ batch norm

    /// <summary>Per channel: mean = Σx / (n·s) and varSum = Σ(x − mean)² (the float difference squared, summed in double).</summary>
    public static void BatchNormStats(View<float> xv, float[] mean, double[] varSum)
    {
        var (n, c, s) = xv.ChannelRows("batch_norm: input");
        float[] x = xv.Array;
        int xOff = xv.Offset;
        long count = (long)n * s;
        ParallelFor.Run(c, Math.Max(1, (int)Math.Min(int.MaxValue, 65536 / Math.Max(count, 1))), (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += SumD(x.AsSpan(xOff + (i * c + ch) * s, s));
                float m = (float)(sum / count);
                double vs = 0;
                for (int i = 0; i < n; i++) vs += SumSquaredDeviationD(x.AsSpan(xOff + (i * c + ch) * s, s), m);
                mean[ch] = m;
                varSum[ch] = vs;
            }
        });
    }

    /// <summary>y = x·alpha[ch] + beta[ch] over (N, C, ...); y contiguous of the same size.</summary>
    public static void ChannelAffine(View<float> xv, float[] alpha, float[] beta, View<float> yv)
    {
        var (n, c, s) = xv.ChannelRows("batch_norm: input");
        float[] x = xv.Array, y = yv.Array;
        int xOff = xv.Offset, yOff = yv.Offset;
        yv.SpanOf((long)n * c * s, "batch_norm: output");
        int planes = n * c;
        ParallelFor.Run(planes, Math.Max(1, 32768 / Math.Max(s, 1)), (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int ch = p % c;
                Affine(x.AsSpan(xOff + p * s, s), alpha[ch], beta[ch], y.AsSpan(yOff + p * s, s));
            }
        });
    }

    /// <summary>Per channel: sumDy = Σ dy and dotP = Σ (x − mean[ch])·dy, both in double.</summary>
    public static void BatchNormBackwardSums(View<float> xv, View<float> dyv, float[] mean, double[] sumDy, double[] dotP)
    {
        var (n, c, s) = xv.ChannelRows("batch_norm backward: input");
        dyv.SpanOf((long)n * c * s, "batch_norm backward: output gradient");
        float[] x = xv.Array, dy = dyv.Array;
        int xOff = xv.Offset, dyOff = dyv.Offset;
        long count = (long)n * s;
        ParallelFor.Run(c, Math.Max(1, (int)Math.Min(int.MaxValue, 65536 / Math.Max(count, 1))), (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                double sd = 0, dp = 0;
                for (int i = 0; i < n; i++)
                {
                    int o = (i * c + ch) * s;
                    sd += SumD(dy.AsSpan(dyOff + o, s));
                    dp += CenteredDotD(x.AsSpan(xOff + o, s), mean[ch], dy.AsSpan(dyOff + o, s));
                }
                sumDy[ch] = sd;
                dotP[ch] = dp;
            }
        });
    }

    /// <summary>Training-mode input gradient, PyTorch's fused formula: with k = dotP·invstd²/N and gm = sumDy/N,
    /// dx = (dy − gm − (x − mean)·k)·invstd·w. w may be null (no affine: 1).</summary>
    public static void BatchNormBackwardInput(View<float> xv, View<float> dyv, float[] mean, float[] invstd, float[]? w,
                                              double[] sumDy, double[] dotP, View<float> dxv)
    {
        var (n, c, s) = xv.ChannelRows("batch_norm backward: input");
        dyv.SpanOf((long)n * c * s, "batch_norm backward: output gradient");
        dxv.SpanOf((long)n * c * s, "batch_norm backward: input gradient");
        float[] x = xv.Array, dy = dyv.Array, dx = dxv.Array;
        int xOff = xv.Offset, dyOff = dyv.Offset, dxOff = dxv.Offset;
        long count = (long)n * s;
        int planes = n * c;
        ParallelFor.Run(planes, Math.Max(1, 32768 / Math.Max(s, 1)), (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int ch = p % c;
                float istd = invstd[ch];
                float k = (float)(dotP[ch] * istd * istd / count);
                float gm = (float)(sumDy[ch] / count);
                float scale = istd * (w != null ? w[ch] : 1f);
                BnDx(x.AsSpan(xOff + p * s, s), dy.AsSpan(dyOff + p * s, s), mean[ch], k, gm, scale, dx.AsSpan(dxOff + p * s, s));
            }
        });
    }

    /// <summary>dx = (dy − gm − (x − mean)·k)·scale, vectorised.</summary>
    private static void BnDx(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float mean, float k, float gm, float scale, Span<float> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<float>(mean); var vk = new Vector<float>(k); var vg = new Vector<float>(gm); var vs = new Vector<float>(scale);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vx = new Vector<float>(x.Slice(i)); var vd = new Vector<float>(dy.Slice(i));
                ((vd - vg - (vx - vm) * vk) * vs).CopyTo(dx.Slice(i));
            }
        }
        for (; i < x.Length; i++) dx[i] = (dy[i] - gm - (x[i] - mean) * k) * scale;
    }

    // ------------------------------------------------------------------ layer / group norm

    /// <summary>Per row: mean and rstd = 1/√(biased variance + eps) (two passes, double sums).</summary>
    public static void RowMoments(View<float> xv, in RowNormGeometry geo, double eps, float[] mean, float[] rstd)
    {
        int rows = geo.Rows, len = geo.Len;
        xv.SpanOf((long)rows * len, "norm: input");
        float[] x = xv.Array;
        int xOff = xv.Offset;
        ParallelFor.Run(rows, Math.Max(1, 32768 / Math.Max(len, 1)), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var row = x.AsSpan(xOff + r * len, len);
                double m = len == 0 ? 0 : SumD(row) / len;
                double v = len == 0 ? 0 : SumSquaredDeviationD(row, m) / len;
                mean[r] = (float)m;
                rstd[r] = (float)(1.0 / Math.Sqrt(Math.Max(v, 0) + eps));
            }
        });
    }

    /// <summary>y = (x − mean)·rstd·w[ch] + b[ch] per row (w, b null: 1 and 0), channels as in the class summary.</summary>
    public static void RowNormForward(View<float> xv, in RowNormGeometry geo, float[] mean, float[] rstd, float[]? w, float[]? b,
                                      View<float> yv)
    {
        int rows = geo.Rows, len = geo.Len, seg = geo.Seg, groups = geo.Groups, segs = geo.Segs;
        xv.SpanOf((long)rows * len, "norm: input");
        yv.SpanOf((long)rows * len, "norm: output");
        float[] x = xv.Array, y = yv.Array;
        int xOff = xv.Offset, yOff = yv.Offset;
        ParallelFor.Run(rows, Math.Max(1, 32768 / Math.Max(len, 1)), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xr = x.AsSpan(xOff + r * len, len);
                var yr = y.AsSpan(yOff + r * len, len);
                float m = mean[r], rs = rstd[r];
                int chBase = r % groups * segs;
                if (seg == 1)
                {
                    Affine(xr, rs, -m * rs, yr);
                    if (w != null) System.Numerics.Tensors.TensorPrimitives.Multiply(yr, w.AsSpan(chBase, len), yr);
                    if (b != null) System.Numerics.Tensors.TensorPrimitives.Add(yr, b.AsSpan(chBase, len), yr);
                    continue;
                }
                for (int k = 0; k < segs; k++)
                {
                    float a = rs * (w != null ? w[chBase + k] : 1f);
                    float beta = (b != null ? b[chBase + k] : 0f) - m * a;
                    Affine(xr.Slice(k * seg, seg), a, beta, yr.Slice(k * seg, seg));
                }
            }
        });
    }

    /// <summary>Input gradient per row: with ĝ = dy·w and x̂ = (x − mean)·rstd,
    /// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)).</summary>
    public static void RowNormBackwardInput(View<float> xv, View<float> dyv, in RowNormGeometry geo, float[] mean, float[] rstd,
                                            float[]? w, View<float> dxv)
    {
        int rows = geo.Rows, len = geo.Len, seg = geo.Seg, groups = geo.Groups, segs = geo.Segs;
        xv.SpanOf((long)rows * len, "norm backward: input");
        dyv.SpanOf((long)rows * len, "norm backward: output gradient");
        dxv.SpanOf((long)rows * len, "norm backward: input gradient");
        float[] x = xv.Array, dy = dyv.Array, dx = dxv.Array;
        int xOff = xv.Offset, dyOff = dyv.Offset, dxOff = dxv.Offset;
        ParallelFor.Run(rows, Math.Max(1, 32768 / Math.Max(len, 1)), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int xo = xOff + r * len, go = dyOff + r * len, chBase = r % groups * segs;
                float m = mean[r], rs = rstd[r];
                double sg = 0, sgx = 0;   // Σ ĝ, Σ ĝ·(x − mean)
                for (int k = 0; k < segs; k++)
                    for (int i = k * seg; i < (k + 1) * seg; i++)
                    {
                        double gh = dy[go + i] * (w != null ? w[chBase + k] : 1f);
                        sg += gh; sgx += gh * (x[xo + i] - m);
                    }
                double meanG = len == 0 ? 0 : sg / len, meanGX = len == 0 ? 0 : sgx * rs / len;
                for (int k = 0; k < segs; k++)
                {
                    float wk = w != null ? w[chBase + k] : 1f;
                    for (int i = k * seg; i < (k + 1) * seg; i++)
                    {
                        double xh = (x[xo + i] - m) * rs;
                        dx[dxOff + r * len + i] = (float)(rs * (dy[go + i] * wk - meanG - xh * meanGX));
                    }
                }
            }
        });
    }

    /// <summary>Affine gradients: dw[ch] = Σ dy·x̂ and db[ch] = Σ dy over every element of channel ch (all rows).
    /// Either output may be null.</summary>
    public static void RowNormBackwardAffine(View<float> xv, View<float> dyv, in RowNormGeometry geo, float[] mean, float[] rstd,
                                             float[]? dw, float[]? db)
    {
        int rows = geo.Rows, len = geo.Len, seg = geo.Seg, groups = geo.Groups, segs = geo.Segs, channels = geo.Channels;
        xv.SpanOf((long)rows * len, "norm backward: input");
        dyv.SpanOf((long)rows * len, "norm backward: output gradient");
        float[] x = xv.Array, dy = dyv.Array;
        int xOff = xv.Offset, dyOff = dyv.Offset;
        if (seg == 1 && groups == 1)
        {
            // Layer norm: the channel runs along the row. Walk the rows once per block of adjacent columns, so every
            // read is a short contiguous run instead of a column stride.
            const int Block = 64;
            int blocks = (len + Block - 1) / Block;
            ParallelFor.Run(blocks, 1, (b0, b1) =>
            {
                Span<double> sw = stackalloc double[Block];
                Span<double> sb = stackalloc double[Block];
                for (int blk = b0; blk < b1; blk++)
                {
                    int j0 = blk * Block, w = Math.Min(Block, len - j0);
                    sw.Clear(); sb.Clear();
                    for (int r = 0; r < rows; r++)
                    {
                        var xr = x.AsSpan(xOff + r * len + j0, w);
                        var gr = dy.AsSpan(dyOff + r * len + j0, w);
                        float m = mean[r], rs = rstd[r];
                        for (int j = 0; j < w; j++) { float gv = gr[j]; sb[j] += gv; sw[j] += gv * ((xr[j] - m) * rs); }
                    }
                    for (int j = 0; j < w; j++)
                    {
                        if (dw != null) dw[j0 + j] = (float)sw[j];
                        if (db != null) db[j0 + j] = (float)sb[j];
                    }
                }
            });
            return;
        }
        ParallelFor.Run(channels, Math.Max(1, 8192 / Math.Max(rows / Math.Max(groups, 1) * seg, 1)), (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                int g = ch / segs, k = ch % segs;
                double sw = 0, sb = 0;
                for (int r = g; r < rows; r += groups)
                {
                    int o = r * len + k * seg;
                    float m = mean[r], rs = rstd[r];
                    for (int i = 0; i < seg; i++)
                    {
                        float gv = dy[dyOff + o + i];
                        sb += gv;
                        sw += gv * ((x[xOff + o + i] - m) * rs);
                    }
                }
                if (dw != null) dw[ch] = (float)sw;
                if (db != null) db[ch] = (float)sb;
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>y = x·a + b with scalar a and b (y may alias x).</summary>
    internal static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var va = new Vector<float>(a); var vb = new Vector<float>(b);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(x.Slice(i)) * va + vb).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++) y[i] = x[i] * a + b;
    }

    /// <summary>Σ x in double (float lanes widened to double lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SumD(ReadOnlySpan<float> x)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x.Slice(i)), out var lo, out var hi);
                acc0 += lo; acc1 += hi;
            }
            s = Vector.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    /// <summary>Σ (x − m)² with the difference and square in float and the sum in double (PyTorch's batch-norm stats).</summary>
    internal static double SumSquaredDeviationD(ReadOnlySpan<float> x, float m)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<float>(m);
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var d = new Vector<float>(x.Slice(i)) - vm;
                Vector.Widen(d * d, out var lo, out var hi);
                acc0 += lo; acc1 += hi;
            }
            s = Vector.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++) { float d = x[i] - m; s += d * d; }
        return s;
    }

    /// <summary>Σ (x − m)² in double throughout (layer/group norm moments).</summary>
    internal static double SumSquaredDeviationD(ReadOnlySpan<float> x, double m)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<double>(m);
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x.Slice(i)), out var lo, out var hi);
                lo -= vm; hi -= vm;
                acc0 += lo * lo; acc1 += hi * hi;
            }
            s = Vector.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++) { double d = x[i] - m; s += d * d; }
        return s;
    }

    /// <summary>Σ (x − m)·dy with the product in float and the sum in double.</summary>
    internal static double CenteredDotD(ReadOnlySpan<float> x, float m, ReadOnlySpan<float> dy)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<float>(m);
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var p = (new Vector<float>(x.Slice(i)) - vm) * new Vector<float>(dy.Slice(i));
                Vector.Widen(p, out var lo, out var hi);
                acc0 += lo; acc1 += hi;
            }
            s = Vector.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++) s += (x[i] - m) * dy[i];
        return s;
    }
}
