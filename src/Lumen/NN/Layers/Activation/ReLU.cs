namespace Lumen.NN;

/// <summary>max(x, 0) elementwise, PyTorch's <c>nn.ReLU(inplace=False)</c>. Any shape. With <c>inplace: true</c> the
/// input is overwritten (<see cref="Tensor.Relu_"/>).</summary>
public sealed class ReLU : Module
{
    public bool Inplace { get; }
    public ReLU(bool inplace = false) { Inplace = inplace; }
    /// <summary>max(x, 0); a tensor that a fused convolution already rectified (FuseForInference) is returned as it is.</summary>
    public override Tensor Forward(Tensor input) =>
        FusedOutputs.Armed && FusedOutputs.TakeForRelu(input) ? input : F.Relu(input, Inplace);
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}
