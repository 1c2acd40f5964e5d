using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// DLwPT's residual block (seed 003, section 8.5.3): conv = Conv2d(n, n, 3, padding 1, no bias; BatchNorm cancels a bias)
/// → batch_norm = BatchNorm2d(n) → ReLU, plus the input. Initialised as the book does: the convolution's weight with
/// <c>kaiming_normal_(nonlinearity='relu')</c>, the BatchNorm weight to 0.5 and its bias to 0, so a block starts out
/// close to the identity. Input and output (B, n, H, W).
/// </summary>
public sealed class ResBlock : Module
{
    public readonly Conv2d Conv;
    public readonly BatchNorm2d BatchNorm;

    /// <param name="nChans">Channels in and out.</param>
    public ResBlock(int nChans)
    {
        Conv = RegisterModule("conv", new Conv2d(nChans, nChans, kernelSize: 3, padding: 1, bias: false));
        BatchNorm = RegisterModule("batch_norm", new BatchNorm2d(numFeatures: nChans));
        Init.KaimingNormal_(Conv.Weight, nonlinearity: "relu");
        Init.Constant_(BatchNorm.Weight!, 0.5f);
        Init.Zeros_(BatchNorm.Bias!);
    }

    /// <param name="x">(B, n, H, W).</param>
    /// <returns>(B, n, H, W): relu(batch_norm(conv(x))) + x.</returns>
    public override Tensor Forward(Tensor x)
    {
        var @out = Conv.Call(x);
        @out = BatchNorm.Call(@out);
        @out = @out.Relu();
        return @out.Add(x);
    }
}
