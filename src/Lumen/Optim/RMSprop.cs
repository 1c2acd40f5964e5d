namespace Lumen.Optim;

/// <summary>
/// RMSprop, PyTorch's <c>torch.optim.RMSprop</c>. g = ±g + weight_decay·p; sq = α·sq + (1−α)·g²;
/// centered: ḡ = α·ḡ + (1−α)·g, avg = √(sq − ḡ²) + eps, else avg = √sq + eps;
/// momentum > 0: buf = momentum·buf + g/avg, p −= lr·buf; else p −= lr·g/avg.
/// State: <c>"step"</c> (an integer), <c>"square_avg"</c>, <c>"momentum_buffer"</c> (momentum > 0), <c>"grad_avg"</c> (centered).
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop over one group of parameters.</summary>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
                   double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this(Single(parameters), lr, alpha, eps, weightDecay, momentum, centered, maximize) { }

    /// <summary>RMSprop over parameter groups.</summary>
    public RMSprop(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
                   double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["alpha"] = alpha, ["eps"] = eps, ["centered"] = centered,
            ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        NonNegative(g, "eps", "epsilon value");
        NonNegative(g, "momentum", "momentum value");
        NonNegative(g, "weight_decay", "weight_decay value");
        NonNegative(g, "alpha", "alpha value");
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            float negLr = (float)-group.Lr, alpha = (float)group.GetDouble("alpha"), oneMinusAlpha = (float)(1 - group.GetDouble("alpha"));
            float eps = (float)group.GetDouble("eps"), wd = (float)group.WeightDecay, momentum = (float)group.GetDouble("momentum");
            bool centered = group.GetBool("centered"), maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["square_avg"] = StateZerosLike(p);
                    if (momentum > 0) state["momentum_buffer"] = StateZerosLike(p);
                    if (centered) state["grad_avg"] = StateZerosLike(p);
                }
                state["step"] = Convert.ToInt64(state["step"]) + 1;
                var sq = (Tensor)state["square_avg"]!;
                var buf = momentum > 0 ? (Tensor)state["momentum_buffer"]! : null;
                var ga = centered ? (Tensor)state["grad_avg"]! : null;
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), sqs = Slice(sq, a, e);
                    Span<float> bufs = buf == null ? default : Slice(buf, a, e), gas = ga == null ? default : Slice(ga, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        float g = maximize ? -gs[i] : gs[i];
                        if (wd != 0f) g += wd * ps[i];
                        float s = sqs[i] * alpha + oneMinusAlpha * g * g;
                        sqs[i] = s;
                        float avg;
                        if (centered)
                        {
                            float gav = gas[i] * alpha + oneMinusAlpha * g;
                            gas[i] = gav;
                            avg = MathF.Sqrt(s + -1f * gav * gav);
                        }
                        else avg = MathF.Sqrt(s);
                        avg += eps;
                        if (momentum > 0)
                        {
                            float b = bufs[i] * momentum + g / avg;
                            bufs[i] = b;
                            ps[i] += negLr * b;
                        }
                        else ps[i] += negLr * (g / avg);
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
