using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// Seed 001's configurable CIFAR-10 network (<c>ConvNet</c>, made tunable as the seed's <c>ConfigNet(l1, c1, c2)</c> for its
/// grid search; the best run used c1 = 48, c2 = 96, l1 = 256, the defaults here). The seed's code listings did not survive
/// its translation, so this follows its prose: four 3×3 convolutions with ReLU (conv1 = 3→c1, conv2 = c1→c2, conv3 = c2→c2,
/// conv4 = c2→c2 with stride 2), <c>flat</c> = Flatten, <c>batch_norm</c> = BatchNorm1d over the flattened features, ReLU,
/// dropout between the dense layers, fc1 = Linear(c2·12·12, l1) → ReLU → dropout → fc2 = Linear(l1, 10).
/// Input (B, 3, 32, 32): 32 → 30 → 28 → 26 → 12 pixels; output (B, numClasses).
/// </summary>
public sealed class ConvNet : Module
{
    public readonly Conv2d Conv1;
    public readonly Conv2d Conv2;
    public readonly Conv2d Conv3;
    public readonly Conv2d Conv4;
    public readonly Flatten Flat;
    public readonly BatchNorm1d BatchNorm;
    public readonly Linear Fc1;
    public readonly Dropout Dropout;
    private Linear _fc2;
    /// <summary>The classifier head, PyTorch's <c>self.fc2</c>. Setting it replaces the module registered as <c>fc2</c>
    /// (transfer learning: <c>model.Fc2 = new Linear(model.Fc2.InFeatures, numClasses)</c>).</summary>
    public Linear Fc2
    {
        get => _fc2;
        set => _fc2 = RegisterModule("fc2", value ?? throw new ArgumentNullException(nameof(value), "ConvNet.Fc2 cannot be null."));
    }

    /// <param name="c1">Filters of the first convolution.</param>
    /// <param name="c2">Filters of the other convolutions.</param>
    /// <param name="l1">Neurons of the hidden dense layer.</param>
    /// <param name="dropout">Probability of zeroing an element between the dense layers (training mode only).</param>
    /// <param name="numClasses">Number of outputs.</param>
    public ConvNet(int c1 = 48, int c2 = 96, int l1 = 256, double dropout = 0.5, int numClasses = 10)
    {
        Conv1 = RegisterModule("conv1", new Conv2d(3, c1, kernelSize: 3));
        Conv2 = RegisterModule("conv2", new Conv2d(c1, c2, kernelSize: 3));
        Conv3 = RegisterModule("conv3", new Conv2d(c2, c2, kernelSize: 3));
        Conv4 = RegisterModule("conv4", new Conv2d(c2, c2, kernelSize: 3, stride: 2));
        Flat = RegisterModule("flat", new Flatten());
        BatchNorm = RegisterModule("batch_norm", new BatchNorm1d(c2 * 12 * 12));
        Fc1 = RegisterModule("fc1", new Linear(c2 * 12 * 12, l1));
        Dropout = RegisterModule("dropout", new Dropout(dropout));
        _fc2 = RegisterModule("fc2", new Linear(l1, numClasses));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Conv1.Call(x).Relu();
        x = Conv2.Call(x).Relu();
        x = Conv3.Call(x).Relu();
        x = Conv4.Call(x).Relu();
        x = Flat.Call(x);
        x = Dropout.Call(BatchNorm.Call(x).Relu());
        x = Dropout.Call(Fc1.Call(x).Relu());
        return Fc2.Call(x);
    }
}
