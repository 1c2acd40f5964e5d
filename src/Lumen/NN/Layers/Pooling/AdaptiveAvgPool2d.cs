namespace Lumen.NN;

/// <summary>2-d adaptive average pooling to a fixed output size, PyTorch's <c>nn.AdaptiveAvgPool2d</c>:
/// <c>new AdaptiveAvgPool2d(7)</c>. Input (N, C, H, W) or (C, H, W). Repr: <c>AdaptiveAvgPool2d(output_size=...)</c> as given.</summary>
public sealed class AdaptiveAvgPool2d : Module
{
    public PoolSize OutputSize { get; }

    public AdaptiveAvgPool2d(PoolSize outputSize) { OutputSize = outputSize; }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.CheckRank(this, input, 2, "H, W");
        return F.AdaptiveAvgPool2d(input, OutputSize);
    }

    public override string ExtraRepr() => $"output_size={OutputSize}";
}
