namespace Lumen.NN;

/// <summary>1-d average pooling, PyTorch's <c>nn.AvgPool1d</c>. Input (N, C, L) or (C, L). Its repr prints one-element
/// tuples, as PyTorch's does: <c>AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))</c>.</summary>
public sealed class AvgPool1d : AvgPoolNd
{
    public AvgPool1d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null, bool ceilMode = false, bool countIncludePad = true)
        : base(kernelSize.Expand(1, "AvgPool1d", "kernel_size"), (stride ?? kernelSize).Expand(1, "AvgPool1d", "stride"),
               (padding ?? 0).Expand(1, "AvgPool1d", "padding"), ceilMode, countIncludePad) { }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.CheckRank(this, input, 1, "L");
        return F.AvgPool1d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);
    }
}
