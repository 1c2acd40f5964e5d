namespace Lumen.NN;

/// <summary>Softmax along <see cref="Dim"/>, PyTorch's <c>nn.Softmax(dim)</c>: [N, C] logits → probabilities with
/// <c>dim: 1</c>. A null dim takes PyTorch's legacy implicit choice (0 for 0-, 1- and 3-D inputs, else 1).</summary>
public sealed class Softmax : Module
{
    public int? Dim { get; }
    public Softmax(int? dim = null) { Dim = dim; }
    public override Tensor Forward(Tensor input) => F.Softmax(input, Dim);
    public override string ExtraRepr() => $"dim={(Dim is int d ? d.ToString() : "None")}";
}
