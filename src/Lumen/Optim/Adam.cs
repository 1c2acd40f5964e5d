namespace Lumen.Optim;

/// <summary>
/// Adam, PyTorch's <c>torch.optim.Adam</c> (with AMSGrad, L2 weight decay added to the gradient, and maximize).
/// Per parameter, at step t: g += weight_decay·p; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
/// (amsgrad: v̂ = max(v̂, v)); p −= lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + eps).
/// State: <c>"step"</c> (0-d float tensor), <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>, and <c>"max_exp_avg_sq"</c> with amsgrad.
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Adam over one group of parameters.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(Single(parameters), lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>Adam over parameter groups; the arguments are the defaults for options a group leaves out.
    /// <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public Adam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g) => AdamUpdate.Validate(this, g);

    public override Tensor? Step(Func<Tensor>? closure = null) { CountStep(); return AdamUpdate.Step(this, closure, decoupled: false); }
}

/// <summary>The update shared by <see cref="Adam"/> and <see cref="AdamW"/> (they differ only in how weight decay applies).</summary>
internal static class AdamUpdate
{
    public static void Validate(Optimizer o, ParamGroup g)
    {
        o.NonNegative(g, "lr", "learning rate");
        o.NonNegative(g, "eps", "epsilon value");
        o.Betas(g);
        o.NonNegative(g, "weight_decay", "weight_decay value");
    }

    public static Tensor? Step(Optimizer o, Func<Tensor>? closure, bool decoupled)
    {
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in o.ParamGroups)
        {
            var (beta1, beta2) = group.GetPair("betas");
            double lr = group.Lr, wd = group.WeightDecay, eps = group.GetDouble("eps");
            bool amsgrad = group.GetBool("amsgrad"), maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (o.NoDenseGrad(p)) continue;
                var state = o.StateOf(p);
                if (state.Count == 0)
                {
                    state["step"] = Torch.Scalar(0f);
                    state["exp_avg"] = Optimizer.StateZerosLike(p);
                    state["exp_avg_sq"] = Optimizer.StateZerosLike(p);
                    if (amsgrad) state["max_exp_avg_sq"] = Optimizer.StateZerosLike(p);
                }
                double step = Optimizer.IncrementStep((Tensor)state["step"]!);
                var m = (Tensor)state["exp_avg"]!; var v = (Tensor)state["exp_avg_sq"]!;
                var vmax = amsgrad ? (Tensor)state["max_exp_avg_sq"]! : null;
                double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
                float negStep = (float)-(lr / bc1), bc2Sqrt = (float)Math.Sqrt(bc2);
                float b1 = (float)beta1, ob1 = (float)(1 - beta1), b2 = (float)beta2, ob2 = (float)(1 - beta2);
                float fwd = (float)wd, decay = (float)(1 - lr * wd), feps = (float)eps;
                var pd = Optimizer.ParamData(p, o.Name); var gd = Optimizer.GradData(p, o.Name);
                Optimizer.ForChunks(p.Numel(), (a, e) => OptimKernels.Adam(Optimizer.Slice(pd, a, e), Optimizer.Slice(gd, a, e),
                    Optimizer.Slice(m, a, e), Optimizer.Slice(v, a, e), vmax == null ? Span<float>.Empty : Optimizer.Slice(vmax, a, e),
                    b1, ob1, b2, ob2, fwd, decay, decoupled, bc2Sqrt, feps, negStep, amsgrad, maximize));
                p.BumpVersion();
            }
        }
        return loss;
    }
}
