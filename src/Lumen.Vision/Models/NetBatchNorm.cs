using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// DLwPT's <see cref="NetWidth"/> with batch normalisation between each convolution and its activation (seed 003,
/// section 8.5.2): <c>conv1_batchnorm</c> = BatchNorm2d(n), <c>conv2_batchnorm</c> = BatchNorm2d(n/2). Training mode
/// normalises with the batch's statistics and updates the running ones; <see cref="Module.Eval"/> uses the running ones.
/// Input (B, 3, 32, 32); output (B, numClasses), 2 by default.
/// </summary>
public sealed class NetBatchNorm : Module
{
    public int NChans1 { get; }
    public readonly Conv2d Conv1;
    public readonly BatchNorm2d Conv1Batchnorm;
    public readonly Conv2d Conv2;
    public readonly BatchNorm2d Conv2Batchnorm;
    public readonly Linear Fc1;
    private Linear _fc2;
    /// <summary>The classifier head, PyTorch's <c>self.fc2</c>. Setting it replaces the module registered as <c>fc2</c>
    /// (transfer learning: <c>model.Fc2 = new Linear(model.Fc2.InFeatures, numClasses)</c>).</summary>
    public Linear Fc2
    {
        get => _fc2;
        set => _fc2 = RegisterModule("fc2", value ?? throw new ArgumentNullException(nameof(value), "NetBatchNorm.Fc2 cannot be null."));
    }

    /// <param name="nChans1">Channels of the first convolution (the second has half as many).</param>
    /// <param name="numClasses">Outputs of fc2 (the book's 2: birds and airplanes).</param>
    public NetBatchNorm(int nChans1 = 32, int numClasses = 2)
    {
        NChans1 = nChans1;
        Conv1 = RegisterModule("conv1", new Conv2d(3, nChans1, kernelSize: 3, padding: 1));
        Conv1Batchnorm = RegisterModule("conv1_batchnorm", new BatchNorm2d(numFeatures: nChans1));
        Conv2 = RegisterModule("conv2", new Conv2d(nChans1, nChans1 / 2, kernelSize: 3, padding: 1));
        Conv2Batchnorm = RegisterModule("conv2_batchnorm", new BatchNorm2d(numFeatures: nChans1 / 2));
        Fc1 = RegisterModule("fc1", new Linear(8 * 8 * nChans1 / 2, 32));
        _fc2 = RegisterModule("fc2", new Linear(32, numClasses));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, numClasses) logits.</returns>
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
