namespace Lumen.NN;

/// <summary>Helpers of PyTorch's <c>torch.nn.utils</c>.</summary>
public static partial class Utils
{
    /// <summary>
    /// Rescales the gradients of <paramref name="parameters"/> in place so that their total norm is at most
    /// <paramref name="maxNorm"/>, PyTorch's <c>clip_grad_norm_</c>. The total norm is the <paramref name="normType"/>-norm
    /// of the per-gradient norms (the norm of all gradients concatenated; <see cref="double.PositiveInfinity"/> gives the
    /// largest absolute entry). Every gradient is multiplied by min(1, maxNorm / (total + 1e-6)). Parameters without a
    /// gradient are ignored; a sparse gradient counts with its coalesced values. Returns the total norm before clipping as a 0-d float32 tensor (0 when no parameter has a
    /// gradient). With <paramref name="errorIfNonfinite"/> a NaN or infinite total norm throws instead of scaling.
    /// <code>Utils.ClipGradNorm_(model.Parameters(), maxNorm: 1.0);</code>
    /// </summary>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (double.IsNaN(normType)) throw new ArgumentException("clip_grad_norm_: normType must not be NaN.");
        var ps = parameters.ToList();
        // A sparse gradient (Embedding(sparse: true)) counts with the norm of its coalesced values, as torch.norm of a
        // sparse tensor, and is scaled through its values. (PyTorch 1.13 computes the same norm but leaves a sparse
        // gradient unscaled: its g.detach().mul_() writes into the detached copy. Lumen clips what it counted.)
        var grads = ps.Select(p => p.Grad ?? p.SparseGrad?.Values).OfType<Tensor>().ToList();
        if (grads.Count == 0) return Torch.Scalar(0f);
        var norms = ps.Select(p => p.Grad ?? p.SparseGrad?.Coalesce().Values).OfType<Tensor>().Select(g => VectorNorm(g.ReadF32(), normType)).ToArray();
        float total = double.IsPositiveInfinity(normType) ? norms.Max() : VectorNorm(norms, normType);
        if (errorIfNonfinite && !float.IsFinite(total))
            throw new InvalidOperationException($"The total norm of order {normType} for gradients from `parameters` is non-finite ({total}), so it cannot be clipped. " +
                                                "To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false.");
        // float32 arithmetic, as PyTorch's 0-d tensors: coef = maxNorm / (total + 1e-6), clamped to at most 1
        float coef = (float)maxNorm / (total + (float)1e-6);
        if (coef > 1f) coef = 1f;
        foreach (var g in grads) Scale(g, coef);
        return Torch.Scalar(total);
    }

    /// <summary>Clamps every gradient entry into [−clipValue, clipValue] in place, PyTorch's <c>clip_grad_value_</c>.</summary>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        float c = (float)clipValue;
        foreach (var p in parameters)
        {
            if (p.SparseGrad != null)
                throw new NotSupportedException("clip_grad_value_: clamp_ is not defined for a sparse gradient (PyTorch 1.13 raises " +
                                                "\"Could not run 'aten::clamp_' with arguments from the 'SparseCPU' backend\"); use ClipGradNorm_.");
            var g = p.Grad;
            if (g == null) continue;
            if (g.IsContiguous())
            {
                var s = g.SpanF32();
                for (int i = 0; i < s.Length; i++) if (!float.IsNaN(s[i])) s[i] = Math.Min(Math.Max(s[i], -c), c);
                g.BumpVersion();
            }
            else using (Autograd.Autograd.NoGrad()) g.Copy_(g.Clamp(-c, c));
        }
    }

    /// <summary>torch.norm(x, p) of a float vector, accumulated in double and rounded to float32.</summary>
    private static float VectorNorm(ReadOnlySpan<float> x, double p)
    {
        if (double.IsPositiveInfinity(p)) { float m = 0; foreach (var v in x) { float a = MathF.Abs(v); if (a > m || float.IsNaN(a)) m = a; } return m; }
        if (double.IsNegativeInfinity(p)) { float m = float.PositiveInfinity; foreach (var v in x) { float a = MathF.Abs(v); if (a < m || float.IsNaN(a)) m = a; } return m; }
        double s = 0;
        if (p == 0) { foreach (var v in x) if (v != 0) s += 1; return (float)s; }
        if (p == 1) { foreach (var v in x) s += Math.Abs(v); return (float)s; }
        if (p == 2) { foreach (var v in x) s += (double)v * v; return (float)Math.Sqrt(s); }
        foreach (var v in x) s += Math.Pow(Math.Abs(v), p);
        return (float)Math.Pow(s, 1.0 / p);
    }

    private static void Scale(Tensor g, float coef)
    {
        if (g.IsContiguous())
        {
            var s = g.SpanF32();
            System.Numerics.Tensors.TensorPrimitives.Multiply(s, coef, s);
            g.BumpVersion();
        }
        else using (Autograd.Autograd.NoGrad()) g.Mul_(coef);
    }
}
