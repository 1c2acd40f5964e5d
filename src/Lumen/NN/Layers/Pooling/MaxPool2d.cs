namespace Lumen.NN;

/// <summary>2-d max pooling, PyTorch's <c>nn.MaxPool2d</c>: <c>new MaxPool2d(2)</c>,
/// <c>new MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)</c>. Input (N, C, H, W) or (C, H, W); see
/// <see cref="F.MaxPool2d"/> for output sizes.</summary>
public sealed class MaxPool2d : MaxPoolNd
{
    public MaxPool2d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null, PoolSize? dilation = null,
                     bool returnIndices = false, bool ceilMode = false)
        : base(kernelSize, stride, padding ?? 0, dilation ?? 1, returnIndices, ceilMode) { }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.RejectValuesOnlyCall(this, ReturnIndices);
        PoolModule.CheckRank(this, input, 2, "H, W");
        return F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }

    public override ValuesIndices ForwardWithIndices(Tensor input)
    {
        PoolModule.CheckRank(this, input, 2, "H, W");
        return F.MaxPool2dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }
}
