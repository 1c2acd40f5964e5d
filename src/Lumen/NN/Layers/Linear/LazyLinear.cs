namespace Lumen.NN;

/// <summary>
/// A <see cref="Linear"/> whose in_features is taken from the first input, PyTorch's <c>nn.LazyLinear(out_features)</c>.
/// Until the first <see cref="Forward"/> the weight and bias are empty placeholders and the repr reads
/// <c>LazyLinear(in_features=0, out_features=10, bias=True)</c>; the first call materialises them with Linear's default
/// initialisation (drawn from the generator at that moment, weight then bias, so a seeded run matches PyTorch), after
/// which the module is a plain Linear (repr <c>Linear(in_features=3, out_features=10, bias=True)</c>), as PyTorch's
/// <c>cls_to_become</c>. Run one forward pass before building the optimizer, as in PyTorch.
/// </summary>
public sealed class LazyLinear : Linear
{
    /// <summary>True until the first forward pass has fixed in_features.</summary>
    public bool HasUninitializedParams { get; private set; } = true;

    /// <param name="outFeatures">size of each output sample</param>
    /// <param name="bias">whether to learn an additive bias</param>
    public LazyLinear(int outFeatures, bool bias = true) : base(outFeatures, bias, lazy: true) { }

    /// <summary>Materialises the parameters from the input's last dimension on the first call, then runs Linear.</summary>
    public override Tensor Forward(Tensor input)
    {
        if (HasUninitializedParams)
        {
            if (input.Ndim == 0)
                throw new ShapeMismatchException($"{this} got a 0-d input {input.Shape}: expected [*, in_features].");
            InFeatures = input.Size(-1);
            var weight = new Parameter(Torch.Empty(OutFeatures, InFeatures));
            SetParameter("weight", weight);
            Weight = weight;
            if (Bias != null)
            {
                var bias = new Parameter(Torch.Empty(OutFeatures));
                SetParameter("bias", bias);
                Bias = bias;
            }
            HasUninitializedParams = false;
            ResetParameters();
        }
        return base.Forward(input);
    }

    /// <summary>Does nothing before materialisation (there is nothing to draw), Linear's init afterwards.</summary>
    public override void ResetParameters()
    {
        if (!HasUninitializedParams) base.ResetParameters();
    }

    protected override string ReprName => HasUninitializedParams ? "LazyLinear" : "Linear";
}
