namespace Lumen.NN;

/// <summary>Kullback-Leibler divergence, input = log-probabilities, PyTorch's <c>nn.KLDivLoss</c>; see <see cref="F.KlDiv"/>.
/// Takes reduction "batchmean" (the mathematical KL divergence per sample) besides "mean", "sum" and "none".</summary>
public sealed class KLDivLoss : Loss
{
    /// <summary><c>new KLDivLoss(reduction: "batchmean")</c>; <paramref name="logTarget"/> when the target is itself given as
    /// log-probabilities.</summary>
    public KLDivLoss(Reduction reduction = default, bool logTarget = false) : base(reduction) => LogTarget = logTarget;

    /// <summary>Whether the target holds log-probabilities, PyTorch's <c>log_target</c>.</summary>
    public bool LogTarget { get; }

    public override Tensor Forward(Tensor input, Tensor target) => F.KlDiv(input, target, Reduction, LogTarget);
}
