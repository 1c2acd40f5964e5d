using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Pooling;

/// <summary>The pooling kernels (the vectorised 2×2 and 2×2×2 paths and the generic N-d loops) against naive reference twins written
/// from the definitions — explicit kernel offsets over a virtually padded input — on random configurations, forward and
/// backward, with ties, NaN and −∞ in the max-pool inputs.</summary>
public class PoolReferenceTests
{
    /// <summary>Output size from the definition: count the window starts s·o − p that fit (floor), or in ceil mode also a
    /// last partial window, provided it starts inside the input or the left padding.</summary>
    private static int OutSize(int n, int k, int s, int p, int d, bool ceil)
    {
        int span = d * (k - 1) + 1;
        double q = (double)(n + 2 * p - span) / s;
        int o = (ceil ? (int)Math.Ceiling(q) : (int)Math.Floor(q)) + 1;
        if (ceil && (o - 1) * s >= n + p) o--;
        return o;
    }

    private sealed record Cfg(int[] In, int[] K, int[] S, int[] P, int[] D, bool Ceil)
    {
        public int[] Out => Enumerable.Range(0, 3).Select(i => OutSize(In[i], K[i], S[i], P[i], D[i], Ceil)).ToArray();
    }

    /// <summary>Naive max pool of one plane: first in-bounds position starts, strictly greater or NaN replaces.</summary>
    private static (float[] Y, long[] I) NaiveMax(float[] x, int off, Cfg c)
    {
        var o = c.Out;
        var y = new float[o[0] * o[1] * o[2]]; var idx = new long[y.Length];
        int n = 0;
        for (int a = 0; a < o[0]; a++)
        for (int b = 0; b < o[1]; b++)
        for (int e = 0; e < o[2]; e++, n++)
        {
            float best = float.NegativeInfinity; long bi = -1;
            for (int i = 0; i < c.K[0]; i++)
            for (int j = 0; j < c.K[1]; j++)
            for (int l = 0; l < c.K[2]; l++)
            {
                int pd = a * c.S[0] - c.P[0] + i * c.D[0], ph = b * c.S[1] - c.P[1] + j * c.D[1], pw = e * c.S[2] - c.P[2] + l * c.D[2];
                if (pd < 0 || ph < 0 || pw < 0 || pd >= c.In[0] || ph >= c.In[1] || pw >= c.In[2]) continue;
                long flat = ((long)pd * c.In[1] + ph) * c.In[2] + pw;
                float v = x[off + flat];
                if (bi < 0) bi = flat;
                if (v > best || float.IsNaN(v)) { best = v; bi = flat; }
            }
            y[n] = best; idx[n] = bi;
        }
        return (y, idx);
    }

    /// <summary>Naive average pool of one plane with PyTorch's divisor: the window positions inside the padded input
    /// (count_include_pad), the positions inside the input (otherwise), or the override.</summary>
    private static float[] NaiveAvg(float[] x, int off, Cfg c, bool includePad, int? divisor)
    {
        var o = c.Out;
        var y = new float[o[0] * o[1] * o[2]];
        int n = 0;
        for (int a = 0; a < o[0]; a++)
        for (int b = 0; b < o[1]; b++)
        for (int e = 0; e < o[2]; e++, n++)
        {
            double sum = 0; int inside = 0, padded = 0;
            for (int i = 0; i < c.K[0]; i++)
            for (int j = 0; j < c.K[1]; j++)
            for (int l = 0; l < c.K[2]; l++)
            {
                int pd = a * c.S[0] - c.P[0] + i, ph = b * c.S[1] - c.P[1] + j, pw = e * c.S[2] - c.P[2] + l;
                if (pd < c.In[0] + c.P[0] && ph < c.In[1] + c.P[1] && pw < c.In[2] + c.P[2]) padded++;
                if (pd < 0 || ph < 0 || pw < 0 || pd >= c.In[0] || ph >= c.In[1] || pw >= c.In[2]) continue;
                sum += x[off + (pd * c.In[1] + ph) * c.In[2] + pw];
                inside++;
            }
            y[n] = inside == 0 ? 0f : (float)(sum / (divisor ?? (includePad ? padded : inside)));
        }
        return y;
    }

