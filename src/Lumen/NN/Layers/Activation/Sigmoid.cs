namespace Lumen.NN;

/// <summary>1/(1 + e⁻ˣ), PyTorch's <c>nn.Sigmoid()</c>.</summary>
public sealed class Sigmoid : Module
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}
