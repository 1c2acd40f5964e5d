namespace Lumen.NN;

/// <summary>1-d average pooling, PyTorch's <c>nn.AvgPool1d</c>. Input (N, C, L) or (C, L). Its repr prints one-element
/// tuples, as PyTorch's does: <c>AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))</c>.</summary>
public sealed class AvgPool1d : Module
{
    public PoolSize KernelSize { get; }
    public PoolSize Stride { get; }
    public PoolSize Padding { get; }
    public bool CeilMode { get; }
    public bool CountIncludePad { get; }

    public AvgPool1d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        KernelSize = kernelSize.Expand(1, "AvgPool1d", "kernel_size");
        Stride = (stride ?? kernelSize).Expand(1, "AvgPool1d", "stride");
        Padding = (padding ?? 0).Expand(1, "AvgPool1d", "padding");
        CeilMode = ceilMode; CountIncludePad = countIncludePad;
    }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.CheckRank(this, input, 1, "L");
        return F.AvgPool1d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);
    }

    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}