    private static Cfg RandomCfg(Random r, int nd, bool twoByTwo, bool wideStrideTwo = false)
    {
        int[] In = new int[3], K = new int[3], S = new int[3], P = new int[3], D = new int[3];
        bool ceil = r.Next(2) == 0;
        for (int i = 0; i < 3; i++)
        {
            if (i < 3 - nd) { In[i] = 1; K[i] = 1; S[i] = 1; P[i] = 0; D[i] = 1; continue; }
            if (twoByTwo) { In[i] = r.Next(2, 40); K[i] = 2; S[i] = 2; P[i] = 0; D[i] = 1; continue; }
            K[i] = r.Next(1, 5); S[i] = r.Next(1, 4); P[i] = r.Next(0, K[i] / 2 + 1); D[i] = r.Next(1, 3);
            In[i] = r.Next(D[i] * (K[i] - 1) + 1, 12);
            if (wideStrideTwo && i == 2) { K[i] = r.Next(1, 6); S[i] = 2; P[i] = r.Next(0, K[i] / 2 + 1); D[i] = 1; In[i] = r.Next(16, 70); }
        }
        if (twoByTwo) ceil = false;
        return new Cfg(In, K, S, P, D, ceil);
    }

    private static Tensor Input(Random r, int planes, Cfg c, bool specials)
    {
        int n = planes * c.In[0] * c.In[1] * c.In[2];
        var d = new float[n];
        for (int i = 0; i < n; i++)
        {
            d[i] = r.Next(5) == 0 ? r.Next(3) : (float)(r.NextDouble() * 4 - 2); // a fifth are small integers: ties
            if (specials && r.Next(40) == 0) d[i] = float.NegativeInfinity;
            if (specials && r.Next(60) == 0) d[i] = float.NaN;
        }
        return Torch.Tensor(d, new[] { planes }.Concat(c.In).ToArray());
    }

    private static Tensor Call2or3(Tensor x, int nd, Func<Tensor, Tensor> two, Func<Tensor, Tensor> three) =>
        nd == 2 ? two(x.Squeeze(1)) : three(x);

    /// <summary><paramref name="wideStrideTwo"/>: rows of 16–69 columns pooled two columns at a time, the vectorised
    /// stride-2 path (ResNet's 3×3 stride-2 pool) and its scalar tail.</summary>
    [Theory]
    [InlineData(2, false, false)] [InlineData(3, false, false)] [InlineData(2, true, false)] [InlineData(3, true, false)]
    [InlineData(2, false, true)]
    public void Max_pool_matches_the_naive_twin_forward_and_backward_on_random_configurations(int nd, bool twoByTwo, bool wideStrideTwo)
    {
        var r = new Random(100 * nd + (twoByTwo ? 1 : 0) + (wideStrideTwo ? 7 : 0));
        for (int trial = 0; trial < 60; trial++)
        {
            var c = RandomCfg(r, nd, twoByTwo, wideStrideTwo);
            if (c.Out.Any(o => o < 1)) continue;
            int planes = r.Next(1, 5);
            var x = Input(r, planes, c, specials: trial % 3 == 0);
            var k = c.K[(3 - nd)..]; var s = c.S[(3 - nd)..]; var p = c.P[(3 - nd)..]; var dl = c.D[(3 - nd)..];
            // Planes as the channel dimension of an unbatched input: (C, H, W) or (C, D, H, W).
            var xr = x.Detach().RequiresGrad_();
            var (v, i) = nd == 2
                ? F.MaxPool2dWithIndices(xr.Squeeze(1), k, s, p, dl, c.Ceil)
                : F.MaxPool3dWithIndices(xr, k, s, p, dl, c.Ceil);
            var xs = x.ToArray();
            int inPlane = c.In[0] * c.In[1] * c.In[2];
            var yv = v.ToArray(); var iv = i.ToArray<long>();
            var rg = new Random(trial);
            var g = Enumerable.Range(0, yv.Length).Select(_ => (float)rg.NextDouble()).ToArray();
            var gxRef = new double[xs.Length];
            for (int pl = 0; pl < planes; pl++)
            {
                var (ny, ni) = NaiveMax(xs, pl * inPlane, c);
                for (int j = 0; j < ny.Length; j++)
                {
                    int at = pl * ny.Length + j;
                    Assert.True(ny[j].Equals(yv[at]), $"trial {trial} {c}: value {j} of plane {pl}: {yv[at]} vs naive {ny[j]}");
                    Assert.True(ni[j] == iv[at], $"trial {trial} {c}: index {j} of plane {pl}: {iv[at]} vs naive {ni[j]}");
                    gxRef[pl * inPlane + ni[j]] += g[at];
                }
            }
            v.Backward(Torch.Tensor(g, v.Shape.ToArray()));
            var gx = xr.Grad!.ToArray();
            for (int j = 0; j < gx.Length; j++) Assert.True(Math.Abs(gx[j] - gxRef[j]) <= 1e-5, $"trial {trial}: grad {j}: {gx[j]} vs {gxRef[j]}");
        }
    }

