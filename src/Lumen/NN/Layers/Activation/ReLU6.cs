namespace Lumen.NN;

/// <summary>min(max(x, 0), 6), PyTorch's <c>nn.ReLU6(inplace=False)</c> (a Hardtanh(0, 6)). Any shape.</summary>
public sealed class ReLU6 : Module
{
    public bool Inplace { get; }
    public ReLU6(bool inplace = false) { Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Relu6(input, Inplace);
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}
