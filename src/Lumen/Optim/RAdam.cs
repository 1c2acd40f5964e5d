namespace Lumen.Optim;

/// <summary>
/// Rectified Adam, PyTorch's <c>torch.optim.RAdam</c>. At step t: g += weight_decay·p; m, v as in Adam;
/// ρ∞ = 2/(1−β2) − 1, ρₜ = ρ∞ − 2t·β2ᵗ/(1−β2ᵗ). When ρₜ &gt; 5 the adaptive step
/// p −= lr · m/(1−β1ᵗ) · √(1−β2ᵗ)/(√v + eps) · r with r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ));
/// otherwise the un-adapted p −= lr · m/(1−β1ᵗ). State: <c>"step"</c> (0-d float tensor), <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>.
/// </summary>
public sealed class RAdam : Optimizer
{
    /// <summary>RAdam over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public RAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : this(Single(parameters), lr, betas, eps, weightDecay) { }

    /// <summary>RAdam over parameter groups.</summary>
    public RAdam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        NonNegative(g, "eps", "epsilon value");
        Betas(g);
        NonNegative(g, "weight_decay", "weight_decay value");
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (beta1, beta2) = group.GetPair("betas");
            double lr = group.Lr;
            float b1 = (float)beta1, ob1 = (float)(1 - beta1), b2 = (float)beta2, ob2 = (float)(1 - beta2);
            float eps = (float)group.GetDouble("eps"), wd = (float)group.WeightDecay, flr = (float)lr;
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = ScalarState(0);
                    state["exp_avg"] = StateZerosLike(p);
                    state["exp_avg_sq"] = StateZerosLike(p);
                }
                double step = IncrementStep((Tensor)state["step"]!);
                Tensor m = (Tensor)state["exp_avg"]!, v = (Tensor)state["exp_avg_sq"]!;
                double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
                double rhoInf = 2 / (1 - beta2) - 1;
                double rhoT = rhoInf - 2 * step * Math.Pow(beta2, step) / bc2;
                bool rectify = rhoT > 5.0;
                float rect = rectify ? (float)Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0f;
                float fbc1 = (float)bc1, sqrtBc2 = (float)Math.Sqrt(bc2);
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), ms = Slice(m, a, e), vs = Slice(v, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        float g = gs[i];
                        if (wd != 0f) g += wd * ps[i];
                        float mi = ms[i] * b1 + ob1 * g;
                        float vi = vs[i] * b2 + ob2 * g * g;
                        ms[i] = mi; vs[i] = vi;
                        float corrected = mi / fbc1;
                        float upd = rectify ? corrected * flr * (sqrtBc2 / (MathF.Sqrt(vi) + eps)) * rect : corrected * flr;
                        ps[i] += -1f * upd;
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
