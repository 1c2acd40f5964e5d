using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// Seed 004's <c>SimpleCNN</c> for 3×32×32 images and 10 classes, built as the seed builds it: four empty
/// <see cref="Sequential"/>s filled with <see cref="Module.AddModule"/> (<c>layer1.conv1</c>, <c>layer1.relu1</c>, …,
/// <c>layer4.f3</c>), so <c>ToString()</c>, <c>NamedParameters()</c> and the seed's layer extractions print what the
/// seed prints. Three Conv(3×3, padding 1) → ReLU → MaxPool(2) stages (32→64→128 channels, 32→4 pixels), then
/// Linear(2048, 512) → ReLU → Linear(512, 64) → ReLU → Linear(64, 10). Input (B, 3, 32, 32); output (B, 10).
/// </summary>
public sealed class SimpleCNN : Module
{
    public readonly Sequential Layer1;
    public readonly Sequential Layer2;
    public readonly Sequential Layer3;
    public readonly Sequential Layer4;

    /// <summary>Seed 004's network for 3×32×32 images and 10 classes; other input channels, class counts or image
    /// sizes change the first conv's input channels, <c>f3</c>'s outputs and <c>fc1</c>'s input features.</summary>
    public SimpleCNN(int inChannels = 3, int numClasses = 10, int height = 32, int width = 32)
    {
        int h = height / 2 / 2 / 2, w = width / 2 / 2 / 2;
        if (h < 1 || w < 1) throw new ArgumentException($"SimpleCNN needs inputs of at least 8x8, got {height}x{width}.");
        var layer1 = new Sequential();
        // three input channels (RGB), 32 groups of kernels: each group convolves the three channels and sums them
        layer1.AddModule("conv1", new Conv2d(inChannels, 32, (3, 3), (1, 1), padding: 1));
        layer1.AddModule("relu1", new ReLU(true));
        layer1.AddModule("pool1", new MaxPool2d(2, 2));
        Layer1 = RegisterModule("layer1", layer1);

        var layer2 = new Sequential();
        layer2.AddModule("conv2", new Conv2d(32, 64, (3, 3), (1, 1), padding: 1));
        layer2.AddModule("relu2", new ReLU(true));
        layer2.AddModule("pool2", new MaxPool2d(2, 2));
        Layer2 = RegisterModule("layer2", layer2);

        var layer3 = new Sequential();
        layer3.AddModule("conv3", new Conv2d(64, 128, (3, 3), (1, 1), padding: 1));
        layer3.AddModule("relu3", new ReLU(true));
        layer3.AddModule("pool3", new MaxPool2d(2, 2));
        Layer3 = RegisterModule("layer3", layer3);

        var layer4 = new Sequential();
        layer4.AddModule("fc1", new Linear(128 * h * w, 512));
        layer4.AddModule("fc_relu1", new ReLU(true));
        layer4.AddModule("fc2", new Linear(512, 64));
        layer4.AddModule("fc_relu2", new ReLU(true));
        layer4.AddModule("f3", new Linear(64, numClasses));
        Layer4 = RegisterModule("layer4", layer4);
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, 10) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        var conv1 = Layer1.Call(x);
        var conv2 = Layer2.Call(conv1);
        var conv3 = Layer3.Call(conv2);
        var fcInput = conv3.View(conv3.Size(0), -1);
        return Layer4.Call(fcInput);
    }
}
