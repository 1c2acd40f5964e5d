namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG11_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG11"/> (<c>models.vgg11</c>).</summary>
public static class VGG11Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 69.02.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG11_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg11-8a719046.pth", 1000, 132_863_336);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
