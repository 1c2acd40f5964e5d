using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// The baseline convolutional network of Deep Learning with PyTorch, chapter 8 (seed 003), for 3×32×32 CIFAR images and
/// two classes (birds vs airplanes), written with modules as the book's first <c>Net</c>: conv1 = Conv2d(3, 16, 3, padding 1)
/// → Tanh → MaxPool(2) → conv2 = Conv2d(16, 8, 3, padding 1) → Tanh → MaxPool(2) → view(−1, 8·8·8) → fc1 = Linear(512, 32)
/// → Tanh → fc2 = Linear(32, 2). Parameter sizes [432, 16, 1152, 8, 16384, 32, 64, 2], 18,090 in all.
/// Input (B, 3, 32, 32); output (B, numClasses), 2 by default.
/// </summary>
public sealed class Net : Module
{
    public readonly Conv2d Conv1;
    public readonly Tanh Act1;
    public readonly MaxPool2d Pool1;
    public readonly Conv2d Conv2;
    public readonly Tanh Act2;
    public readonly MaxPool2d Pool2;
    public readonly Linear Fc1;
    public readonly Tanh Act3;
    private Linear _fc2;
    /// <summary>The classifier head, PyTorch's <c>self.fc2</c>. Setting it replaces the module registered as <c>fc2</c>
    /// (transfer learning: <c>model.Fc2 = new Linear(model.Fc2.InFeatures, numClasses)</c>).</summary>
    public Linear Fc2
    {
        get => _fc2;
        set => _fc2 = RegisterModule("fc2", value ?? throw new ArgumentNullException(nameof(value), "Net.Fc2 cannot be null."));
    }

    /// <param name="numClasses">Outputs of fc2 (the book's 2: birds and airplanes).</param>
    public Net(int numClasses = 2)
    {
        Conv1 = RegisterModule("conv1", new Conv2d(3, 16, kernelSize: 3, padding: 1));
        Act1 = RegisterModule("act1", new Tanh());
        Pool1 = RegisterModule("pool1", new MaxPool2d(2));
        Conv2 = RegisterModule("conv2", new Conv2d(16, 8, kernelSize: 3, padding: 1));
        Act2 = RegisterModule("act2", new Tanh());
        Pool2 = RegisterModule("pool2", new MaxPool2d(2));
        Fc1 = RegisterModule("fc1", new Linear(8 * 8 * 8, 32));
        Act3 = RegisterModule("act3", new Tanh());
        _fc2 = RegisterModule("fc2", new Linear(32, numClasses));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        var @out = Pool1.Call(Act1.Call(Conv1.Call(x)));
        @out = Pool2.Call(Act2.Call(Conv2.Call(@out)));
        @out = @out.View(-1, 8 * 8 * 8); // the reshape the nn.Sequential version was missing
        @out = Act3.Call(Fc1.Call(@out));
        return Fc2.Call(@out);
    }
}
