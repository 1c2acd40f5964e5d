namespace Lumen.NN;

/// <summary>x for x &gt; 0 else negativeSlope·x, PyTorch's <c>nn.LeakyReLU(negative_slope=0.01, inplace=False)</c>.</summary>
public sealed class LeakyReLU : Module
{
    public float NegativeSlope { get; }
    public bool Inplace { get; }
    public LeakyReLU(double negativeSlope = 0.01, bool inplace = false) { NegativeSlope = (float)negativeSlope; Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope, Inplace);
    public override string ExtraRepr() => $"negative_slope={PyFormat.Float(NegativeSlope)}" + (Inplace ? ", inplace=True" : "");
}
