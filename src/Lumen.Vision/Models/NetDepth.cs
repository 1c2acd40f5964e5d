using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// DLwPT's deeper network (seed 003, section 8.5.3): a third convolution conv3 = Conv2d(n/2, n/2, 3, padding 1) with its
/// own max pooling, ReLU activations, fc1 = Linear(4·4·n/2, 32), fc2 = Linear(32, 2). Input (B, 3, 32, 32); output (B, numClasses), 2 by default.
/// </summary>
public sealed class NetDepth : Module
{
    public int NChans1 { get; }
    public readonly Conv2d Conv1;
    public readonly Conv2d Conv2;
    public readonly Conv2d Conv3;
    public readonly Linear Fc1;
    private Linear _fc2;
    /// <summary>The classifier head, PyTorch's <c>self.fc2</c>. Setting it replaces the module registered as <c>fc2</c>
    /// (transfer learning: <c>model.Fc2 = new Linear(model.Fc2.InFeatures, numClasses)</c>).</summary>
    public Linear Fc2
    {
        get => _fc2;
        set => _fc2 = RegisterModule("fc2", value ?? throw new ArgumentNullException(nameof(value), "NetDepth.Fc2 cannot be null."));
    }

    /// <param name="nChans1">Channels of the first convolution (the others have half as many).</param>
    /// <param name="numClasses">Outputs of fc2 (the book's 2: birds and airplanes).</param>
    public NetDepth(int nChans1 = 32, int numClasses = 2)
    {
        NChans1 = nChans1;
        Conv1 = RegisterModule("conv1", new Conv2d(3, nChans1, kernelSize: 3, padding: 1));
        Conv2 = RegisterModule("conv2", new Conv2d(nChans1, nChans1 / 2, kernelSize: 3, padding: 1));
        Conv3 = RegisterModule("conv3", new Conv2d(nChans1 / 2, nChans1 / 2, kernelSize: 3, padding: 1));
        Fc1 = RegisterModule("fc1", new Linear(4 * 4 * nChans1 / 2, 32));
        _fc2 = RegisterModule("fc2", new Linear(32, numClasses));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        var @out = F.MaxPool2d(Conv1.Call(x).Relu(), 2);
        @out = F.MaxPool2d(Conv2.Call(@out).Relu(), 2);
        @out = F.MaxPool2d(Conv3.Call(@out).Relu(), 2);
        @out = @out.View(-1, 4 * 4 * NChans1 / 2);
        @out = Fc1.Call(@out).Relu();
        return Fc2.Call(@out);
    }
}
