using Lumen.NN;

namespace Lumen.Vision.Models.Video;

/// <summary>
/// The stem of R3D-18, torchvision's <c>video.resnet.BasicStem</c> (a Sequential): Conv3d(3, 64, kernel (3, 7, 7), stride
/// (1, 2, 2), padding (1, 3, 3), no bias) → BatchNorm3d(64) → ReLU. Input (B, 3, T, H, W); output (B, 64, T, H/2, W/2).
/// </summary>
public sealed class BasicStem : Sequential
{
    public BasicStem()
        : base(new Conv3d(3, 64, kernelSize: (3, 7, 7), stride: (1, 2, 2), padding: (1, 3, 3), bias: false),
               new BatchNorm3d(64),
               new ReLU(inplace: true)) { }
}
