using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// The two-convolution residual block of ResNet-18 and ResNet-34, torchvision's <c>resnet.BasicBlock</c>:
/// conv1 (3×3, stride) → bn1 → relu → conv2 (3×3) → bn2, plus the input (through <c>downsample</c> when the shape
/// changes), then relu. Submodules in torchvision's order and names: <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>conv2</c>,
/// <c>bn2</c> and, when given, <c>downsample</c>. Input (B, inplanes, H, W); output (B, planes, H/stride, W/stride).
/// </summary>
public sealed class BasicBlock : Module
{
    /// <summary>Output channels per <c>planes</c>, torchvision's <c>expansion</c>.</summary>
    public const int Expansion = 1;

    public readonly Conv2d Conv1;
    public readonly BatchNorm2d Bn1;
    public readonly ReLU Relu;
    public readonly Conv2d Conv2;
    public readonly BatchNorm2d Bn2;
    /// <summary>Projection of the input for the skip connection (1×1 conv + BatchNorm), or null when shapes agree.</summary>
    public readonly Sequential? Downsample;
    /// <summary>Stride of the first convolution.</summary>
    public int Stride { get; }

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of conv1 (2 halves the resolution).</param>
    /// <param name="downsample">Skip-connection projection, needed when stride ≠ 1 or inplanes ≠ planes.</param>
    /// <param name="groups">Must be 1 (torchvision's BasicBlock supports nothing else).</param>
    /// <param name="baseWidth">Must be 64.</param>
    /// <param name="dilation">Must be 1.</param>
    public BasicBlock(int inplanes, int planes, int stride = 1, Sequential? downsample = null, int groups = 1, int baseWidth = 64,
                      int dilation = 1)
    {
        if (groups != 1 || baseWidth != 64)
            throw new ArgumentException($"BasicBlock only supports groups=1 and baseWidth=64, got groups={groups}, baseWidth={baseWidth}.");
        if (dilation > 1) throw new NotSupportedException($"Dilation > 1 not supported in BasicBlock (dilation={dilation}).");
        Conv1 = RegisterModule("conv1", ResNet.Conv3x3(inplanes, planes, stride));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        Relu = RegisterModule("relu", new ReLU(inplace: true));
        Conv2 = RegisterModule("conv2", ResNet.Conv3x3(planes, planes));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (downsample != null) Downsample = RegisterModule("downsample", downsample);
        Stride = stride;
    }

    /// <param name="x">(B, inplanes, H, W).</param>
    /// <returns>(B, planes, ⌈H/stride⌉, ⌈W/stride⌉).</returns>
    public override Tensor Forward(Tensor x)
    {
        var identity = x;
        var @out = Conv1.Call(x);
        @out = Bn1.Call(@out);
        @out = Relu.Call(@out);
        @out = Conv2.Call(@out);
        @out = Bn2.Call(@out);
        if (Downsample != null) identity = Downsample.Call(x);
        @out = @out.Add_(identity);
        return Relu.Call(@out);
    }
}
