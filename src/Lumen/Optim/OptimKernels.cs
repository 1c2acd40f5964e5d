using System.Numerics;

namespace Lumen.Optim;

/// <summary>Fused single-pass update kernels for the hot optimizers (SGD, Adam, AdamW): spans in, spans out, no
/// allocation. Each element follows PyTorch 1.13's single-tensor operation order in float32 (scalars are cast to float
/// as PyTorch casts Python numbers), so the SIMD body and the scalar tail give identical results.</summary>
internal static class OptimKernels
{
    /// <summary>SGD: d = ±g + wd·p; buf = init ? d : momentum·buf + (1 − dampening)·d; d = nesterov ? d + momentum·buf : buf;
    /// p += −lr·d. <paramref name="buf"/> is empty when momentum is 0.</summary>
    public static void Sgd(Span<float> p, ReadOnlySpan<float> g, Span<float> buf, float negLr, float wd, float momentum,
                           float oneMinusDampening, bool nesterov, bool maximize, bool initBuf)
    {
        int n = p.Length, i = 0;
        bool hasMomentum = momentum != 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            int w = Vector<float>.Count;
            Vector<float> vWd = new(wd), vMom = new(momentum), vDamp = new(oneMinusDampening), vLr = new(negLr);
            for (; i <= n - w; i += w)
            {
                var d = new Vector<float>(g.Slice(i));
                if (maximize) d = -d;
                var pi = new Vector<float>(p.Slice(i));
                if (wd != 0f) d += vWd * pi;
                if (hasMomentum)
                {
                    var b = initBuf ? d : new Vector<float>(buf.Slice(i)) * vMom + vDamp * d;
                    b.CopyTo(buf.Slice(i));
                    d = nesterov ? d + vMom * b : b;
                }
                (pi + vLr * d).CopyTo(p.Slice(i));
            }
        }
        for (; i < n; i++)
        {
            float d = maximize ? -g[i] : g[i];
            if (wd != 0f) d += wd * p[i];
            if (hasMomentum)
            {
                float b = initBuf ? d : buf[i] * momentum + oneMinusDampening * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] += negLr * d;
        }
    }

    /// <summary>Adam / AdamW. AdamW (<paramref name="decoupled"/>) first scales p by (1 − lr·wd); Adam adds wd·p to the
    /// gradient. Then m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g·g; with amsgrad vmax = max(vmax, v) replaces v;
    /// p += −stepSize · m / (√v / √bc2 + eps).</summary>
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Span<float> vmax,
                            float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float wd, float decay,
                            bool decoupled, float bc2Sqrt, float eps, float negStepSize, bool amsgrad, bool maximize)
    {
        int n = p.Length, i = 0;
        bool coupledWd = !decoupled && wd != 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            int w = Vector<float>.Count;
            Vector<float> vB1 = new(beta1), vOB1 = new(oneMinusBeta1), vB2 = new(beta2), vOB2 = new(oneMinusBeta2),
                          vWd = new(wd), vDecay = new(decay), vBc2 = new(bc2Sqrt), vEps = new(eps), vStep = new(negStepSize);
            for (; i <= n - w; i += w)
            {
                var pi = new Vector<float>(p.Slice(i));
                var gi = new Vector<float>(g.Slice(i));
                if (maximize) gi = -gi;
                if (decoupled) pi *= vDecay;
                else if (coupledWd) gi += vWd * pi;
                var mi = new Vector<float>(m.Slice(i)) * vB1 + vOB1 * gi;
                var vi = new Vector<float>(v.Slice(i)) * vB2 + vOB2 * gi * gi;
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
                if (amsgrad)
                {
                    vi = Vector.Max(new Vector<float>(vmax.Slice(i)), vi);
                    vi.CopyTo(vmax.Slice(i));
                }
                var denom = Vector.SquareRoot(vi) / vBc2 + vEps;
                (pi + vStep * (mi / denom)).CopyTo(p.Slice(i));
            }
        }
        for (; i < n; i++)
        {
            float pi = p[i], gi = maximize ? -g[i] : g[i];
            if (decoupled) pi *= decay;
            else if (coupledWd) gi += wd * pi;
            float mi = m[i] * beta1 + oneMinusBeta1 * gi;
            float vi = v[i] * beta2 + oneMinusBeta2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            if (amsgrad)
            {
                vi = Math.Max(vmax[i], vi);
                vmax[i] = vi;
            }
            float denom = MathF.Sqrt(vi) / bc2Sqrt + eps;
            p[i] = pi + negStepSize * (mi / denom);
        }
    }
}
