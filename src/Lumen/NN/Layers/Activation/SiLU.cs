namespace Lumen.NN;

/// <summary>x·sigmoid(x) (swish), PyTorch's <c>nn.SiLU(inplace=False)</c>.</summary>
public sealed class SiLU : Module
{
    public bool Inplace { get; }
    public SiLU(bool inplace = false) { Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Silu(input, Inplace);
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}
