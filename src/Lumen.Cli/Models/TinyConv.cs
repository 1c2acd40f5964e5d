using Lumen.NN;

namespace Lumen.Cli.Models;

/// <summary>Seed 000's TinyConv (rachellea/pytorch-computer-vision): two 3×3 convolutions with stride 3 and ReLU, then one
/// linear layer (16·3·3 inputs for 28×28 to 32×32 images). Input channels and classes follow the dataset.</summary>
public sealed class TinyConv : Module
{
    public readonly Sequential Conv;
    public readonly Linear Fc;

    public TinyConv(int inChannels = 3, int numClasses = 3, int height = 32, int width = 32)
    {
        Conv = RegisterModule("conv", new Sequential(
            new Conv2d(inChannels, 8, (3, 3), stride: (3, 3), padding: 0), new ReLU(inplace: true),
            new Conv2d(8, 16, (3, 3), stride: (3, 3), padding: 0), new ReLU(inplace: true)));
        int h = ((height - 3) / 3 + 1 - 3) / 3 + 1, w = ((width - 3) / 3 + 1 - 3) / 3 + 1;
        if (h < 1 || w < 1) throw new ArgumentException($"tiny-conv needs inputs of at least 9x9, got {height}x{width}.");
        Fc = RegisterModule("fc", new Linear(16 * h * w, numClasses));
    }

    public override Tensor Forward(Tensor x) => Fc.Call(Conv.Call(x).Flatten(1, -1));
}
