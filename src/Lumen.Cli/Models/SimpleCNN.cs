using Lumen.NN;

namespace Lumen.Cli.Models;

/// <summary>Seed 004's SimpleCNN: three blocks of 3×3 convolution (padding 1), ReLU and 2×2 max pool (32, 64, 128
/// channels), then 2048 → 512 → 64 → 10 linear layers for 3×32×32 inputs, with the tutorial's module names
/// (<c>layer1.conv1</c>, …, <c>layer4.f3</c>). The first linear layer's input follows the input size.</summary>
public sealed class SimpleCNN : Module
{
    public readonly Sequential Layer1, Layer2, Layer3, Layer4;

    public SimpleCNN(int inChannels = 3, int numClasses = 10, int height = 32, int width = 32)
    {
        Layer1 = RegisterModule("layer1", Block(1, inChannels, 32));
        Layer2 = RegisterModule("layer2", Block(2, 32, 64));
        Layer3 = RegisterModule("layer3", Block(3, 64, 128));
        int h = height / 2 / 2 / 2, w = width / 2 / 2 / 2;
        if (h < 1 || w < 1) throw new ArgumentException($"simple-cnn needs inputs of at least 8x8, got {height}x{width}.");
        Layer4 = RegisterModule("layer4", new Sequential(
            ("fc1", new Linear(128 * h * w, 512)), ("fc_relu1", new ReLU(inplace: true)),
            ("fc2", new Linear(512, 64)), ("fc_relu2", new ReLU(inplace: true)),
            ("f3", new Linear(64, numClasses))));
    }

    private static Sequential Block(int i, int cin, int cout) => new(
        ($"conv{i}", new Conv2d(cin, cout, (3, 3), (1, 1), padding: 1)),
        ($"relu{i}", new ReLU(inplace: true)),
        ($"pool{i}", new MaxPool2d(2, 2)));

    public override Tensor Forward(Tensor x)
    {
        var conv3 = Layer3.Call(Layer2.Call(Layer1.Call(x)));
        return Layer4.Call(conv3.View(conv3.Size(0), -1));
    }
}
