namespace Lumen.NN;

/// <summary>log(1 + e^(βx))/β, reverting to x where βx &gt; threshold, PyTorch's <c>nn.Softplus(beta=1, threshold=20)</c>.
/// PyTorch's defaults are Python ints, so the defaults print as <c>Softplus(beta=1, threshold=20)</c>; other values
/// print as Python floats (<c>Softplus(beta=0.5, threshold=10.0)</c>).</summary>
public sealed class Softplus : Module
{
    public float Beta { get; }
    public float Threshold { get; }
    public Softplus(double beta = 1, double threshold = 20) { Beta = (float)beta; Threshold = (float)threshold; }
    public override Tensor Forward(Tensor input) => F.Softplus(input, Beta, Threshold);
    public override string ExtraRepr() => $"beta={(Beta == 1f ? "1" : PyFormat.Float(Beta))}, threshold={(Threshold == 20f ? "20" : PyFormat.Float(Threshold))}";
}