    [Theory]
    [InlineData(2)] [InlineData(3)]
    public void Avg_pool_matches_the_naive_twin_forward_and_backward_on_random_configurations(int nd)
    {
        var r = new Random(200 + nd);
        for (int trial = 0; trial < 60; trial++)
        {
            var c0 = RandomCfg(r, nd, false);
            var c = c0 with { D = new[] { 1, 1, 1 } };
            if (c.Out.Any(o => o < 1)) continue;
            bool includePad = r.Next(2) == 0;
            int? divisor = r.Next(4) == 0 ? r.Next(1, 7) : null;
            int planes = r.Next(1, 4);
            var x = Input(r, planes, c, specials: false).RequiresGrad_();
            var k = c.K[(3 - nd)..]; var s = c.S[(3 - nd)..]; var p = c.P[(3 - nd)..];
            var y = nd == 2 ? F.AvgPool2d(x.Squeeze(1), k, s, p, c.Ceil, includePad, divisor) : F.AvgPool3d(x, k, s, p, c.Ceil, includePad, divisor);
            var xs = x.ToArray(); var yv = y.ToArray();
            int inPlane = c.In[0] * c.In[1] * c.In[2];
            for (int pl = 0; pl < planes; pl++)
            {
                var ny = NaiveAvg(xs, pl * inPlane, c, includePad, divisor);
                for (int j = 0; j < ny.Length; j++)
                    Assert.True(Math.Abs(ny[j] - yv[pl * ny.Length + j]) <= 1e-5 * Math.Max(1, Math.Abs(ny[j])), $"trial {trial} {c}: {j}");
            }
            // Backward is the transpose of forward: <g, A x> = <Aᵀ g, x> for the linear map A.
            var rg = new Random(trial);
            var g = Torch.Tensor(Enumerable.Range(0, yv.Length).Select(_ => (float)rg.NextDouble()).ToArray(), y.Shape.ToArray());
            y.Backward(g);
            double lhs = g.ToArray().Zip(yv, (a, b) => (double)a * b).Sum();
            double rhs = x.Grad!.ToArray().Zip(xs, (a, b) => (double)a * b).Sum();
            Assert.True(Math.Abs(lhs - rhs) <= 1e-4 * Math.Max(1, Math.Abs(lhs)), $"trial {trial}: <g, y> {lhs} vs <gx, x> {rhs}");
        }
    }

