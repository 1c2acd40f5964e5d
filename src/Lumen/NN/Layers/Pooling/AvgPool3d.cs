namespace Lumen.NN;

/// <summary>3-d average pooling, PyTorch's <c>nn.AvgPool3d</c>: <c>new AvgPool3d(2)</c>,
/// <c>new AvgPool3d(3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)</c>. Input (N, C, D, H, W) or (C, D, H, W); see
/// <see cref="F.AvgPool3d"/> for the divisor rule. Repr: <c>AvgPool3d(kernel_size=2, stride=2, padding=0)</c>.</summary>
public sealed class AvgPool3d : AvgPoolNd
{
    /// <summary>When set, the divisor of every window instead of its size.</summary>
    public int? DivisorOverride { get; }

    public AvgPool3d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null, bool ceilMode = false,
                     bool countIncludePad = true, int? divisorOverride = null)
        : base(kernelSize, stride ?? kernelSize, padding ?? 0, ceilMode, countIncludePad) => DivisorOverride = divisorOverride;

    public override Tensor Forward(Tensor input)
    {
        PoolModule.CheckRank(this, input, 3, "D, H, W");
        return F.AvgPool3d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
    }
}
