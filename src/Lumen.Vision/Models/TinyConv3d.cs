using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// The 3D twin of seed 000's <see cref="TinyConv"/> for volumes (CT scans, videos): <c>conv</c> = Conv3d(C, 8, 3×3×3,
/// stride 3) → ReLU → Conv3d(8, 16, 3×3×3, stride 3) → ReLU, then <c>fc</c> = Linear(16·3·3·3, numClasses). The seed
/// describes 3D CNNs in prose (5-D input [batch, channels, D, H, W], <c>nn.Conv3d</c> with 3-tuples) without a full
/// model; this one keeps TinyConv's layout so the two read side by side.
/// Input (B, C, D, H, W) with D, H and W in 27…35; output (B, numClasses).
/// </summary>
public sealed class TinyConv3d : Module
{
    /// <summary>The two 3D convolutions with their ReLUs.</summary>
    public readonly Sequential Conv;
    /// <summary>The classifier.</summary>
    public readonly Linear Fc;

    /// <param name="inChannels">Channels of the volume: 1 for a CT scan, 3 for a colour video.</param>
    /// <param name="numClasses">Number of outputs.</param>
    public TinyConv3d(int inChannels = 1, int numClasses = 3)
    {
        Conv = RegisterModule("conv", new Sequential(
            new Conv3d(inChannels, 8, kernelSize: (3, 3, 3), stride: (3, 3, 3), padding: 0),
            new ReLU(inplace: true),
            new Conv3d(8, 16, kernelSize: (3, 3, 3), stride: (3, 3, 3), padding: 0),
            new ReLU(inplace: true)));
        Fc = RegisterModule("fc", new Linear(inFeatures: 16 * 3 * 3 * 3, outFeatures: numClasses));
    }

    /// <param name="x">(B, C, D, H, W), D, H and W in 27…35.</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Conv.Call(x);
        x = x.Flatten(startDim: 1, endDim: -1);
        return Fc.Call(x);
    }
}
