namespace Lumen.Optim;

/// <summary>
/// Lazy Adam for sparse gradients, PyTorch's <c>torch.optim.SparseAdam</c>: only the slices present in the sparse
/// gradient move, and only their moment estimates are updated; every other entry (and its m, v) is left untouched.
/// It steps on <see cref="Tensor.SparseGrad"/> (from <c>Embedding(sparse: true)</c>), coalesced first (duplicate rows
/// summed); a parameter with a dense gradient raises as in PyTorch ("SparseAdam does not support dense gradients, please
/// consider Adam instead"). For each present entry: m += (1−β1)·(g − m); v += (1−β2)·(g² − v);
/// p −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + eps), where t counts the steps in which the parameter had a gradient at all
/// (an empty sparse gradient counts a step and moves nothing).
/// State: <c>"step"</c> (an integer), <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>.
/// </summary>
public sealed class SparseAdam : Optimizer
{
    /// <summary>SparseAdam over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public SparseAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, bool maximize = false)
        : this(Single(parameters), lr, betas, eps, maximize) { }

    /// <summary>SparseAdam over parameter groups.</summary>
    public SparseAdam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        var lr = g.GetDouble("lr");
        if (!(lr > 0)) throw Invalid("learning rate", lr, "lr must be > 0");
        var eps = g.GetDouble("eps");
        if (!(eps > 0)) throw Invalid("epsilon value", eps, "eps must be > 0");
        Betas(g);
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (beta1, beta2) = group.GetPair("betas");
            float ob1 = (float)(1 - beta1), ob2 = (float)(1 - beta2), eps = (float)group.GetDouble("eps");
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (p.SparseGrad == null)
                {
                    if (p.Grad != null)
                        throw new InvalidOperationException("SparseAdam does not support dense gradients, please consider Adam instead " +
                                                            "(build the Embedding with sparse: true for a sparse gradient).");
                    continue;
                }
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["exp_avg"] = StateZerosLike(p);
                    state["exp_avg_sq"] = StateZerosLike(p);
                }
                long step = Convert.ToInt64(state["step"]) + 1;
                state["step"] = step;
                var grad = p.SparseGrad.Coalesce();
                if (grad.Nnz == 0) continue;
                Tensor m = (Tensor)state["exp_avg"]!, v = (Tensor)state["exp_avg_sq"]!;
                double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
                float negStep = (float)-(group.Lr * Math.Sqrt(bc2) / bc1);
                var pd = ParamData(p, Name);
                var rows = grad.LinearIndices();
                var values = grad.Values.ToArray<float>();
                int slice = grad.SliceSize;
                for (int k = 0; k < rows.Length; k++)
                {
                    int at = (int)rows[k] * slice;
                    Span<float> ps = Slice(pd, at, at + slice), ms = Slice(m, at, at + slice), vs = Slice(v, at, at + slice);
                    var gs = values.AsSpan(k * slice, slice);
                    for (int i = 0; i < slice; i++)
                    {
                        float g = maximize ? -gs[i] : gs[i];
                        float oldM = ms[i], oldV = vs[i];
                        float mUpd = (g - oldM) * ob1, vUpd = (g * g - oldV) * ob2;
                        ms[i] = oldM + mUpd;
                        vs[i] = oldV + vUpd;
                        float numer = mUpd + oldM, denom = MathF.Sqrt(vUpd + oldV) + eps;
                        ps[i] += negStep * (numer / denom);
                    }
                }
                p.BumpVersion();
            }
        }
        return loss;
    }
}
