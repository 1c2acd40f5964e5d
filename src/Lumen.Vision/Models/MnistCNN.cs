using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// Seed 004's MNIST classifier (the seed's <c>CNN</c>, identical to <c>MnistCNN</c> in the PyTorch reference benchmark):
/// four Conv(3×3, no padding) → BatchNorm2d → ReLU stages (1→16→32→64→128 channels) with MaxPool(2) after the second and
/// fourth, then <c>fc</c> = Linear(128·4·4, 1024) → ReLU → Linear(1024, 128) → Linear(128, 10).
/// Input (B, 1, 28, 28); output (B, 10). The seed trains it with Adam, batch 100, three epochs (≈ 99 % test accuracy).
/// </summary>
public sealed class MnistCNN : Module
{
    public readonly Sequential Layer1;
    public readonly Sequential Layer2;
    public readonly Sequential Layer3;
    public readonly Sequential Layer4;
    public readonly Sequential Fc;

    /// <summary>Seed 004's network; other input channels, class counts or image sizes change only the first conv's
    /// input channels, the last layer's outputs and the first linear layer's input features.</summary>
    public MnistCNN(int inChannels = 1, int numClasses = 10, int height = 28, int width = 28)
    {
        int h = ((height - 4) / 2 - 4) / 2, w = ((width - 4) / 2 - 4) / 2;
        if (h < 1 || w < 1) throw new ArgumentException($"MnistCNN needs inputs of at least 12x12, got {height}x{width}.");
        Layer1 = RegisterModule("layer1", new Sequential(
            new Conv2d(inChannels, 16, kernelSize: (3, 3)), new BatchNorm2d(16), new ReLU(inplace: true)));
        Layer2 = RegisterModule("layer2", new Sequential(
            new Conv2d(16, 32, kernelSize: (3, 3)), new BatchNorm2d(32), new ReLU(inplace: true),
            new MaxPool2d(kernelSize: 2, stride: 2)));
        Layer3 = RegisterModule("layer3", new Sequential(
            new Conv2d(32, 64, kernelSize: (3, 3)), new BatchNorm2d(64), new ReLU(inplace: true)));
        Layer4 = RegisterModule("layer4", new Sequential(
            new Conv2d(64, 128, kernelSize: (3, 3)), new BatchNorm2d(128), new ReLU(inplace: true),
            new MaxPool2d(kernelSize: 2, stride: 2)));
        Fc = RegisterModule("fc", new Sequential(
            new Linear(128 * h * w, 1024), new ReLU(inplace: true), new Linear(1024, 128), new Linear(128, numClasses)));
    }

    /// <param name="x">(B, 1, 28, 28).</param>
    /// <returns>(B, 10) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Layer1.Call(x);
        x = Layer2.Call(x);
        x = Layer3.Call(x);
        x = Layer4.Call(x);
        x = x.View(x.Size(0), -1);
        return Fc.Call(x);
    }
}
