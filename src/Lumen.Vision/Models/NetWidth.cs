using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// DLwPT's wider <see cref="Net"/> (seed 003, section 8.5.1) with the width as a parameter: conv1 = Conv2d(3, n, 3, padding 1),
/// conv2 = Conv2d(n, n/2, 3, padding 1), fc1 = Linear(8·8·n/2, 32), fc2 = Linear(32, 2), tanh activations and max pooling
/// applied functionally. With the default n = 32 it has 38,386 parameters. Input (B, 3, 32, 32); output (B, 2).
/// </summary>
public sealed class NetWidth : Module
{
    /// <summary>Channels of the first convolution, the book's <c>n_chans1</c>.</summary>
    public int NChans1 { get; }
    public readonly Conv2d Conv1;
    public readonly Conv2d Conv2;
    public readonly Linear Fc1;
    public readonly Linear Fc2;

    /// <param name="nChans1">Channels of the first convolution (the second has half as many).</param>
    public NetWidth(int nChans1 = 32)
    {
        NChans1 = nChans1;
        Conv1 = RegisterModule("conv1", new Conv2d(3, nChans1, kernelSize: 3, padding: 1));
        Conv2 = RegisterModule("conv2", new Conv2d(nChans1, nChans1 / 2, kernelSize: 3, padding: 1));
        Fc1 = RegisterModule("fc1", new Linear(8 * 8 * nChans1 / 2, 32));
        Fc2 = RegisterModule("fc2", new Linear(32, 2));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, 2) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        var @out = F.MaxPool2d(Conv1.Call(x).Tanh(), 2);
        @out = F.MaxPool2d(Conv2.Call(@out).Tanh(), 2);
        @out = @out.View(-1, 8 * 8 * NChans1 / 2);
        @out = Fc1.Call(@out).Tanh();
        return Fc2.Call(@out);
    }
}
