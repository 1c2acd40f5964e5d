using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// Seed 000's <see cref="TinyConv"/> written without <see cref="Sequential"/> (<c>TinyConvWithoutSequential</c>): the same
/// layers registered one by one as <c>conv1</c>, <c>relu</c>, <c>conv2</c>, <c>fc</c>; one ReLU module is reused twice.
/// Same shapes as <see cref="TinyConv"/>: (B, 3, H, W) with H, W in 27…35 → (B, 3).
/// </summary>
public sealed class TinyConvWithoutSequential : Module
{
    public readonly Conv2d Conv1;
    public readonly ReLU Relu;
    public readonly Conv2d Conv2;
    public readonly Linear Fc;

    public TinyConvWithoutSequential()
    {
        Conv1 = RegisterModule("conv1", new Conv2d(3, 8, kernelSize: (3, 3), stride: (3, 3), padding: 0));
        Relu = RegisterModule("relu", new ReLU(inplace: true));
        Conv2 = RegisterModule("conv2", new Conv2d(8, 16, kernelSize: (3, 3), stride: (3, 3), padding: 0));
        Fc = RegisterModule("fc", new Linear(inFeatures: 16 * 3 * 3, outFeatures: 3));
    }

    /// <param name="x">(B, 3, H, W), H and W in 27…35.</param>
    /// <returns>(B, 3) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Conv1.Call(x);
        x = Relu.Call(x);
        x = Conv2.Call(x);
        x = Relu.Call(x);
        x = x.Flatten(startDim: 1, endDim: -1);
        return Fc.Call(x);
    }
}
