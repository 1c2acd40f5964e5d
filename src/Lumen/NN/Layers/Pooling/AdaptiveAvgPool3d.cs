namespace Lumen.NN;

/// <summary>3-d adaptive average pooling to a fixed output size, PyTorch's <c>nn.AdaptiveAvgPool3d</c>:
/// <c>new AdaptiveAvgPool3d(7)</c>. Input (N, C, D, H, W) or (C, D, H, W). Repr: <c>AdaptiveAvgPool3d(output_size=...)</c> as given.</summary>
public sealed class AdaptiveAvgPool3d : Module
{
    public PoolSize OutputSize { get; }

    public AdaptiveAvgPool3d(PoolSize outputSize) { OutputSize = outputSize; }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.CheckRank(this, input, 3, "D, H, W");
        return F.AdaptiveAvgPool3d(input, OutputSize);
    }

    public override string ExtraRepr() => $"output_size={OutputSize}";
}
