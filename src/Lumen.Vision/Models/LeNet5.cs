using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// LeNet-5 (LeCun et al., 1998) as it is usually written in PyTorch for 28×28 MNIST digits: <c>features</c> =
/// Conv2d(C, 6, 5, padding 2) → Tanh → AvgPool2d(2) → Conv2d(6, 16, 5) → Tanh → AvgPool2d(2), then <c>classifier</c> =
/// Linear(16·5·5, 120) → Tanh → Linear(120, 84) → Tanh → Linear(84, numClasses). The padding of 2 turns a 28×28 digit into
/// the paper's 32×32 input; tanh and average pooling stand for the paper's squashing function and subsampling layers.
/// Input (B, C, 28, 28); output (B, numClasses).
/// </summary>
public sealed class LeNet5 : Module
{
    public readonly Sequential Features;
    public readonly Sequential Classifier;

    /// <param name="numClasses">Number of outputs (10 digits).</param>
    /// <param name="inChannels">Channels of the input (1 for MNIST).</param>
    public LeNet5(int numClasses = 10, int inChannels = 1)
    {
        Features = RegisterModule("features", new Sequential(
            new Conv2d(inChannels, 6, kernelSize: 5, padding: 2), new Tanh(), new AvgPool2d(2),
            new Conv2d(6, 16, kernelSize: 5), new Tanh(), new AvgPool2d(2)));
        Classifier = RegisterModule("classifier", new Sequential(
            new Linear(16 * 5 * 5, 120), new Tanh(), new Linear(120, 84), new Tanh(), new Linear(84, numClasses)));
    }

    /// <param name="x">(B, C, 28, 28).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Features.Call(x);
        x = x.Flatten(1);
        return Classifier.Call(x);
    }
}
