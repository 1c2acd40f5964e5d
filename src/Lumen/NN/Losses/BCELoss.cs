namespace Lumen.NN;

/// <summary>Binary cross-entropy on probabilities in [0, 1], PyTorch's <c>nn.BCELoss</c>; see
/// <see cref="F.BinaryCrossEntropy"/>. input and target: the same shape; weight broadcasts to it.</summary>
public sealed class BCELoss : Loss
{
    /// <summary><c>new BCELoss()</c>; <paramref name="weight"/> rescales each element (buffer <c>weight</c>).</summary>
    public BCELoss(Tensor? weight = null, Reduction reduction = default) : base(reduction.Plain("BCELoss")) =>
        Weight = RegisterBuffer("weight", weight);

    /// <summary>Element weights broadcast to the input, or null; PyTorch's <c>weight</c> buffer.</summary>
    public Tensor? Weight { get; }

    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropy(input, target, Weight, Reduction);
}
