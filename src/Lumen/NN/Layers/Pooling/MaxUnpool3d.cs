namespace Lumen.NN;

/// <summary>Partial inverse of <see cref="MaxPool3d"/>, PyTorch's <c>nn.MaxUnpool3d</c>: puts each value back at its
/// index, zeros elsewhere. Call <see cref="Forward(Tensor, Tensor, int[])"/> with the pool's indices.
/// Repr: <c>MaxUnpool3d(kernel_size=..., stride=..., padding=...)</c> with tuples, as PyTorch.</summary>
public sealed class MaxUnpool3d : Module
{
    public PoolSize KernelSize { get; }
    public PoolSize Stride { get; }
    public PoolSize Padding { get; }

    public MaxUnpool3d(PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null)
    {
        KernelSize = kernelSize.Expand(3, "MaxUnpool3d", "kernel_size");
        Stride = (stride ?? kernelSize).Expand(3, "MaxUnpool3d", "stride");
        Padding = (padding ?? 0).Expand(3, "MaxUnpool3d", "padding");
    }

    /// <summary>Unpools <paramref name="input"/> with <paramref name="indices"/> from the matching max pool;
    /// <paramref name="outputSize"/> resolves the ambiguity of the output size.</summary>
    /// <summary>PyTorch's <c>unpool(x, indices, output_size)</c>: the same as <see cref="Forward(Tensor, Tensor, int[])"/>.</summary>
    public Tensor Call(Tensor input, Tensor indices, int[]? outputSize = null) =>
        WithShapeErrorPath(() => Forward(input, indices, outputSize));

    public Tensor Forward(Tensor input, Tensor indices, int[]? outputSize = null)
    {
        PoolModule.CheckRank(this, input, 3, "D, H, W");
        return F.MaxUnpool3d(input, indices, KernelSize, Stride, Padding, outputSize);
    }

    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}