    [Theory]
    [InlineData(5, 3)] [InlineData(7, 7)] [InlineData(3, 8)] [InlineData(10, 4)] [InlineData(13, 5)]
    public void Adaptive_pools_use_floor_start_and_ceil_end_windows(int inSize, int outSize)
    {
        var x = PoolData.Randn(inSize * outSize, 2, inSize, inSize + 1);
        var avg = F.AdaptiveAvgPool2d(x, (outSize, outSize + 1)).ToArray();
        var (mv, mi) = F.AdaptiveMaxPool2dWithIndices(x, (outSize, outSize + 1));
        var max = mv.ToArray(); var idx = mi.ToArray<long>();
        var xs = x.ToArray();
        int inW = inSize + 1, outW = outSize + 1, n = 0;
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < outSize; i++)
                for (int j = 0; j < outW; j++, n++)
                {
                    int h0 = (int)Math.Floor((double)i * inSize / outSize), h1 = (int)Math.Ceiling((double)(i + 1) * inSize / outSize);
                    int w0 = (int)Math.Floor((double)j * inW / outW), w1 = (int)Math.Ceiling((double)(j + 1) * inW / outW);
                    double sum = 0; float best = float.NegativeInfinity; long bi = -1;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                        {
                            float v = xs[c * inSize * inW + h * inW + w];
                            sum += v;
                            if (v > best) { best = v; bi = h * inW + w; }
                        }
                    Assert.True(Math.Abs(sum / ((h1 - h0) * (w1 - w0)) - avg[n]) <= 1e-5, $"avg {n}");
                    Assert.Equal(best, max[n]);
                    Assert.Equal(bi, idx[n]);
                }
    }

    [Fact]
    public void Nearest_and_bilinear_match_naive_twins_on_random_sizes()
    {
        var r = new Random(5);
        for (int trial = 0; trial < 40; trial++)
        {
            int h = r.Next(1, 9), w = r.Next(1, 9);
            double sh = 0.3 + r.NextDouble() * 3, sw = 0.3 + r.NextDouble() * 3;
            int oh = (int)Math.Floor(h * sh), ow = (int)Math.Floor(w * sw);
            if (oh < 1 || ow < 1) continue;
            var x = PoolData.Randn(trial, 1, 2, h, w);
            var xs = x.ToArray();
            var near = F.Interpolate(x, scaleFactor: (sh, sw)).ToArray();
            bool ac = trial % 2 == 0;
            var bil = F.Interpolate(x, scaleFactor: (sh, sw), mode: "bilinear", alignCorners: ac).ToArray();
            int n = 0;
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++, n++)
                    {
                        // nearest: the legacy rule floor(dst · (1 / scale)) in float, clamped (PyTorch's generic kernel: two
                        // channels; only a 1×1 plane makes the input channels-last contiguous, where shortcuts apply)
                        bool cl = h == 1 && w == 1;
                        int si = cl && oh == h ? i : cl && oh == 2 * h ? i / 2 : Math.Min((int)MathF.Floor(i * (float)(1 / sh)), h - 1);
                        int sj = cl && ow == w ? j : cl && ow == 2 * w ? j / 2 : Math.Min((int)MathF.Floor(j * (float)(1 / sw)), w - 1);
                        Assert.Equal(xs[c * h * w + si * w + sj], near[n]);
                        double y = Src(i, h, oh, sh, ac), xw = Src(j, w, ow, sw, ac);
                        int y0 = (int)y, x0 = (int)xw, y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
                        double ly = h == oh ? 0 : y - y0, lx = w == ow ? 0 : xw - x0;
                        double at(int a, int b) => xs[c * h * w + a * w + b];
                        double expected = (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
                        Assert.True(Math.Abs(expected - bil[n]) <= 1e-5, $"trial {trial} ({h}x{w} -> {oh}x{ow}, ac {ac}) at {n}: {bil[n]} vs {expected}");
                    }
        }

        static double Src(int o, int inSize, int outSize, double scale, bool ac) =>
            inSize == outSize ? o : ac ? (outSize > 1 ? o * (inSize - 1.0) / (outSize - 1) : 0) : Math.Max((o + 0.5) / scale - 0.5, 0);
    }
}
