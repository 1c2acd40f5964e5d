namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG11_BN_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG11BN"/> (<c>models.vgg11_bn</c>).</summary>
public static class VGG11BNWeights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 70.37.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG11_BN_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg11_bn-6002323d.pth", 1000, 132_868_840);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
