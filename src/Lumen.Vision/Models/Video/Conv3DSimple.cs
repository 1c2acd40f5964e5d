using Lumen.NN;

namespace Lumen.Vision.Models.Video;

/// <summary>
/// A full 3×3×3 convolution without bias, torchvision's <c>video.resnet.Conv3DSimple</c> (a <c>Conv3d</c> subclass, printed
/// under its own name): <c>Conv3DSimple(64, 64, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=(1, 1, 1), bias=False)</c>.
/// Input (B, inPlanes, T, H, W); output (B, outPlanes, T/stride, H/stride, W/stride).
/// </summary>
public sealed class Conv3DSimple : ConvNd
{
    /// <param name="inPlanes">Input channels.</param>
    /// <param name="outPlanes">Output channels.</param>
    /// <param name="midplanes">Unused; kept for the signature torchvision's block builders share.</param>
    /// <param name="stride">Stride in time and space.</param>
    /// <param name="padding">Padding in time and space.</param>
    public Conv3DSimple(int inPlanes, int outPlanes, int? midplanes = null, int stride = 1, int padding = 1)
        : base(3, inPlanes, outPlanes, kernelSize: (3, 3, 3), stride: stride, padding: padding, dilation: default, transposed: false,
               outputPadding: default, groups: 1, bias: false, paddingMode: "zeros") { }

    /// <summary>The stride of the skip-connection projection for a block of this stride: (stride, stride, stride).</summary>
    public static IntTuple GetDownsampleStride(int stride) => (stride, stride, stride);
}
