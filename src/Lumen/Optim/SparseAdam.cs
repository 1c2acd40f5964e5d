namespace Lumen.Optim;

/// <summary>
/// Lazy Adam for sparse gradients, PyTorch's <c>torch.optim.SparseAdam</c>: only the entries that have a gradient
/// move, and only their moment estimates are updated; every other entry (and its m, v) is left untouched.
/// <para>Lumen has no sparse tensors, so a gradient entry that is exactly zero (±0) counts as absent, which is what
/// PyTorch's <c>grad.to_sparse()</c> of the same dense gradient would give (for example the rows of an embedding that
/// the batch did not use). For each present entry: m += (1−β1)·(g − m); v += (1−β2)·(g² − v);
/// p −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + eps), where t counts the steps in which the parameter had a gradient
/// tensor at all.</para>
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
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (beta1, beta2) = group.GetPair("betas");
            float ob1 = (float)(1 - beta1), ob2 = (float)(1 - beta2), eps = (float)group.GetDouble("eps");
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (p.Grad == null) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["exp_avg"] = StateZerosLike(p);
                    state["exp_avg_sq"] = StateZerosLike(p);
                }
                long step = Convert.ToInt64(state["step"]) + 1;
                state["step"] = step;
                Tensor m = (Tensor)state["exp_avg"]!, v = (Tensor)state["exp_avg_sq"]!;
                double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
                float negStep = (float)-(group.Lr * Math.Sqrt(bc2) / bc1);
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), ms = Slice(m, a, e), vs = Slice(v, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        if (gs[i] == 0f) continue; // absent from the sparse gradient
                        float g = maximize ? -gs[i] : gs[i];
                        float oldM = ms[i], oldV = vs[i];
                        float mUpd = (g - oldM) * ob1, vUpd = (g * g - oldV) * ob2;
                        ms[i] = oldM + mUpd;
                        vs[i] = oldV + vUpd;
                        float numer = mUpd + oldM, denom = MathF.Sqrt(vUpd + oldV) + eps;
                        ps[i] += negStep * (numer / denom);
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
