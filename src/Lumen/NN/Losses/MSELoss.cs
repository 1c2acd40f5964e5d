namespace Lumen.NN;

/// <summary>Mean squared error (x − y)², PyTorch's <c>nn.MSELoss</c>; see <see cref="F.MseLoss"/>.
/// input and target: any shape (broadcast together); output: 0-d, or the broadcast shape for "none".</summary>
public sealed class MSELoss : Loss
{
    /// <summary><c>new MSELoss()</c>, <c>new MSELoss(reduction: "sum")</c>.</summary>
    public MSELoss(Reduction reduction = default) : base(reduction.Plain("MSELoss")) { }

    public override Tensor Forward(Tensor input, Tensor target) => F.MseLoss(input, target, Reduction);
}
