using Lumen.NN;

namespace Lumen.Cli.Models;

/// <summary>Seed 004's MNIST CNN (<c>bench/pytorch_baseline.py</c>'s <c>MnistCNN</c>): four 3×3 convolutions with batch
/// norm and ReLU, two 2×2 max pools, and three linear layers (2048 → 1024 → 128 → 10) for 1×28×28 inputs. Other input
/// sizes change only the first linear layer's input features.</summary>
public sealed class MnistCNN : Module
{
    public readonly Sequential Layer1, Layer2, Layer3, Layer4, Fc;

    public MnistCNN(int inChannels = 1, int numClasses = 10, int height = 28, int width = 28)
    {
        Layer1 = RegisterModule("layer1", new Sequential(new Conv2d(inChannels, 16, 3), new BatchNorm2d(16), new ReLU(inplace: true)));
        Layer2 = RegisterModule("layer2", new Sequential(new Conv2d(16, 32, 3), new BatchNorm2d(32), new ReLU(inplace: true), new MaxPool2d(2, 2)));
        Layer3 = RegisterModule("layer3", new Sequential(new Conv2d(32, 64, 3), new BatchNorm2d(64), new ReLU(inplace: true)));
        Layer4 = RegisterModule("layer4", new Sequential(new Conv2d(64, 128, 3), new BatchNorm2d(128), new ReLU(inplace: true), new MaxPool2d(2, 2)));
        int h = ((height - 4) / 2 - 4) / 2, w = ((width - 4) / 2 - 4) / 2;
        if (h < 1 || w < 1) throw new ArgumentException($"mnist-cnn needs inputs of at least 12x12, got {height}x{width}.");
        Fc = RegisterModule("fc", new Sequential(new Linear(128 * h * w, 1024), new ReLU(inplace: true), new Linear(1024, 128), new Linear(128, numClasses)));
    }

    public override Tensor Forward(Tensor x)
    {
        x = Layer4.Call(Layer3.Call(Layer2.Call(Layer1.Call(x))));
        return Fc.Call(x.View(x.Size(0), -1));
    }
}
