using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// DLwPT's <see cref="NetWidth"/> with batch normalisation between each convolution and its activation (seed 003,
/// section 8.5.2): <c>conv1_batchnorm</c> = BatchNorm2d(n), <c>conv2_batchnorm</c> = BatchNorm2d(n/2). Training mode
/// normalises with the batch's statistics and updates the running ones; <see cref="Module.Eval"/> uses the running ones.
/// Input (B, 3, 32, 32); output (B, 2).
/// </summary>
public sealed class NetBatchNorm : Module
{
    public int NChans1 { get; }
    public readonly Conv2d Conv1;
    public readonly BatchNorm2d Conv1Batchnorm;
    public readonly Conv2d Conv2;
    public readonly BatchNorm2d Conv2Batchnorm;
    public readonly Linear Fc1;
    public readonly Linear Fc2;

    /// <param name="nChans1">Channels of the first convolution (the second has half as many).</param>
    public NetBatchNorm(int nChans1 = 32)
    {
        NChans1 = nChans1;
        Conv1 = RegisterModule("conv1", new Conv2d(3, nChans1, kernelSize: 3, padding: 1));
        Conv1Batchnorm = RegisterModule("conv1_batchnorm", new BatchNorm2d(numFeatures: nChans1));
        Conv2 = RegisterModule("conv2", new Conv2d(nChans1, nChans1 / 2, kernelSize: 3, padding: 1));
        Conv2Batchnorm = RegisterModule("conv2_batchnorm", new BatchNorm2d(numFeatures: nChans1 / 2));
        Fc1 = RegisterModule("fc1", new Linear(8 * 8 * nChans1 / 2, 32));
        Fc2 = RegisterModule("fc2", new Linear(32, 2));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, 2) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        var @out = Conv1Batchnorm.Call(Conv1.Call(x));
        @out = F.MaxPool2d(@out.Tanh(), 2);
        @out = Conv2Batchnorm.Call(Conv2.Call(@out));
        @out = F.MaxPool2d(@out.Tanh(), 2);
        @out = @out.View(-1, 8 * 8 * NChans1 / 2);
        @out = Fc1.Call(@out).Tanh();
        return Fc2.Call(@out);
    }
}
