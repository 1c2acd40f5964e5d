namespace Lumen.NN;

/// <summary>log(sigmoid(x)), PyTorch's <c>nn.LogSigmoid()</c>.</summary>
public sealed class LogSigmoid : Module
{
    public override Tensor Forward(Tensor input) => input.LogSigmoid();
}
