namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG16_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG16"/> (<c>models.vgg16</c>).</summary>
public static class VGG16Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 71.592.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG16_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg16-397923af.pth", 1000, 138_357_544);
    /// <summary>VGG-16 features trained for SSD (amdegroot): only <c>features</c> holds valid weights, the classifier's are NaN.</summary>
    public static readonly Weights IMAGENET1K_FEATURES = new("VGG16_Weights", "IMAGENET1K_FEATURES", Weights.TorchvisionBaseUrl + "vgg16_features-amdegroot-88682ab5.pth", null, 138_357_544, mean: new[] { 0.48235f, 0.45882f, 0.40784f }, std: new[] { 0.00392156862745098f, 0.00392156862745098f, 0.00392156862745098f });
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1, IMAGENET1K_FEATURES };
}
