namespace Lumen.NN;

/// <summary>max(0, x) + min(0, α·(exp(x/α) − 1)), PyTorch's <c>nn.CELU(alpha=1.0, inplace=False)</c>.</summary>
public sealed class CELU : Module
{
    public float Alpha { get; }
    public bool Inplace { get; }
    public CELU(double alpha = 1, bool inplace = false) { Alpha = (float)alpha; Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Celu(input, Alpha, Inplace);
    public override string ExtraRepr() => $"alpha={PyFormat.Float(Alpha)}" + (Inplace ? ", inplace=True" : "");
}
