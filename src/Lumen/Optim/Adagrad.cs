namespace Lumen.Optim;

/// <summary>
/// Adagrad, PyTorch's <c>torch.optim.Adagrad</c>. At step t: g = ±g + weight_decay·p; clr = lr / (1 + (t−1)·lr_decay);
/// sum += g²; p −= clr · g / (√sum + eps). State (created when a group is added, as PyTorch does in its constructor):
/// <c>"step"</c> (0-d float tensor) and <c>"sum"</c> filled with <c>initial_accumulator_value</c>.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group of parameters.</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this(Single(parameters), lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize) { }

    /// <summary>Adagrad over parameter groups.</summary>
    public Adagrad(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["lr_decay"] = lrDecay, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["initial_accumulator_value"] = initialAccumulatorValue, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        NonNegative(g, "lr_decay", "lr_decay value");
        NonNegative(g, "weight_decay", "weight_decay value");
        NonNegative(g, "initial_accumulator_value", "initial_accumulator_value value");
        NonNegative(g, "eps", "epsilon value");
    }

    public override void AddParamGroup(ParamGroup group)
    {
        base.AddParamGroup(group);
        foreach (var p in group.Params) InitState(p, group);
    }

    private void InitState(Tensor p, ParamGroup group)
    {
        var state = StateOf(p);
        if (state.Count != 0) return;
        state["step"] = ScalarState(0);
        state["sum"] = StateFullLike(p, (float)group.GetDouble("initial_accumulator_value"));
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, lrDecay = group.GetDouble("lr_decay");
            float wd = (float)group.WeightDecay, eps = (float)group.GetDouble("eps");
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                InitState(p, group);
                var state = StateOf(p);
                double step = IncrementStep((Tensor)state["step"]!);
                var sum = (Tensor)state["sum"]!;
                float negClr = (float)-(lr / (1 + (step - 1) * lrDecay));
                var pd = ParamData(p, Name); var gd = GradData(p, Name);
                ForChunks(p.Numel(), (a, e) =>
                {
                    Span<float> ps = Slice(pd, a, e), gs = Slice(gd, a, e), ss = Slice(sum, a, e);
                    for (int i = 0; i < ps.Length; i++)
                    {
                        float g = maximize ? -gs[i] : gs[i];
                        if (wd != 0f) g += wd * ps[i];
                        float s = ss[i] + 1f * g * g;
                        ss[i] = s;
                        ps[i] += negClr * (g / (MathF.Sqrt(s) + eps));
                    }
                });
                p.BumpVersion();
            }
        }
        return loss;
    }
}
