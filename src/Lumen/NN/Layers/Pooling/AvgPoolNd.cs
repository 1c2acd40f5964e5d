namespace Lumen.NN;

/// <summary>Base of <see cref="AvgPool1d"/>, <see cref="AvgPool2d"/> and <see cref="AvgPool3d"/>, PyTorch's
/// <c>_AvgPoolNd</c>: holds the parameters as given and prints PyTorch's repr
/// <c>AvgPool2d(kernel_size=2, stride=2, padding=0)</c>.</summary>
public abstract class AvgPoolNd : Module
{
    /// <summary>Window size.</summary>
    public PoolSize KernelSize { get; }
    /// <summary>Window step (defaults to <see cref="KernelSize"/>).</summary>
    public PoolSize Stride { get; }
    /// <summary>Implicit zero padding on both sides (at most half the kernel).</summary>
    public PoolSize Padding { get; }
    /// <summary>Whether output sizes round up (ceil) rather than down.</summary>
    public bool CeilMode { get; }
    /// <summary>Whether the zero padding counts in the divisor.</summary>
    public bool CountIncludePad { get; }

    private protected AvgPoolNd(PoolSize kernelSize, PoolSize stride, PoolSize padding, bool ceilMode, bool countIncludePad)
    {
        KernelSize = kernelSize; Stride = stride; Padding = padding;
        CeilMode = ceilMode; CountIncludePad = countIncludePad;
    }

    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}
