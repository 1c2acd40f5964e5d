namespace Lumen.NN;

/// <summary>Sigmoid + binary cross-entropy in one numerically stable formula, PyTorch's <c>nn.BCEWithLogitsLoss</c>; see
/// <see cref="F.BinaryCrossEntropyWithLogits"/>. input (logits) and target: the same shape, e.g. [N, C] multi-label.</summary>
public sealed class BCEWithLogitsLoss : Loss
{
    /// <summary><c>new BCEWithLogitsLoss()</c>; <paramref name="weight"/> rescales each element, <paramref name="posWeight"/>
    /// (e.g. [C]: negatives/positives per class) weighs the positive term; both are buffers (<c>weight</c>, <c>pos_weight</c>).</summary>
    public BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = default, Tensor? posWeight = null)
        : base(reduction.Plain("BCEWithLogitsLoss"))
    {
        Weight = RegisterBuffer("weight", weight);
        PosWeight = RegisterBuffer("pos_weight", posWeight);
    }

    /// <summary>Element weights broadcast to the input, or null; PyTorch's <c>weight</c> buffer.</summary>
    public Tensor? Weight { get; }

    /// <summary>Weight of positive examples broadcast to the input, or null; PyTorch's <c>pos_weight</c> buffer.</summary>
    public Tensor? PosWeight { get; }

    public override Tensor Forward(Tensor input, Tensor target) =>
        F.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}
