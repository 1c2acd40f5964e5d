using System.Buffers;
using System.Numerics.Tensors;

namespace Lumen.Kernels;

/// <summary>
/// Fused loss kernels. Cross-entropy sees its input as [N, C, S] (S = product of the spatial sizes, 1 for the usual
/// [N, C] logits) and works per position p = (n, s): one pass computes lse_p = log Σ_c exp(x[n, c, s]) and the loss,
/// one pass writes the gradient softmax·A − B straight into dx, so neither log_softmax nor softmax is ever stored.
/// The [N, C] case runs row by row with TensorPrimitives (SIMD), rows split across threads; S &gt; 1 walks the class
/// dimension with stride S. Pointwise losses (MSE, smooth L1, Huber, BCE, BCE-with-logits) are one loop each way.
/// </summary>
internal static class LossKernels
{
    // ------------------------------------------------------------------ cross-entropy, class-index targets

    /// <summary>(N, C, positions) of a class-score view, which must be a contiguous (N, C, S) view.</summary>
    private static (int N, int C, int S) Classes(View<float> x, string what)
    {
        if (x.Rank != 3) throw new ArgumentException($"{what}: expected an (N, C, positions) input view, got shape ({string.Join(", ", x.Shape)}).");
        _ = x.Span;
        return (x.Size(0), x.Size(1), x.Size(2));
    }

    /// <summary>A contiguous target view of <paramref name="numel"/> elements as (array, offset) for the loops.</summary>
    private static (T[] Array, int Offset) Targets<T>(View<T> t, long numel, string what) where T : unmanaged
    {
        t.SpanOf(numel, what, "target");
        return (t.Array, t.Offset);
    }

    /// <summary>
    /// Per position: lse[p] = log Σ_c exp x[n,c,s]; tw[p] = w[t] (0 when t == ignoreIndex); loss[p] =
    /// (1 − ε)·w[t]·(lse − x_t) + (ε/C)·Σ_c w_c·(lse − x_c), 0 when ignored. <paramref name="w"/> empty means all ones.
    /// x is a contiguous (N, C, S) view; target (N·S values), lse, tw and loss are [N, S].
    /// </summary>
    public static void CrossEntropyForward(View<float> xv, View<long> tv, float[] w, long ignoreIndex, float smoothing, float[] lse,
                                           float[] tw, float[] loss)
    {
        var (n, c, s) = Classes(xv, "cross_entropy");
        float[] x = xv.Array;
        int xOff = xv.Offset;
        var (target, tOff) = Targets(tv, n * s, "cross_entropy");
        bool weighted = w.Length > 0;
        float wSum = weighted ? TensorPrimitives.Sum<float>(w) : c;
        float eps = smoothing, epsC = smoothing / c;
        if (s == 1)
        {
            ParallelFor.Run(n, Math.Max(1, 16384 / Math.Max(c, 1)), (a, b) =>
            {
                float[]? rented = c > 2048 ? ArrayPool<float>.Shared.Rent(c) : null;
                Span<float> scratch = rented != null ? rented.AsSpan(0, c) : stackalloc float[c];
                for (int i = a; i < b; i++)
                {
                    var row = new ReadOnlySpan<float>(x, xOff + i * c, c);
                    float l = Lse(row, scratch);
                    lse[i] = l;
                    long t = target[tOff + i];
                    if (t == ignoreIndex) { tw[i] = 0; loss[i] = 0; continue; }
                    float wt = weighted ? w[t] : 1f;
                    tw[i] = wt;
                    float v = (1 - eps) * wt * (l - row[(int)t]);
                    if (eps > 0)
                    {
                        float wx = weighted ? TensorPrimitives.Dot(w, row) : TensorPrimitives.Sum(row);
                        v += epsC * (wSum * l - wx);
                    }
                    loss[i] = v;
                }
                if (rented != null) ArrayPool<float>.Shared.Return(rented);
            });
            return;
        }
        ParallelFor.Run(n * s, Math.Max(1, 16384 / Math.Max(c, 1)), (a, b) =>
        {
            for (int p = a; p < b; p++)
            {
                int i = p / s, j = p % s, base0 = xOff + i * c * s + j;
                float max = float.NegativeInfinity;
                for (int k = 0; k < c; k++) max = Math.Max(max, x[base0 + k * s]);
                double sum = 0;
                for (int k = 0; k < c; k++) sum += MathF.Exp(x[base0 + k * s] - max);
                float l = max + (float)Math.Log(sum);
                lse[p] = l;
                long t = target[tOff + p];
                if (t == ignoreIndex) { tw[p] = 0; loss[p] = 0; continue; }
                float wt = weighted ? w[t] : 1f;
                tw[p] = wt;
                float v = (1 - eps) * wt * (l - x[base0 + (int)t * s]);
                if (eps > 0)
                {
                    double wx = 0;
                    for (int k = 0; k < c; k++) wx += (weighted ? w[k] : 1f) * x[base0 + k * s];
                    v += epsC * (float)(wSum * (double)l - wx);
                }
                loss[p] = v;
            }
        });
    }

