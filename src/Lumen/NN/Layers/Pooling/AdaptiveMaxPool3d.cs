namespace Lumen.NN;

/// <summary>3-d adaptive max pooling to a fixed output size, PyTorch's <c>nn.AdaptiveMaxPool3d</c>. Input (N, C, D, H, W) or (C, D, H, W).
/// <see cref="Module.Forward"/> returns the values; <see cref="ForwardWithIndices"/> also the argmax indices.</summary>
public sealed class AdaptiveMaxPool3d : Module
{
    public PoolSize OutputSize { get; }
    /// <summary>PyTorch's <c>return_indices</c>: run such a pool with <see cref="CallWithIndices"/>.</summary>
    public bool ReturnIndices { get; }

    public AdaptiveMaxPool3d(PoolSize outputSize, bool returnIndices = false) { OutputSize = outputSize; ReturnIndices = returnIndices; }

    public override Tensor Forward(Tensor input)
    {
        PoolModule.RejectValuesOnlyCall(this, ReturnIndices);
        PoolModule.CheckRank(this, input, 3, "D, H, W");
        return F.AdaptiveMaxPool3d(input, OutputSize);
    }

    /// <summary>The pooled values and the argmax of each window (int64, flat per plane).</summary>
    public ValuesIndices ForwardWithIndices(Tensor input)
    {
        PoolModule.CheckRank(this, input, 3, "D, H, W");
        return F.AdaptiveMaxPool3dWithIndices(input, OutputSize);
    }

    /// <summary>PyTorch's <c>values, indices = pool(x)</c> for a pool built with <c>returnIndices: true</c>:
    /// <c>var (values, indices) = pool.CallWithIndices(x);</c>.</summary>
    public ValuesIndices CallWithIndices(Tensor input) => WithShapeErrorPath(() => ForwardWithIndices(input));

    public override string ExtraRepr() => $"output_size={OutputSize}";
}
