namespace Lumen.NN;

/// <summary>Mean absolute error |x − y|, PyTorch's <c>nn.L1Loss</c>; see <see cref="F.L1Loss"/>.
/// input and target: any shape (broadcast together); output: 0-d, or the broadcast shape for "none".</summary>
public sealed class L1Loss : Loss
{
    /// <summary><c>new L1Loss()</c>, <c>new L1Loss(reduction: "sum")</c>.</summary>
    public L1Loss(Reduction reduction = default) : base(reduction.Plain("L1Loss")) { }

    public override Tensor Forward(Tensor input, Tensor target) => F.L1Loss(input, target, Reduction);
}
