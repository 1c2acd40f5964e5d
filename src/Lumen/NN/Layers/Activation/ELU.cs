namespace Lumen.NN;

/// <summary>x for x &gt; 0 else alpha·(eˣ − 1), PyTorch's <c>nn.ELU(alpha=1.0, inplace=False)</c>.</summary>
public sealed class ELU : Module
{
    public float Alpha { get; }
    public bool Inplace { get; }
    public ELU(double alpha = 1, bool inplace = false) { Alpha = (float)alpha; Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Elu(input, Alpha, Inplace);
    public override string ExtraRepr() => $"alpha={PyFormat.Float(Alpha)}" + (Inplace ? ", inplace=True" : "");
}
