using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// The 1×1 → 3×3 → 1×1 residual block of ResNet-50/101/152, torchvision's <c>resnet.Bottleneck</c> (the "ResNet V1.5"
/// variant: the stride sits on the 3×3 convolution). width = ⌊planes·baseWidth/64⌋·groups; conv1 (1×1, inplanes→width) →
/// bn1 → relu → conv2 (3×3, stride, groups, dilation) → bn2 → relu → conv3 (1×1, width→4·planes) → bn3, plus the input
/// (through <c>downsample</c> when the shape changes), then relu. Submodules in torchvision's order: <c>conv1</c>,
/// <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>conv3</c>, <c>bn3</c>, <c>relu</c>, <c>downsample</c>.
/// Input (B, inplanes, H, W); output (B, 4·planes, H/stride, W/stride).
/// </summary>
public sealed class Bottleneck : Module
{
    /// <summary>Output channels per <c>planes</c>, torchvision's <c>expansion</c>.</summary>
    public const int Expansion = 4;

    public readonly Conv2d Conv1;
    public readonly BatchNorm2d Bn1;
    public readonly Conv2d Conv2;
    public readonly BatchNorm2d Bn2;
    public readonly Conv2d Conv3;
    public readonly BatchNorm2d Bn3;
    public readonly ReLU Relu;
    /// <summary>Projection of the input for the skip connection, or null when shapes agree.</summary>
    public readonly Sequential? Downsample;
    public int Stride { get; }

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Bottleneck channels (the output has 4·planes).</param>
    /// <param name="stride">Stride of the 3×3 convolution.</param>
    /// <param name="downsample">Skip-connection projection, needed when stride ≠ 1 or inplanes ≠ 4·planes.</param>
    /// <param name="groups">Groups of the 3×3 convolution (32 for ResNeXt).</param>
    /// <param name="baseWidth">Width per group (64 for ResNet, 4 or 8 for ResNeXt, 128 for Wide ResNet).</param>
    /// <param name="dilation">Dilation of the 3×3 convolution.</param>
    public Bottleneck(int inplanes, int planes, int stride = 1, Sequential? downsample = null, int groups = 1, int baseWidth = 64,
                      int dilation = 1)
    {
        int width = (int)(planes * (baseWidth / 64.0)) * groups;
        Conv1 = RegisterModule("conv1", ResNet.Conv1x1(inplanes, width));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(width));
        Conv2 = RegisterModule("conv2", ResNet.Conv3x3(width, width, stride, groups, dilation));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(width));
        Conv3 = RegisterModule("conv3", ResNet.Conv1x1(width, planes * Expansion));
        Bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        Relu = RegisterModule("relu", new ReLU(inplace: true));
        if (downsample != null) Downsample = RegisterModule("downsample", downsample);
        Stride = stride;
    }

    /// <param name="x">(B, inplanes, H, W).</param>
    /// <returns>(B, 4·planes, ⌈H/stride⌉, ⌈W/stride⌉).</returns>
    public override Tensor Forward(Tensor x)
    {
        var identity = x;
        var @out = Relu.Call(Bn1.Call(Conv1.Call(x)));
        @out = Relu.Call(Bn2.Call(Conv2.Call(@out)));
        @out = Bn3.Call(Conv3.Call(@out));
        if (Downsample != null) identity = Downsample.Call(x);
        @out = @out.Add_(identity);
        return Relu.Call(@out);
    }
}
