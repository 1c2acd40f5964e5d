namespace Lumen.NN;

/// <summary>x·tanh(softplus(x)), PyTorch's <c>nn.Mish(inplace=False)</c>.</summary>
public sealed class Mish : Module
{
    public bool Inplace { get; }
    public Mish(bool inplace = false) { Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Mish(input, Inplace);
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}
