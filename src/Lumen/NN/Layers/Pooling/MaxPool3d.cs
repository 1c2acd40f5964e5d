namespace Lumen.NN;

/// <summary>3-d max pooling, PyTorch's <c>nn.MaxPool3d</c>: <c>new MaxPool3d(2)</c>,
/// <c>new MaxPool3d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)</c>. Input (N, C, D, H, W) or (C, D, H, W); see
/// <see cref="F.MaxPool3d"/> for output sizes.</summary>
public sealed class MaxPool3d : MaxPoolNd
{
    public MaxPool3d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null, PoolSize? dilation = null,
                     bool returnIndices = false, bool ceilMode = false)
        : base(kernelSize, stride, padding ?? 0, dilation ?? 1, returnIndices, ceilMode) { }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.RejectValuesOnlyCall(this, ReturnIndices);
        PoolModule.CheckRank(this, input, 3, "D, H, W");
        return F.MaxPool3d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }

    public override ValuesIndices ForwardWithIndices(Tensor input)
    {
        PoolModule.CheckRank(this, input, 3, "D, H, W");
        return F.MaxPool3dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }
}
