namespace Lumen.NN;

/// <summary>2-d average pooling, PyTorch's <c>nn.AvgPool2d</c>: <c>new AvgPool2d(2)</c>,
/// <c>new AvgPool2d(3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)</c>. Input (N, C, H, W) or (C, H, W); see
/// <see cref="F.AvgPool2d"/> for the divisor rule. Repr: <c>AvgPool2d(kernel_size=2, stride=2, padding=0)</c>.</summary>
public sealed class AvgPool2d : AvgPoolNd
{
    /// <summary>When set, the divisor of every window instead of its size.</summary>
    public int? DivisorOverride { get; }

    public AvgPool2d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null, bool ceilMode = false,
                     bool countIncludePad = true, int? divisorOverride = null)
        : base(kernelSize, stride ?? kernelSize, padding ?? 0, ceilMode, countIncludePad) => DivisorOverride = divisorOverride;

    public override Tensor Forward(Tensor input)
    {
        PoolModule.CheckRank(this, input, 2, "H, W");
        return F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
    }
}
