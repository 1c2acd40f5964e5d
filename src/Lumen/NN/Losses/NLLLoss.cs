namespace Lumen.NN;

/// <summary>Negative log-likelihood on log-probabilities (e.g. the output of <c>LogSoftmax(dim: 1)</c>), PyTorch's
/// <c>nn.NLLLoss</c>; see <see cref="F.NllLoss"/>. input [N, C], [C] or [N, C, d1, …]; target int64 [N], [] or [N, d1, …].</summary>
public sealed class NLLLoss : Loss
{
    /// <summary><c>new NLLLoss()</c>; <paramref name="weight"/> [C] rescales classes (buffer <c>weight</c>), targets equal to
    /// <paramref name="ignoreIndex"/> are skipped.</summary>
    public NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = default) : base(reduction.Plain("NLLLoss"))
    {
        Weight = RegisterBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>Per-class weights [C], or null; PyTorch's <c>weight</c> buffer.</summary>
    public Tensor? Weight { get; }

    /// <summary>The target value that is skipped, PyTorch's <c>ignore_index</c> (default −100).</summary>
    public long IgnoreIndex { get; }

    public override Tensor Forward(Tensor input, Tensor target) => F.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}
