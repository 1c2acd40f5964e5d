namespace Lumen.Optim;

/// <summary>
/// Adam with Nesterov momentum, PyTorch's <c>torch.optim.NAdam</c>. At step t: g += weight_decay·p;
/// μₜ = β1·(1 − ½·0.96^(t·ψ)) with ψ = momentum_decay; Πμ (state <c>"mu_product"</c>, float32) *= μₜ;
/// m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; d = √(v/(1−β2ᵗ)) + eps;
/// p −= lr·(1−μₜ)/(1−Πμ) · g/d + lr·μₜ₊₁/(1−Πμ·μₜ₊₁) · m/d.
/// State: <c>"step"</c>, <c>"mu_product"</c> (0-d float tensors), <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>.
/// </summary>
public sealed class NAdam : Optimizer
{
    /// <summary>NAdam over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public NAdam(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3)
        : this(Single(parameters), lr, betas, eps, weightDecay, momentumDecay) { }

    /// <summary>NAdam over parameter groups.</summary>
    public NAdam(IEnumerable<ParamGroup> paramGroups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["momentum_decay"] = momentumDecay,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        NonNegative(g, "eps", "epsilon value");
        Betas(g);
        NonNegative(g, "weight_decay", "weight_decay value");
        NonNegative(g, "momentum_decay", "momentum_decay value");
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (beta1, beta2) = group.GetPair("betas");
            double lr = group.Lr, md = group.GetDouble("momentum_decay");
            float b1 = (float)beta1, ob1 = (float)(1 - beta1), b2 = (float)beta2, ob2 = (float)(1 - beta2);
            float eps = (float)group.GetDouble("eps"), wd = (float)group.WeightDecay;
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = ScalarState(0);
                    state["mu_product"] = ScalarState(1);
                    state["exp_avg"] = StateZerosLike(p);
                    state["exp_avg_sq"] = StateZerosLike(p);
                }
                double step = IncrementStep((Tensor)state["step"]!);
                Tensor muProdT = (Tensor)state["mu_product"]!, m = (Tensor)state["exp_avg"]!, v = (Tensor)state["exp_avg_sq"]!;
                float bc2 = (float)(1 - Math.Pow(beta2, step));
                double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * md));
                double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * md));
                // mu_product is a float32 tensor in PyTorch: every product rounds to float.
                float muProduct = muProdT.SpanF32()[0] * (float)mu;
                muProdT.SpanF32()[0] = muProduct;
                float muProductNext = muProduct * (float)mu * (float)muNext;
                float cg = (float)(-lr * (1.0 - mu) / (1.0 - muProduct));
                float cm = (float)(-lr * muNext / (1.0 - muProductNext));
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
                        float denom = MathF.Sqrt(vi / bc2) + eps;
                        float pi = ps[i] + cg * (g / denom);
                        ps[i] = pi + cm * (mi / denom);
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
