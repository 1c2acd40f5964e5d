namespace Lumen.NN;

/// <summary>x·Φ(x), PyTorch's <c>nn.GELU(approximate='none')</c>; <c>approximate: "tanh"</c> uses the tanh formula.</summary>
public sealed class GELU : Module
{
    public string Approximate { get; }
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate must be 'none' or 'tanh', got '{approximate}'.");
        Approximate = approximate;
    }
    public override Tensor Forward(Tensor input) => F.Gelu(input, Approximate);
    public override string ExtraRepr() => $"approximate='{Approximate}'";
}
