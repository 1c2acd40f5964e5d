namespace Lumen.NN;

/// <summary>2-d nearest-neighbour upsampling of (N, C, H, W), PyTorch's (deprecated but common) <c>nn.UpsamplingNearest2d</c>:
/// <see cref="Upsample"/> with mode nearest. Repr: <c>UpsamplingNearest2d(scale_factor=2.0, mode=nearest)</c>.</summary>
public sealed class UpsamplingNearest2d : Upsample
{
    public UpsamplingNearest2d(PoolSize? size = null, ScaleFactor? scaleFactor = null) : base(size, scaleFactor, "nearest") { }
}
