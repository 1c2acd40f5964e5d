namespace Lumen.NN;

/// <summary>
/// Cross-entropy between logits and class targets, PyTorch's <c>nn.CrossEntropyLoss</c> (log_softmax + NLL, fused);
/// see <see cref="F.CrossEntropy"/> for every shape and option.
/// input [N, C], [C] or [N, C, d1, …] (unnormalised scores); target int64 [N], [] or [N, d1, …] class indices, or float
/// class probabilities of the input's shape; output 0-d, or the target's batch shape for "none".
/// <code>
/// var criterion = new CrossEntropyLoss();
/// var loss = criterion.Call(model.Call(images), labels);
/// </code>
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary><c>new CrossEntropyLoss()</c>; <paramref name="weight"/> [C] rescales classes (kept as buffer
    /// <c>weight</c>), targets equal to <paramref name="ignoreIndex"/> are skipped, <paramref name="labelSmoothing"/> ∈ [0, 1].</summary>
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = default, double labelSmoothing = 0)
        : base(reduction.Plain("CrossEntropyLoss"))
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentException($"CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0, got {labelSmoothing}.");
        Weight = RegisterBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = (float)labelSmoothing;
    }

    /// <summary>Per-class weights [C], or null; PyTorch's <c>weight</c> buffer.</summary>
    public Tensor? Weight { get; }

    /// <summary>The target value that is skipped, PyTorch's <c>ignore_index</c> (default −100).</summary>
    public long IgnoreIndex { get; }

    /// <summary>Label smoothing ε, PyTorch's <c>label_smoothing</c>.</summary>
    public float LabelSmoothing { get; }

    public override Tensor Forward(Tensor input, Tensor target) =>
        F.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}
