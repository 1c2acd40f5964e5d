namespace Lumen.Autograd;

/// <summary>
/// Finite-difference gradient check, PyTorch's <c>torch.autograd.gradcheck</c> for float32: compares the gradient
/// backward computes for L = Σ w·f(inputs) (w a fixed random weight per output element) with central differences of L.
/// </summary>
public static class GradCheck
{
    /// <summary>Returns the largest violation ratio |analytic − numeric| / (atol + rtol·|numeric|) over all input elements
    /// (≤ 1 passes) with a description of the worst element.</summary>
    public static (double Ratio, string Worst) Measure(Func<Tensor[], Tensor> f, Tensor[] inputs,
                                                      double eps = 1e-3, double atol = 1e-3, double rtol = 1e-2, int seed = 1234)
    {
        var xs = inputs.Select(t => t.Detach().Clone().RequiresGrad_(t.DType.IsFloatingPoint())).ToArray();
        var probe = f(xs);
        var rng = new Random(seed);
        var w = new float[probe.Numel()];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 2 - 1);
        var wt = Torch.Tensor(w, probe.Shape.ToArray());

        probe.Mul(wt).Sum().Backward();
        double worst = 0; string where = "none";
        for (int k = 0; k < xs.Length; k++)
        {
            if (!xs[k].DType.IsFloatingPoint()) continue;
            var analytic = xs[k].Grad?.ToArray<float>() ?? new float[xs[k].Numel()];
            var data = xs[k].F32;
            for (int i = 0; i < analytic.Length; i++)
            {
                int pos = StorageIndex(xs[k], i);
                float orig = data[pos];
                data[pos] = (float)(orig + eps);
                double plus = Loss(f, xs, wt);
                data[pos] = (float)(orig - eps);
                double minus = Loss(f, xs, wt);
                data[pos] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double ratio = Math.Abs(analytic[i] - numeric) / (atol + rtol * Math.Abs(numeric));
                if (double.IsNaN(ratio)) ratio = double.PositiveInfinity;
                if (ratio > worst) { worst = ratio; where = $"input {k} element {i}: analytic {analytic[i]:G6}, numeric {numeric:G6}"; }
            }
        }
        return (worst, where);
    }

    /// <summary>Throws <see cref="GradCheckException"/> when any gradient element disagrees with finite differences.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs) => Assert(f, inputs, 1e-3, 1e-3, 1e-2);

    /// <summary>As <see cref="Assert(Func{Tensor[], Tensor}, Tensor[])"/> with explicit tolerances.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps, double atol, double rtol)
    {
        var (ratio, worst) = Measure(f, inputs, eps, atol, rtol);
        if (ratio > 1) throw new GradCheckException($"Gradient check failed (ratio {ratio:G3}) at {worst}.");
    }

    private static double Loss(Func<Tensor[], Tensor> f, Tensor[] xs, Tensor w)
    {
        using var _ = Autograd.NoGrad();
        var y = f(xs).ToArray<float>();
        var wd = w.ToArray<float>();
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += (double)y[i] * wd[i];
        return s;
    }

    private static int StorageIndex(Tensor t, int flat)
    {
        int off = t._offset;
        for (int d = t.Ndim - 1; d >= 0; d--) { off += (flat % t._shape[d]) * t._strides[d]; flat /= t._shape[d]; }
        return off;
    }
}

/// <summary>A gradient that disagrees with finite differences.</summary>
public sealed class GradCheckException : Exception
{
    public GradCheckException(string message) : base(message) { }
}
