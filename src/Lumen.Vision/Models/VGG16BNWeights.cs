namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG16_BN_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG16BN"/> (<c>models.vgg16_bn</c>).</summary>
public static class VGG16BNWeights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 73.36.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG16_BN_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg16_bn-6c64b313.pth", 1000, 138_365_992);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
