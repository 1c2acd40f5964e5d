using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// Seed 000's <c>VGG16Customizable</c> (rachellea/pytorch-computer-vision): a VGG-16 feature extractor, then a small
/// convolutional head chosen by <c>convType</c> and a Linear classifier. As in the seed, <c>features</c> is
/// a Sequential holding the VGG's <c>features</c> Sequential (<c>nn.Sequential(*list(vgg16.children())[:-2])</c>), so its
/// state-dict keys are <c>features.0.0.weight</c>, …; <c>conv</c> is one of
/// <list type="bullet">
/// <item>"512to256to64_1x1": Conv2d(512, 256, 1×1) → ReLU → Conv2d(256, 64, 1×1) → ReLU (64·s² features),</item>
/// <item>"512to64_1x1": Conv2d(512, 64, 1×1) → ReLU (64·s² features),</item>
/// <item>"512to512_3x3": Conv2d(512, 512, 3×3, stride 3) → ReLU (512·⌊s/3⌋² features),</item>
/// </list>
/// where s = inputSize/32 is the side of VGG's output map (10 for the seed's 320×320 PASCAL VOC images, giving its 6400
/// and 4608). <c>fc</c> = Linear(features, nOutputs). Input (B, 3, inputSize, inputSize); output (B, nOutputs) (the seed
/// wraps it in <c>{'out': x}</c>).
/// </summary>
public sealed class VGG16Customizable : Module
{
    /// <summary>The head's configuration name.</summary>
    public string ConvType { get; }
    public readonly Sequential Features;
    public readonly Sequential Conv;
    private Linear _fc;
    /// <summary>The classifier head, PyTorch's <c>self.fc</c>. Setting it replaces the module registered as <c>fc</c>
    /// (transfer learning: <c>model.Fc = new Linear(model.Fc.InFeatures, numClasses)</c>).</summary>
    public Linear Fc
    {
        get => _fc;
        set => _fc = RegisterModule("fc", value ?? throw new ArgumentNullException(nameof(value), "VGG16Customizable.Fc cannot be null."));
    }

    /// <param name="nOutputs">Number of outputs (20 PASCAL VOC classes in the seed).</param>
    /// <param name="convType">"512to256to64_1x1", "512to64_1x1" or "512to512_3x3".</param>
    /// <param name="vgg16">The VGG-16 whose features are used: pass one loaded with pretrained weights for the seed's
    /// <c>vgginit='pretrained'</c>; null builds a randomly initialised one (<c>vgginit='random'</c>).</param>
    /// <param name="inputSize">Height and width of the input images (320 in the seed).</param>
    public VGG16Customizable(int nOutputs, string convType, VGG? vgg16 = null, int inputSize = 320)
    {
        ArgumentNullException.ThrowIfNull(convType);
        if (inputSize < 32) throw new ArgumentException($"VGG16Customizable: inputSize ({inputSize}) must be at least 32.");
        if (convType is not ("512to256to64_1x1" or "512to64_1x1" or "512to512_3x3"))
            throw new ArgumentException(
                $"VGG16Customizable: unknown convType '{convType}'; expected '512to256to64_1x1', '512to64_1x1' or '512to512_3x3'.");
        ConvType = convType;
        vgg16 ??= Models.VGG16();
        Features = RegisterModule("features", new Sequential(vgg16.Children().SkipLast(2)));
        int s = inputSize / 32;
        (Sequential conv, int flat) = convType switch
        {
            "512to256to64_1x1" => (new Sequential(
                new Conv2d(512, 256, kernelSize: (1, 1), stride: (1, 1), padding: 0), new ReLU(inplace: true),
                new Conv2d(256, 64, kernelSize: (1, 1), stride: (1, 1), padding: 0), new ReLU(inplace: true)), 64 * s * s),
            "512to64_1x1" => (new Sequential(
                new Conv2d(512, 64, kernelSize: (1, 1), stride: (1, 1), padding: 0), new ReLU(inplace: true)), 64 * s * s),
            "512to512_3x3" => (new Sequential(
                new Conv2d(512, 512, kernelSize: (3, 3), stride: (3, 3), padding: 0), new ReLU(inplace: true)), 512 * (s / 3) * (s / 3)),
            _ => throw new ArgumentException($"VGG16Customizable: unknown convType '{convType}'."),
        };
        if (flat == 0) throw new ArgumentException($"VGG16Customizable: inputSize {inputSize} is too small for convType '{convType}'.");
        Conv = RegisterModule("conv", conv);
        _fc = RegisterModule("fc", new Linear(inFeatures: flat, outFeatures: nOutputs));
    }

    /// <param name="x">(B, 3, inputSize, inputSize).</param>
    /// <returns>(B, nOutputs) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Features.Call(x);
        x = Conv.Call(x);
        x = x.Flatten(startDim: 1, endDim: -1);
        return Fc.Call(x);
    }
}
