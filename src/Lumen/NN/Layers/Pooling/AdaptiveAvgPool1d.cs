namespace Lumen.NN;

/// <summary>1-d adaptive average pooling to a fixed output size, PyTorch's <c>nn.AdaptiveAvgPool1d</c>:
/// <c>new AdaptiveAvgPool1d(7)</c>. Input (N, C, L) or (C, L). Repr: <c>AdaptiveAvgPool1d(output_size=...)</c> as given.</summary>
public sealed class AdaptiveAvgPool1d : Module
{
    public PoolSize OutputSize { get; }

    public AdaptiveAvgPool1d(PoolSize outputSize) { OutputSize = outputSize; }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.CheckRank(this, input, 1, "L");
        return F.AdaptiveAvgPool1d(input, OutputSize);
    }

    public override string ExtraRepr() => $"output_size={OutputSize}";
}
