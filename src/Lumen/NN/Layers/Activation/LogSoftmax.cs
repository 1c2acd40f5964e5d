namespace Lumen.NN;

/// <summary>log(softmax(x)) along <see cref="Dim"/>, computed stably, PyTorch's <c>nn.LogSoftmax(dim)</c> (pair it with
/// NLLLoss). A null dim takes PyTorch's legacy implicit choice.</summary>
public sealed class LogSoftmax : Module
{
    public int? Dim { get; }
    public LogSoftmax(int? dim = null) { Dim = dim; }
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Dim);
    public override string ExtraRepr() => $"dim={(Dim is int d ? d.ToString() : "None")}";
}