    /// <summary>
    /// dx[n,c,s] = g_p·((1 − ε)·w_t + (ε/C)·W)·softmax_c − g_p·(ε/C)·w_c − [c = t]·g_p·(1 − ε)·w_t (W = Σ w; 0 where ignored),
    /// with g_p = element p of <paramref name="gv"/> when <paramref name="gPerPosition"/>, else its element 0·<paramref name="scale"/>.
    /// dx is [N, C, S] contiguous from 0.
    /// </summary>
    public static void CrossEntropyBackward(View<float> xv, View<long> tv, float[] w, long ignoreIndex, float smoothing, float[] lse,
                                            View<float> gv, bool gPerPosition, float scale, float[] dx)
    {
        var (n, c, s) = Classes(xv, "cross_entropy backward");
        float[] x = xv.Array;
        int xOff = xv.Offset;
        var (target, tOff) = Targets(tv, n * s, "cross_entropy backward");
        var (g, gOff) = (gv.Array, gv.Offset);
        bool weighted = w.Length > 0;
        float wSum = weighted ? TensorPrimitives.Sum<float>(w) : c;
        float eps = smoothing, epsC = smoothing / c;
        if (s == 1)
        {
            ParallelFor.Run(n, Math.Max(1, 16384 / Math.Max(c, 1)), (a, b) =>
            {
                for (int i = a; i < b; i++)
                {
                    var d = dx.AsSpan(i * c, c);
                    long t = target[tOff + i];
                    if (t == ignoreIndex) { d.Clear(); continue; }
                    float gp = gPerPosition ? g[gOff + i] : g[gOff] * scale;
                    float wt = weighted ? w[t] : 1f;
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(x, xOff + i * c, c), lse[i], d);
                    TensorPrimitives.Exp(d, d);
                    TensorPrimitives.Multiply(d, gp * ((1 - eps) * wt + epsC * wSum), d);
                    if (eps > 0)
                    {
                        if (weighted) TensorPrimitives.MultiplyAdd(w, -gp * epsC, d, d);
                        else TensorPrimitives.Subtract(d, gp * epsC, d);
                    }
                    d[(int)t] -= gp * (1 - eps) * wt;
                }
            });
            return;
        }
        ParallelFor.Run(n * s, Math.Max(1, 16384 / Math.Max(c, 1)), (a, b) =>
        {
            for (int p = a; p < b; p++)
            {
                int i = p / s, j = p % s, xb = xOff + i * c * s + j, db = i * c * s + j;
                long t = target[tOff + p];
                if (t == ignoreIndex) { for (int k = 0; k < c; k++) dx[db + k * s] = 0; continue; }
                float gp = gPerPosition ? g[gOff + p] : g[gOff] * scale;
                float wt = weighted ? w[t] : 1f, l = lse[p];
                float aCoef = gp * ((1 - eps) * wt + epsC * wSum), bCoef = gp * epsC;
                for (int k = 0; k < c; k++)
                    dx[db + k * s] = MathF.Exp(x[xb + k * s] - l) * aCoef - bCoef * (weighted ? w[k] : 1f);
                dx[db + (int)t * s] -= gp * (1 - eps) * wt;
            }
        });
    }

    /// <summary>log Σ exp(row), subtracting the maximum first; <paramref name="scratch"/> holds row.Length floats.</summary>
    private static float Lse(ReadOnlySpan<float> row, Span<float> scratch)
    {
        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return max + MathF.Log(TensorPrimitives.Sum<float>(scratch));
    }

    // ------------------------------------------------------------------ cross-entropy, probability targets

    /// <summary>
    /// Probability targets q_c = w_c·(t_c·(1 − ε) + ε/C): lse[p] as above, loss[p] = Σ_c q_c·(lse − x_c). x and t are
    /// [N, C, S] contiguous (from their offsets); lse and loss are [N, S].
    /// </summary>
    public static void SoftCrossEntropyForward(View<float> xv, View<float> tv, float[] w, float smoothing, float[] lse, float[] loss)
    {
        var (n, c, s) = Classes(xv, "cross_entropy");
        float[] x = xv.Array;
        int xOff = xv.Offset;
        var (t, tOff) = Targets(tv, n * c * s, "cross_entropy");
        bool weighted = w.Length > 0;
        float keep = 1 - smoothing, epsC = smoothing / c;
        ParallelFor.Run(n * s, Math.Max(1, 16384 / Math.Max(c, 1)), (a, b) =>
        {
            for (int p = a; p < b; p++)
            {
                int i = p / s, j = p % s, off = i * c * s + j;
                float max = float.NegativeInfinity;
                for (int k = 0; k < c; k++) max = Math.Max(max, x[xOff + off + k * s]);
                double sum = 0;
                for (int k = 0; k < c; k++) sum += MathF.Exp(x[xOff + off + k * s] - max);
                float l = max + (float)Math.Log(sum);
                lse[p] = l;
                double v = 0;
                for (int k = 0; k < c; k++)
                {
                    float q = (t[tOff + off + k * s] * keep + epsC) * (weighted ? w[k] : 1f);
                    v += q * (double)(l - x[xOff + off + k * s]);
                }
                loss[p] = (float)v;
            }
        });
    }

    /// <summary>dx_c = g_p·(softmax_c·Σ_k q_k − q_c) and dt_c = g_p·w_c·(1 − ε)·(lse − x_c), either output optional (null).
    /// g_p as in <see cref="CrossEntropyBackward"/>.</summary>
    public static void SoftCrossEntropyBackward(View<float> xv, View<float> tv, float[] w, float smoothing, float[] lse, View<float> gv,
                                                bool gPerPosition, float scale, float[]? dx, float[]? dt)
    {
        var (n, c, s) = Classes(xv, "cross_entropy backward");
        float[] x = xv.Array;
        int xOff = xv.Offset;
        var (t, tOff) = Targets(tv, n * c * s, "cross_entropy backward");
        var (g, gOff) = (gv.Array, gv.Offset);
        bool weighted = w.Length > 0;
        float keep = 1 - smoothing, epsC = smoothing / c;
        ParallelFor.Run(n * s, Math.Max(1, 16384 / Math.Max(c, 1)), (a, b) =>
        {
            for (int p = a; p < b; p++)
            {
                int i = p / s, j = p % s, off = i * c * s + j;
                float gp = gPerPosition ? g[gOff + p] : g[gOff] * scale;
                float l = lse[p];
                if (dx != null)
                {
                    double qSum = 0;
                    for (int k = 0; k < c; k++) qSum += (t[tOff + off + k * s] * keep + epsC) * (weighted ? w[k] : 1f);
                    for (int k = 0; k < c; k++)
                    {
                        float q = (t[tOff + off + k * s] * keep + epsC) * (weighted ? w[k] : 1f);
                        dx[off + k * s] = gp * (MathF.Exp(x[xOff + off + k * s] - l) * (float)qSum - q);
                    }
                }
                if (dt != null)
                    for (int k = 0; k < c; k++)
                        dt[off + k * s] = gp * (weighted ? w[k] : 1f) * keep * (l - x[xOff + off + k * s]);
            }
        });
    }

    // ------------------------------------------------------------------ pointwise losses

    /// <summary>Which pointwise loss a <see cref="PointwiseForward"/>/<see cref="PointwiseBackward"/> call computes.</summary>
    public enum Pointwise { Mse, SmoothL1, Huber, Bce, BceWithLogits }

    /// <summary>out_i = loss(x_i, y_i)·w_i (w empty = 1). <paramref name="param"/> is beta (smooth L1) or delta (Huber);
    /// <paramref name="pw"/> is BCE-with-logits' pos_weight per element (empty = none).</summary>
    public static void PointwiseForward(Pointwise kind, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> w,
                                        ReadOnlySpan<float> pw, float param, Span<float> output)
    {
        int n = x.Length;
        switch (kind)
        {
            case Pointwise.Mse:
                TensorPrimitives.Subtract(x, y, output);
                TensorPrimitives.Multiply(output, output, output);
                break;
            case Pointwise.SmoothL1:
                for (int i = 0; i < n; i++)
                {
                    float z = MathF.Abs(x[i] - y[i]);
                    output[i] = z < param ? 0.5f * z * z / param : z - 0.5f * param;
                }
                break;
            case Pointwise.Huber:
                for (int i = 0; i < n; i++)
                {
                    float z = MathF.Abs(x[i] - y[i]);
                    output[i] = z < param ? 0.5f * z * z : param * (z - 0.5f * param);
                }
                break;
            case Pointwise.Bce:
                // PyTorch clamps each log at −100 so x = 0 or 1 gives a finite loss.
                for (int i = 0; i < n; i++)
                {
                    float a = x[i], b = y[i];
                    output[i] = (b - 1) * MathF.Max(float.LogP1(-a), -100f) - b * MathF.Max(MathF.Log(a), -100f);
                }
                break;
            default:
                // (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x) with softplus(−x) = max(−x, 0) + log1p(exp(−|x|)): no overflow.
                for (int i = 0; i < n; i++)
                {
                    float a = x[i], b = y[i];
                    float lw = pw.Length > 0 ? 1 + (pw[i] - 1) * b : 1f;
                    output[i] = (1 - b) * a + lw * SoftplusNeg(a);
                }
                break;
        }
        if (w.Length > 0) TensorPrimitives.Multiply(output, w, output);
    }

    /// <summary>softplus(−a) = log(1 + exp(−a)) without overflow.</summary>
    private static float SoftplusNeg(float a) => MathF.Max(-a, 0f) + float.LogP1(MathF.Exp(-MathF.Abs(a)));

    /// <summary>dx_i and dy_i (either may be empty) of loss_i·w_i, times g_i (a g of length 1 is broadcast) times
    /// <paramref name="scale"/> (1/n for a mean).</summary>
    public static void PointwiseBackward(Pointwise kind, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> w,
                                         ReadOnlySpan<float> pw, float param, ReadOnlySpan<float> g, float scale,
                                         Span<float> dx, Span<float> dy)
    {
        int n = x.Length;
        bool wantX = dx.Length > 0, wantY = dy.Length > 0, gScalar = g.Length == 1;
        for (int i = 0; i < n; i++)
        {
            float a = x[i], b = y[i], gx, gy;
            switch (kind)
            {
                case Pointwise.Mse: gx = 2 * (a - b); gy = -gx; break;
                case Pointwise.SmoothL1:
                {
                    float d = a - b;
                    gx = d <= -param ? -1f : d >= param ? 1f : d / param; // PyTorch's boundaries: beta = 0, d = 0 gives −1
                    gy = -gx;
                    break;
                }
                case Pointwise.Huber:
                {
                    float d = a - b;
                    gx = d < -param ? -param : d > param ? param : d;
                    gy = -gx;
                    break;
                }
                case Pointwise.Bce:
                    gx = (a - b) / MathF.Max((1 - a) * a, 1e-12f);
                    gy = -MathF.Log(a / (1 - a)); // −logit(x), unclamped as in PyTorch
                    break;
                default:
                {
                    float sig = 1f / (1f + MathF.Exp(-a));
                    if (pw.Length > 0)
                    {
                        float pt = pw[i] * b;
                        gx = (pt + 1 - b) * sig - pt;
                        gy = -a + (pw[i] - 1) * SoftplusNeg(a);
                    }
                    else { gx = sig - b; gy = -a; }
                    break;
                }
            }
            float k = (gScalar ? g[0] : g[i]) * scale;
            if (w.Length > 0) k *= w[i];
            if (wantX) dx[i] = gx * k;
            if (wantY) dy[i] = gy * k;
        }
    }

    // ------------------------------------------------------------------ negative log-likelihood

    /// <summary>loss[p] = −w_t·x[n, t, s] and tw[p] = w_t (both 0 where t == ignoreIndex); x is a contiguous (N, C, S)
    /// view, target (N·S values), tw and loss are [N, S].</summary>
    public static void NllForward(View<float> xv, View<long> tv, float[] w, long ignoreIndex, float[] tw, float[] loss)
    {
        var (n, c, s) = Classes(xv, "nll_loss");
        float[] x = xv.Array;
        int xOff = xv.Offset;
        var (target, tOff) = Targets(tv, n * s, "nll_loss");
        for (int p = 0; p < n * s; p++)
        {
            long t = target[tOff + p];
            if (t == ignoreIndex) { tw[p] = 0; loss[p] = 0; continue; }
            int i = p / s, j = p % s;
            float wt = w.Length > 0 ? w[t] : 1f;
            tw[p] = wt;
            loss[p] = -wt * x[xOff + (i * c + (int)t) * s + j];
        }
    }

    /// <summary>dx (zeroed [N, C, S]) gets −w_t·g_p at each non-ignored target; g_p as in <see cref="CrossEntropyBackward"/>.</summary>
    public static void NllBackward(View<long> tv, float[] w, int c, long ignoreIndex, View<float> gv, bool gPerPosition, float scale,
                                   float[] dx)
    {
        if (tv.Rank != 2) throw new ArgumentException($"nll_loss backward: expected an (N, positions) target view, got shape ({string.Join(", ", tv.Shape)}).");
        int n = tv.Size(0), s = tv.Size(1);
        var (target, tOff) = Targets(tv, n * s, "nll_loss backward");
        var (g, gOff) = (gv.Array, gv.Offset);
        for (int p = 0; p < n * s; p++)
        {
            long t = target[tOff + p];
            if (t == ignoreIndex) continue;
            int i = p / s, j = p % s;
            float gp = gPerPosition ? g[gOff + p] : g[gOff] * scale;
            dx[(i * c + (int)t) * s + j] = -(w.Length > 0 ? w[t] : 1f) * gp;
        }
    }

    // ------------------------------------------------------------------ KL divergence

    /// <summary>Pointwise KL term: log target: exp(t)·(t − x); else xlogy(t, t) − t·x (0·log 0 = 0).</summary>
    public static void KlDivForward(ReadOnlySpan<float> x, ReadOnlySpan<float> t, bool logTarget, Span<float> output)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float a = x[i], b = t[i];
            output[i] = logTarget ? MathF.Exp(b) * (b - a) : (b == 0 ? 0f : b * MathF.Log(b)) - b * a;
        }
    }

    /// <summary>Gradients of <see cref="KlDivForward"/> times g: log target: dx = −exp(t)·g, dt = exp(t)·(t − x + 1)·g;
    /// else dx = −t·g, dt = (log t + t/t − x)·g, which is nan at t = 0 exactly as PyTorch's xlogy(t, t) backward.
    /// Either output may be empty.</summary>
    public static void KlDivBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> g, bool logTarget,
                                     Span<float> dx, Span<float> dt)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float a = x[i], b = t[i], gi = g[i];
            if (logTarget)
            {
                float e = MathF.Exp(b);
                if (dx.Length > 0) dx[i] = -e * gi;
                if (dt.Length > 0) dt[i] = e * (b - a + 1) * gi;
            }
            else
            {
                if (dx.Length > 0) dx[i] = -b * gi;
                if (dt.Length > 0) dt[i] = ((b != 0 ? MathF.Log(b) : 0f) + b / b - a) * gi;
            }
        }
    }

    /// <summary>Σ values accumulated in double (the loss reductions' sum).</summary>
    public static double SumDouble(ReadOnlySpan<float> values)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= values.Length; i += 4) { s0 += values[i]; s1 += values[i + 1]; s2 += values[i + 2]; s3 += values[i + 3]; }
        for (; i < values.Length; i++) s0 += values[i];
        return s0 + s1 + s2 + s3;
    }
}
