namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG19_BN_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG19BN"/> (<c>models.vgg19_bn</c>).</summary>
public static class VGG19BNWeights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 74.218.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG19_BN_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg19_bn-c79401a0.pth", 1000, 143_678_248);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
