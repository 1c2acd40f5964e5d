namespace Lumen.Optim;

/// <summary>
/// Adamax (Adam with the infinity norm), PyTorch's <c>torch.optim.Adamax</c>. At step t: g = ±g + weight_decay·p;
/// m = β1·m + (1−β1)·g; u = max(β2·u, |g| + eps); p −= lr/(1−β1ᵗ) · m/u.
/// State: <c>"step"</c> (0-d float tensor), <c>"exp_avg"</c>, <c>"exp_inf"</c>.
/// </summary>
public sealed class Adamax : Optimizer
{
    /// <summary>Adamax over one group of parameters.</summary>
    public Adamax(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                  double weightDecay = 0, bool maximize = false)
        : this(Single(parameters), lr, betas, eps, weightDecay, maximize) { }

    /// <summary>Adamax over parameter groups; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public Adamax(IEnumerable<ParamGroup> paramGroups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                  double weightDecay = 0, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
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
            float b1 = (float)beta1, ob1 = (float)(1 - beta1), b2 = (float)beta2;
            float eps = (float)group.GetDouble("eps"), wd = (float)group.WeightDecay;
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = ScalarState(0);
                    state["exp_avg"] = StateZerosLike(p);
                    state["exp_inf"] = StateZerosLike(p);
                }
                double step = IncrementStep((Tensor)state["step"]!);
                Tensor m = (Tensor)state["exp_avg"]!, u = (Tensor)state["exp_inf"]!;
                float negClr = (float)-(group.Lr / (1 - Math.Pow(beta1, step)));
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), ms = Slice(m, a, e), us = Slice(u, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        float g = maximize ? -gs[i] : gs[i];
                        if (wd != 0f) g += wd * ps[i];
                        float mi = ms[i] * b1 + ob1 * g;
                        ms[i] = mi;
                        float decayed = us[i] * b2, cand = MathF.Abs(g) + eps;
                        float ui = float.IsNaN(decayed) || float.IsNaN(cand) ? float.NaN : Math.Max(decayed, cand);
                        us[i] = ui;
                        ps[i] += negClr * (mi / ui);
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
