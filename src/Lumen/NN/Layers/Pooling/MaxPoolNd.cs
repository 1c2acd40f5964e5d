namespace Lumen.NN;

/// <summary>Base of <see cref="MaxPool1d"/>, <see cref="MaxPool2d"/> and <see cref="MaxPool3d"/>, PyTorch's
/// <c>_MaxPoolNd</c>: holds the parameters as given and prints PyTorch's repr
/// <c>MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)</c>.</summary>
public abstract class MaxPoolNd : Module
{
    /// <summary>Window size.</summary>
    public PoolSize KernelSize { get; }
    /// <summary>Window step (defaults to <see cref="KernelSize"/>).</summary>
    public PoolSize Stride { get; }
    /// <summary>Implicit −∞ padding on both sides (at most half the kernel).</summary>
    public PoolSize Padding { get; }
    /// <summary>Spacing between window elements.</summary>
    public PoolSize Dilation { get; }
    /// <summary>Whether the layer returns indices, PyTorch's <c>return_indices</c>: such a pool is run with
    /// <see cref="CallWithIndices"/> (its <see cref="Module.Call(Tensor)"/> throws rather than drop them).</summary>
    public bool ReturnIndices { get; }
    /// <summary>Whether output sizes round up (ceil) rather than down.</summary>
    public bool CeilMode { get; }

    private protected MaxPoolNd(PoolSize kernelSize, PoolSize? stride, PoolSize padding, PoolSize dilation, bool returnIndices, bool ceilMode)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding; Dilation = dilation;
        ReturnIndices = returnIndices; CeilMode = ceilMode;
    }

    /// <summary>The pooled values and the argmax of each window (int64, flat per plane).</summary>
    public abstract ValuesIndices ForwardWithIndices(Tensor input);

    /// <summary>PyTorch's <c>values, indices = pool(x)</c> for a pool built with <c>returnIndices: true</c>:
    /// <c>var (values, indices) = pool.CallWithIndices(x);</c>. The indices feed <see cref="MaxUnpool2d"/>.</summary>
    public ValuesIndices CallWithIndices(Tensor input) => WithShapeErrorPath(() => ForwardWithIndices(input));

    public override string ExtraRepr() =>
        $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={PoolModule.Py(CeilMode)}";
}
