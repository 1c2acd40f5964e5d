using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// DLwPT's wider <see cref="Net"/> (seed 003, section 8.5.1) with the width as a parameter: conv1 = Conv2d(3, n, 3, padding 1),
/// conv2 = Conv2d(n, n/2, 3, padding 1), fc1 = Linear(8·8·n/2, 32), fc2 = Linear(32, 2), tanh activations and max pooling
/// applied functionally. With the default n = 32 it has 38,386 parameters. Input (B, 3, 32, 32); output (B, numClasses), 2 by default.
/// </summary>
public sealed class NetWidth : Module
{
    /// <summary>Channels of the first convolution, the book's <c>n_chans1</c>.</summary>
    public int NChans1 { get; }
    public readonly Conv2d Conv1;
    public readonly Conv2d Conv2;
    public readonly Linear Fc1;
    private Linear _fc2;
    /// <summary>The classifier head, PyTorch's <c>self.fc2</c>. Setting it replaces the module registered as <c>fc2</c>
    /// (transfer learning: <c>model.Fc2 = new Linear(model.Fc2.InFeatures, numClasses)</c>).</summary>
    public Linear Fc2
    {
        get => _fc2;
        set => _fc2 = RegisterModule("fc2", value ?? throw new ArgumentNullException(nameof(value), "NetWidth.Fc2 cannot be null."));
    }

    /// <param name="nChans1">Channels of the first convolution (the second has half as many).</param>
    /// <param name="numClasses">Outputs of fc2 (the book's 2: birds and airplanes).</param>
    public NetWidth(int nChans1 = 32, int numClasses = 2)
    {
        NChans1 = nChans1;
        Conv1 = RegisterModule("conv1", new Conv2d(3, nChans1, kernelSize: 3, padding: 1));
        Conv2 = RegisterModule("conv2", new Conv2d(nChans1, nChans1 / 2, kernelSize: 3, padding: 1));
        Fc1 = RegisterModule("fc1", new Linear(8 * 8 * nChans1 / 2, 32));
        _fc2 = RegisterModule("fc2", new Linear(32, numClasses));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        var @out = F.MaxPool2d(Conv1.Call(x).Tanh(), 2);
        @out = F.MaxPool2d(Conv2.Call(@out).Tanh(), 2);
        @out = @out.View(-1, 8 * 8 * NChans1 / 2);
        @out = Fc1.Call(@out).Tanh();
        return Fc2.Call(@out);
    }
}
