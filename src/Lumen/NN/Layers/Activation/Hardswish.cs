namespace Lumen.NN;

/// <summary>x·relu6(x + 3)/6, PyTorch's <c>nn.Hardswish(inplace=False)</c> (its repr shows no arguments).</summary>
public sealed class Hardswish : Module
{
    public bool Inplace { get; }
    public Hardswish(bool inplace = false) { Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Hardswish(input, Inplace);
}
