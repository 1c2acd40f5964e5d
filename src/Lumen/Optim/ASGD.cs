namespace Lumen.Optim;

/// <summary>
/// Averaged SGD, PyTorch's <c>torch.optim.ASGD</c>. At step t, with η and μ from the previous step:
/// g = ±g + weight_decay·p; p = p·(1 − λ·η) − η·g; ax = ax + μ·(p − ax) (or ax = p when μ = 1);
/// then η = lr / (1 + λ·lr·t)^α and μ = 1 / max(1, t − t0). The averaged parameters are in state <c>"ax"</c>.
/// State: <c>"step"</c>, <c>"eta"</c>, <c>"mu"</c> (0-d float tensors) and <c>"ax"</c>.
/// </summary>
public sealed class ASGD : Optimizer
{
    /// <summary>ASGD over one group of parameters.</summary>
    public ASGD(IEnumerable<Tensor> parameters, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6,
                double weightDecay = 0, bool maximize = false)
        : this(Single(parameters), lr, lambd, alpha, t0, weightDecay, maximize) { }

    /// <summary>ASGD over parameter groups.</summary>
    public ASGD(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6,
                double weightDecay = 0, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["lambd"] = lambd, ["alpha"] = alpha, ["t0"] = t0, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        NonNegative(g, "weight_decay", "weight_decay value");
        NonNegative(g, "lambd", "lambd value");
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, lambd = group.GetDouble("lambd"), alpha = group.GetDouble("alpha"), t0 = group.GetDouble("t0");
            float wd = (float)group.WeightDecay;
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = ScalarState(0);
                    state["eta"] = ScalarState(lr);
                    state["mu"] = ScalarState(1);
                    state["ax"] = StateZerosLike(p);
                }
                double step = IncrementStep((Tensor)state["step"]!);
                Tensor etaT = (Tensor)state["eta"]!, muT = (Tensor)state["mu"]!, ax = (Tensor)state["ax"]!;
                double eta = etaT.SpanF32()[0];
                float muF = muT.SpanF32()[0];
                float shrink = (float)(1 - lambd * eta), negEta = (float)-eta;
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), axs = Slice(ax, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        float g = maximize ? -gs[i] : gs[i];
                        if (wd != 0f) g += wd * ps[i];
                        float pi = ps[i] * shrink;
                        pi += negEta * g;
                        ps[i] = pi;
                        axs[i] = muF != 1f ? axs[i] + (pi - axs[i]) * muF : pi;
                    }
                });
                p.BumpVersion();
                etaT.SpanF32()[0] = (float)(lr / Math.Pow(1 + lambd * lr * step, alpha));
                muT.SpanF32()[0] = (float)(1 / Math.Max(1, step - t0));
            }
        }
        return loss;
    }
}
