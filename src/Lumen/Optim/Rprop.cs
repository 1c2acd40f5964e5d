namespace Lumen.Optim;

/// <summary>
/// Resilient backpropagation, PyTorch's <c>torch.optim.Rprop</c>. Per element, s = sign(g·prev): the step size is
/// multiplied by η+ (s &gt; 0), η− (s &lt; 0) or 1 and clamped to [step_size_min, step_size_max]; where s &lt; 0 the
/// gradient is treated as 0 (no move, and prev becomes 0); p −= sign(g)·step_size; prev = g.
/// State: <c>"step"</c> (an integer), <c>"prev"</c>, <c>"step_size"</c> (starts at the group's lr).
/// </summary>
public sealed class Rprop : Optimizer
{
    /// <summary>Rprop over one group of parameters. <paramref name="etas"/> = (η−, η+) defaults to (0.5, 1.2);
    /// <paramref name="stepSizes"/> = (min, max) defaults to (1e-6, 50).</summary>
    public Rprop(IEnumerable<Tensor> parameters, double lr = 1e-2, (double, double)? etas = null,
                 (double, double)? stepSizes = null, bool maximize = false)
        : this(Single(parameters), lr, etas, stepSizes, maximize) { }

    /// <summary>Rprop over parameter groups.</summary>
    public Rprop(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, (double, double)? etas = null,
                 (double, double)? stepSizes = null, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["etas"] = etas ?? (0.5, 1.2), ["step_sizes"] = stepSizes ?? (1e-6, 50.0), ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        var (minus, plus) = g.GetPair("etas");
        if (!(0 < minus && minus < 1 && 1 < plus))
            throw new ArgumentException($"Rprop: Invalid eta values: {F(minus)}, {F(plus)} (need 0 < etaminus < 1 < etaplus).");
        var (lo, hi) = g.GetPair("step_sizes");
        if (!(lo >= 0 && lo <= hi))
            throw new ArgumentException($"Rprop: Invalid step sizes: {F(lo)}, {F(hi)} (need 0 <= min <= max).");
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (minus, plus) = group.GetPair("etas");
            var (lo, hi) = group.GetPair("step_sizes");
            float etaMinus = (float)minus, etaPlus = (float)plus, sMin = (float)lo, sMax = (float)hi;
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["prev"] = StateZerosLike(p);
                    state["step_size"] = StateFullLike(p, (float)group.Lr);
                }
                state["step"] = Convert.ToInt64(state["step"]) + 1;
                Tensor prev = (Tensor)state["prev"]!, stepSize = (Tensor)state["step_size"]!;
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), prevs = Slice(prev, a, e), ss = Slice(stepSize, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        float g = maximize ? -gs[i] : gs[i];
                        float prod = g * prevs[i];
                        float factor = prod > 0 ? etaPlus : prod < 0 ? etaMinus : 1f;
                        float s = Math.Min(Math.Max(ss[i] * factor, sMin), sMax);
                        ss[i] = s;
                        if (factor == etaMinus) g = 0f;
                        float sign = g > 0 ? 1f : g < 0 ? -1f : 0f;
                        ps[i] += -1f * sign * s;
                        prevs[i] = g;
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
