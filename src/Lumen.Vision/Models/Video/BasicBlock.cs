using Lumen.NN;

namespace Lumen.Vision.Models.Video;

/// <summary>
/// The residual block of the video ResNets, torchvision's <c>video.resnet.BasicBlock</c>: <c>conv1</c> = Sequential(conv
/// (stride) → BatchNorm3d → ReLU), <c>conv2</c> = Sequential(conv → BatchNorm3d), plus the input (through
/// <c>downsample</c> when the shape changes), then <c>relu</c>. The convolutions are <see cref="Conv3DSimple"/> for R3D-18.
/// Input (B, inplanes, T, H, W); output (B, planes, T/stride, H/stride, W/stride).
/// </summary>
public sealed class BasicBlock : Module
{
    /// <summary>Output channels per <c>planes</c>.</summary>
    public const int Expansion = 1;

    public readonly Sequential Conv1;
    public readonly Sequential Conv2;
    public readonly ReLU Relu;
    /// <summary>Projection of the input for the skip connection (1×1×1 Conv3d + BatchNorm3d), or null when shapes agree.</summary>
    public readonly Sequential? Downsample;
    public int Stride { get; }

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of the first convolution.</param>
    /// <param name="downsample">Skip-connection projection.</param>
    public BasicBlock(int inplanes, int planes, int stride = 1, Sequential? downsample = null)
    {
        int midplanes = inplanes * planes * 3 * 3 * 3 / (inplanes * 3 * 3 + 3 * planes);
        Conv1 = RegisterModule("conv1", new Sequential(
            new Conv3DSimple(inplanes, planes, midplanes, stride), new BatchNorm3d(planes), new ReLU(inplace: true)));
        Conv2 = RegisterModule("conv2", new Sequential(new Conv3DSimple(planes, planes, midplanes), new BatchNorm3d(planes)));
        Relu = RegisterModule("relu", new ReLU(inplace: true));
        if (downsample != null) Downsample = RegisterModule("downsample", downsample);
        Stride = stride;
    }

    /// <param name="x">(B, inplanes, T, H, W).</param>
    /// <returns>(B, planes, ⌈T/stride⌉, ⌈H/stride⌉, ⌈W/stride⌉).</returns>
    public override Tensor Forward(Tensor x)
    {
        var residual = x;
        var @out = Conv1.Call(x);
        @out = Conv2.Call(@out);
        if (Downsample != null) residual = Downsample.Call(x);
        @out = @out.Add_(residual);
        return Relu.Call(@out);
    }
}
