namespace Lumen.NN;

/// <summary>relu6(x + 3)/6, PyTorch's <c>nn.Hardsigmoid(inplace=False)</c> (its repr shows no arguments).</summary>
public sealed class Hardsigmoid : Module
{
    public bool Inplace { get; }
    public Hardsigmoid(bool inplace = false) { Inplace = inplace; }
    public override Tensor Forward(Tensor input) => F.Hardsigmoid(input, Inplace);
}
