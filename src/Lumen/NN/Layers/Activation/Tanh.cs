namespace Lumen.NN;

/// <summary>tanh(x), PyTorch's <c>nn.Tanh()</c>.</summary>
public sealed class Tanh : Module
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}
