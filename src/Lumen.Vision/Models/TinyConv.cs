using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// Seed 000's tiny 2D CNN organised with <see cref="Sequential"/> (rachellea/pytorch-computer-vision,
/// <c>custom_models_base.TinyConv</c>): <c>conv</c> = Conv2d(3, 8, 3×3, stride 3) → ReLU → Conv2d(8, 16, 3×3, stride 3) → ReLU,
/// then <c>fc</c> = Linear(16·3·3, 3). Input (B, 3, H, W) with H and W in 27…35 (each stride-3 convolution divides the
/// size by three, and the head expects a 3×3 map); output (B, 3) logits (the tutorial wraps them in <c>{'out': x}</c>).
/// </summary>
public sealed class TinyConv : Module
{
    /// <summary>The two convolutions with their ReLUs, PyTorch's <c>self.conv</c>.</summary>
    public readonly Sequential Conv;
    private Linear _fc;
    /// <summary>The classifier head, PyTorch's <c>self.fc</c>. Setting it replaces the module registered as <c>fc</c>
    /// (transfer learning: <c>model.Fc = new Linear(model.Fc.InFeatures, numClasses)</c>).</summary>
    public Linear Fc
    {
        get => _fc;
        set => _fc = RegisterModule("fc", value ?? throw new ArgumentNullException(nameof(value), "TinyConv.Fc cannot be null."));
    }

    /// <summary>Seed 000's network (3 channels, 3 classes, a 3×3 map before the head for 27…35-pixel inputs); other
    /// input channels, class counts or image sizes change the first conv's input channels and the head.</summary>
    public TinyConv(int inChannels = 3, int numClasses = 3, int height = 32, int width = 32)
    {
        int h = ((height - 3) / 3 + 1 - 3) / 3 + 1, w = ((width - 3) / 3 + 1 - 3) / 3 + 1;
        if (h < 1 || w < 1) throw new ArgumentException($"TinyConv needs inputs of at least 9x9, got {height}x{width}.");
        Conv = RegisterModule("conv", new Sequential(
            new Conv2d(inChannels, 8, kernelSize: (3, 3), stride: (3, 3), padding: 0),
            new ReLU(inplace: true),
            new Conv2d(8, 16, kernelSize: (3, 3), stride: (3, 3), padding: 0),
            new ReLU(inplace: true)));
        _fc = RegisterModule("fc", new Linear(inFeatures: 16 * h * w, outFeatures: numClasses));
    }

    /// <param name="x">(B, 3, H, W), H and W in 27…35.</param>
    /// <returns>(B, 3) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Conv.Call(x);
        x = x.Flatten(startDim: 1, endDim: -1);
        return Fc.Call(x);
    }
}
