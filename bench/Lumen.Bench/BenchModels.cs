using Lumen.NN;

namespace Lumen.Bench;

// The models of /work/shared/bench/pytorch_baseline.py, layer for layer, so the two sides time the same network.

/// <summary>Seed 004's MNIST CNN (1×28×28 → 10, batch 100, Adam).</summary>
public sealed class MnistCNN : Module
{
    public readonly Sequential Layer1, Layer2, Layer3, Layer4, Fc;

    public MnistCNN()
    {
        Layer1 = RegisterModule("layer1", new Sequential(new Conv2d(1, 16, 3), new BatchNorm2d(16), new ReLU(inplace: true)));
        Layer2 = RegisterModule("layer2", new Sequential(new Conv2d(16, 32, 3), new BatchNorm2d(32), new ReLU(inplace: true), new MaxPool2d(2, 2)));
        Layer3 = RegisterModule("layer3", new Sequential(new Conv2d(32, 64, 3), new BatchNorm2d(64), new ReLU(inplace: true)));
        Layer4 = RegisterModule("layer4", new Sequential(new Conv2d(64, 128, 3), new BatchNorm2d(128), new ReLU(inplace: true), new MaxPool2d(2, 2)));
        Fc = RegisterModule("fc", new Sequential(new Linear(128 * 4 * 4, 1024), new ReLU(inplace: true), new Linear(1024, 128), new Linear(128, 10)));
    }

    public override Tensor Forward(Tensor x)
    {
        x = Layer4.Call(Layer3.Call(Layer2.Call(Layer1.Call(x))));
        return Fc.Call(x.View(x.Size(0), -1));
    }
}

/// <summary>DLwPT chapter 8's Net (seed 003: 3×32×32 → 2, batch 64, SGD).</summary>
public sealed class Net : Module
{
    public readonly Conv2d Conv1, Conv2;
    public readonly Linear Fc1, Fc2;

    public Net()
    {
        Conv1 = RegisterModule("conv1", new Conv2d(3, 16, kernelSize: 3, padding: 1));
        Conv2 = RegisterModule("conv2", new Conv2d(16, 8, kernelSize: 3, padding: 1));
        Fc1 = RegisterModule("fc1", new Linear(8 * 8 * 8, 32));
        Fc2 = RegisterModule("fc2", new Linear(32, 2));
    }

    public override Tensor Forward(Tensor x)
    {
        var o = F.MaxPool2d(Torch.Tanh(Conv1.Call(x)), 2);
        o = F.MaxPool2d(Torch.Tanh(Conv2.Call(o)), 2);
        o = o.View(-1, 8 * 8 * 8);
        return Fc2.Call(Torch.Tanh(Fc1.Call(o)));
    }
}

/// <summary>Seed 004's SimpleCNN (3×32×32 → 10).</summary>
public sealed class SimpleCNN : Module
{
    public readonly Sequential Layer1, Layer2, Layer3, Layer4;

    public SimpleCNN()
    {
        Layer1 = RegisterModule("layer1", new Sequential(new Conv2d(3, 32, 3, 1, padding: 1), new ReLU(true), new MaxPool2d(2, 2)));
        Layer2 = RegisterModule("layer2", new Sequential(new Conv2d(32, 64, 3, 1, padding: 1), new ReLU(true), new MaxPool2d(2, 2)));
        Layer3 = RegisterModule("layer3", new Sequential(new Conv2d(64, 128, 3, 1, padding: 1), new ReLU(true), new MaxPool2d(2, 2)));
        Layer4 = RegisterModule("layer4", new Sequential(new Linear(2048, 512), new ReLU(true), new Linear(512, 64), new ReLU(true), new Linear(64, 10)));
    }

    public override Tensor Forward(Tensor x)
    {
        x = Layer3.Call(Layer2.Call(Layer1.Call(x)));
        return Layer4.Call(x.View(x.Size(0), -1));
    }
}

/// <summary>Seed 000's small 3D CNN on 1×32×32×32 volumes.</summary>
public sealed class Tiny3D : Module
{
    public readonly Sequential Conv;
    public readonly Linear Fc;

    public Tiny3D()
    {
        Conv = RegisterModule("conv", new Sequential(
            new Conv3d(1, 8, kernelSize: 3, padding: 1), new ReLU(), new MaxPool3d(2),
            new Conv3d(8, 16, kernelSize: 3, padding: 1), new ReLU(), new MaxPool3d(2)));
        Fc = RegisterModule("fc", new Linear(16 * 8 * 8 * 8, 2));
    }

    public override Tensor Forward(Tensor x) => Fc.Call(Torch.Flatten(Conv.Call(x), startDim: 1));
}
