namespace Lumen.NN;

/// <summary>1-d max pooling, PyTorch's <c>nn.MaxPool1d</c>: <c>new MaxPool1d(2)</c>,
/// <c>new MaxPool1d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)</c>. Input (N, C, L) or (C, L); see
/// <see cref="F.MaxPool1d"/> for output sizes.</summary>
public sealed class MaxPool1d : MaxPoolNd
{
    public MaxPool1d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null, PoolSize? dilation = null,
                     bool returnIndices = false, bool ceilMode = false)
        : base(kernelSize, stride, padding ?? 0, dilation ?? 1, returnIndices, ceilMode) { }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.RejectValuesOnlyCall(this, ReturnIndices);
        PoolModule.CheckRank(this, input, 1, "L");
        return F.MaxPool1d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }

    public override ValuesIndices ForwardWithIndices(Tensor input)
    {
        PoolModule.CheckRank(this, input, 1, "L");
        return F.MaxPool1dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }
}
