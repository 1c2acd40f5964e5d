namespace Lumen.NN;

/// <summary>Smooth L1 loss, quadratic below <see cref="Beta"/> and linear above, PyTorch's <c>nn.SmoothL1Loss</c>;
/// see <see cref="F.SmoothL1Loss"/>. input and target: any shape (broadcast together).</summary>
public sealed class SmoothL1Loss : Loss
{
    /// <summary><c>new SmoothL1Loss()</c>, <c>new SmoothL1Loss(beta: 0.5f)</c>; beta must be ≥ 0 (0 is plain L1).</summary>
    public SmoothL1Loss(Reduction reduction = default, double beta = 1) : base(reduction.Plain("SmoothL1Loss"))
    {
        if (!(beta >= 0)) throw new ArgumentException($"SmoothL1Loss: beta must be non-negative, got {beta}.");
        Beta = (float)beta;
    }

    /// <summary>Where the loss switches from quadratic to linear, PyTorch's <c>beta</c>.</summary>
    public float Beta { get; }

    public override Tensor Forward(Tensor input, Tensor target) => F.SmoothL1Loss(input, target, Reduction, Beta);
}
