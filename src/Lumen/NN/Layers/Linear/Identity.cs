namespace Lumen.NN;

/// <summary>Returns its input unchanged, PyTorch's <c>nn.Identity()</c> (a placeholder, e.g. to drop a model's head).</summary>
public sealed class Identity : Module
{
    public override Tensor Forward(Tensor input) => input;
}
