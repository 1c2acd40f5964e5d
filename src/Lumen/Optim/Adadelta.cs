namespace Lumen.Optim;

/// <summary>
/// Adadelta, PyTorch's <c>torch.optim.Adadelta</c>. g = ±g + weight_decay·p; sq = ρ·sq + (1−ρ)·g²;
/// δ = √(acc + eps) / √(sq + eps) · g; acc = ρ·acc + (1−ρ)·δ²; p −= lr·δ.
/// State: <c>"step"</c> (an integer), <c>"square_avg"</c>, <c>"acc_delta"</c>.
/// </summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>Adadelta over one group of parameters.</summary>
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
                    double weightDecay = 0, bool maximize = false)
        : this(Single(parameters), lr, rho, eps, weightDecay, maximize) { }

    /// <summary>Adadelta over parameter groups.</summary>
    public Adadelta(IEnumerable<ParamGroup> paramGroups, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
                    double weightDecay = 0, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["rho"] = rho, ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        var rho = g.GetDouble("rho");
        if (!(rho >= 0 && rho <= 1)) throw Invalid("rho value", rho, "must be in [0, 1]");
        NonNegative(g, "eps", "epsilon value");
        NonNegative(g, "weight_decay", "weight_decay value");
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            float negLr = (float)-group.Lr, rho = (float)group.GetDouble("rho"), oneMinusRho = (float)(1 - group.GetDouble("rho"));
            float eps = (float)group.GetDouble("eps"), wd = (float)group.WeightDecay;
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["square_avg"] = StateZerosLike(p);
                    state["acc_delta"] = StateZerosLike(p);
                }
                state["step"] = Convert.ToInt64(state["step"]) + 1;
                Tensor sq = (Tensor)state["square_avg"]!, acc = (Tensor)state["acc_delta"]!;
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), sqs = Slice(sq, a, e), accs = Slice(acc, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        float g = maximize ? -gs[i] : gs[i];
                        if (wd != 0f) g += wd * ps[i];
                        float s = sqs[i] * rho + oneMinusRho * g * g;
                        sqs[i] = s;
                        float std = MathF.Sqrt(s + eps);
                        float delta = MathF.Sqrt(accs[i] + eps) / std * g;
                        accs[i] = accs[i] * rho + oneMinusRho * delta * delta;
                        ps[i] += negLr * delta;
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
