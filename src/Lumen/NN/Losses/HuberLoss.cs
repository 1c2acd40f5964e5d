namespace Lumen.NN;

/// <summary>Huber loss, 0.5·d² below <see cref="Delta"/> and δ·(|d| − 0.5·δ) above, PyTorch's <c>nn.HuberLoss</c>;
/// see <see cref="F.HuberLoss"/>. input and target: any shape (broadcast together).</summary>
public sealed class HuberLoss : Loss
{
    /// <summary><c>new HuberLoss()</c>, <c>new HuberLoss(delta: 2f)</c>; delta must be &gt; 0.</summary>
    public HuberLoss(Reduction reduction = default, double delta = 1) : base(reduction.Plain("HuberLoss"))
    {
        if (!(delta > 0)) throw new ArgumentException($"HuberLoss: delta must be positive, got {delta}.");
        Delta = (float)delta;
    }

    /// <summary>Where the loss switches from quadratic to linear, PyTorch's <c>delta</c>.</summary>
    public float Delta { get; }

    public override Tensor Forward(Tensor input, Tensor target) => F.HuberLoss(input, target, Reduction, Delta);
}
