namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG13_BN_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG13BN"/> (<c>models.vgg13_bn</c>).</summary>
public static class VGG13BNWeights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 71.586.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG13_BN_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg13_bn-abd245e5.pth", 1000, 133_053_736);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
