namespace Lumen.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight decay and maximize,
/// PyTorch's <c>torch.optim.SGD</c>. Per parameter p with gradient g (negated when maximize):
/// d = g + weight_decay·p; buf = d on the first step, else momentum·buf + (1 − dampening)·d; d = d + momentum·buf
/// (nesterov) or buf; p −= lr·d. State: <c>"momentum_buffer"</c> (null without momentum).
/// <code>var optimizer = new SGD(model.Parameters(), lr: 1e-2, momentum: 0.9, weightDecay: 5e-4, nesterov: true);</code>
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD over one group of parameters.</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(Single(parameters), lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    /// <summary>SGD over parameter groups; the arguments are the defaults for options a group leaves out.</summary>
    public SGD(IEnumerable<ParamGroup> paramGroups, double lr, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay,
            ["nesterov"] = nesterov, ["maximize"] = maximize,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        NonNegative(g, "momentum", "momentum value");
        NonNegative(g, "weight_decay", "weight_decay value");
        if (g.GetBool("nesterov") && (g.GetDouble("momentum") <= 0 || g.GetDouble("dampening") != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum and zero dampening (momentum {F(g.GetDouble("momentum"))}, dampening {F(g.GetDouble("dampening"))}).");
    }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        var loss = closure?.Invoke();
        using var _ = Autograd.Autograd.NoGrad();
        foreach (var group in ParamGroups)
        {
            float negLr = (float)-group.Lr, wd = (float)group.WeightDecay, momentum = (float)group.GetDouble("momentum");
            float oneMinusDampening = (float)(1 - group.GetDouble("dampening"));
            bool nesterov = group.GetBool("nesterov"), maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (NoDenseGrad(p)) continue;
                var state = StateOf(p);
                var buf = state.TryGetValue("momentum_buffer", out var b) ? b as Tensor : null;
                bool init = false;
                if (momentum != 0 && buf == null) { buf = StateZerosLike(p); init = true; }
                state["momentum_buffer"] = momentum != 0 ? buf : null;
                var pd = ParamData(p, "SGD"); var gd = GradData(p, "SGD");
                var bufT = momentum != 0 ? buf : null;
                ForChunks(p.Numel(), (a, e) => OptimKernels.Sgd(Slice(pd, a, e), Slice(gd, a, e),
                    bufT == null ? Span<float>.Empty : Slice(bufT, a, e), negLr, wd, momentum, oneMinusDampening, nesterov, maximize, init));
                p.BumpVersion();
            }
        }
        return loss;
    }
}
