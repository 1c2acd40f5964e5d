namespace Lumen.NN;

/// <summary>scale·elu(x, α) with α ≈ 1.6733 and scale ≈ 1.0507, PyTorch's <c>nn.SELU(inplace=False)</c>.</summary>
public sealed class SELU : Module
{
    public bool Inplace { get; }
    public SELU(bool inplace = false) { Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Selu(input, Inplace);
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}
