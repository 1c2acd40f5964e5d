using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// Seed 001's configurable CIFAR-10 network: the notebook's <c>ConvNet</c> made tunable as its <c>ConfigNet(l1, c1, c2)</c>
/// for the grid search (the best run used c1 = 48, c2 = 96, l1 = 256, the defaults here; notebook
/// florestony54/intro-to-pytorch-2). Four 3×3 convolutions with ReLU — conv1 = 3→c1, conv2 = c1→c1, dropout(d1),
/// conv3 = c1→c2, conv4 = c2→c2 with stride 2, dropout(0.5) — then <c>flat</c>, <c>batch_norm</c> = BatchNorm1d(c2·144)
/// and ReLU, fc1 = Linear(c2·144, l1) with ReLU, fc2 = Linear(l1, numClasses). Input (B, 3, 32, 32): 32 → 30 → 28 → 26 →
/// 12 pixels. The two dropouts are functional (no module, no state-dict key), as in the notebook; the notebook calls
/// <c>F.dropout</c> without <c>training=</c>, so there they stay on in eval mode too — here they drop in training mode
/// only, which is what its evaluation evidently intends.
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
    /// <summary>Dropout probability after conv2 (the notebook's <c>d1</c>).</summary>
    public readonly double D1;
    private Linear _fc2;
    /// <summary>The classifier head, PyTorch's <c>self.fc2</c>. Setting it replaces the module registered as <c>fc2</c>
    /// (transfer learning: <c>model.Fc2 = new Linear(model.Fc2.InFeatures, numClasses)</c>).</summary>
    public Linear Fc2
    {
        get => _fc2;
        set => _fc2 = RegisterModule("fc2", value ?? throw new ArgumentNullException(nameof(value), "ConvNet.Fc2 cannot be null."));
    }

    /// <param name="c1">Filters of the first two convolutions.</param>
    /// <param name="c2">Filters of the last two convolutions.</param>
    /// <param name="l1">Neurons of the hidden dense layer.</param>
    /// <param name="d1">Dropout probability after conv2 (the one after conv4 is 0.5, as in the notebook).</param>
    /// <param name="numClasses">Number of outputs.</param>
    public ConvNet(int c1 = 48, int c2 = 96, int l1 = 256, double d1 = 0.1, int numClasses = 10)
    {
        if (d1 is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(d1), d1, "ConvNet: d1 is a dropout probability in [0, 1].");
        D1 = d1;
        Conv1 = RegisterModule("conv1", new Conv2d(3, c1, kernelSize: 3));
        Conv2 = RegisterModule("conv2", new Conv2d(c1, c1, kernelSize: 3));
        Conv3 = RegisterModule("conv3", new Conv2d(c1, c2, kernelSize: 3));
        Conv4 = RegisterModule("conv4", new Conv2d(c2, c2, kernelSize: 3, stride: 2));
        Flat = RegisterModule("flat", new Flatten());
        BatchNorm = RegisterModule("batch_norm", new BatchNorm1d(c2 * 144));
        Fc1 = RegisterModule("fc1", new Linear(c2 * 144, l1));
        _fc2 = RegisterModule("fc2", new Linear(l1, numClasses));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Conv1.Call(x).Relu();
        x = Conv2.Call(x).Relu();
        x = F.Dropout(x, D1, training: Training);
        x = Conv3.Call(x).Relu();
        x = Conv4.Call(x).Relu();
        x = F.Dropout(x, 0.5, training: Training);
        x = Flat.Call(x);
        x = BatchNorm.Call(x).Relu();
        x = Fc1.Call(x).Relu();
        return Fc2.Call(x);
    }
}
