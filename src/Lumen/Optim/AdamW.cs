namespace Lumen.Optim;

/// <summary>
/// Adam with decoupled weight decay, PyTorch's <c>torch.optim.AdamW</c>: each step first scales p by (1 − lr·weight_decay),
/// then applies the Adam update of <see cref="Adam"/> to the raw gradient. Same state as Adam.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>AdamW over one group of parameters (weight decay defaults to 1e-2, as in PyTorch).</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(Single(parameters), lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>AdamW over parameter groups; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public AdamW(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g) => AdamUpdate.Validate(this, g);

    public override Tensor? Step(Func<Tensor>? closure = null) { CountStep(); return AdamUpdate.Step(this, closure, decoupled: true); }
}
