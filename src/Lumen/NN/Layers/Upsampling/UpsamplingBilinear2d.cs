namespace Lumen.NN;

/// <summary>2-d bilinear upsampling of (N, C, H, W) with corners aligned, PyTorch's <c>nn.UpsamplingBilinear2d</c>:
/// <see cref="Upsample"/> with mode bilinear and alignCorners true. Repr: <c>UpsamplingBilinear2d(scale_factor=2.0, mode=bilinear)</c>.</summary>
public sealed class UpsamplingBilinear2d : Upsample
{
    public UpsamplingBilinear2d(PoolSize? size = null, ScaleFactor? scaleFactor = null) : base(size, scaleFactor, "bilinear", alignCorners: true) { }
}
