namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG13_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG13"/> (<c>models.vgg13</c>).</summary>
public static class VGG13Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 69.928.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG13_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg13-19584684.pth", 1000, 133_047_848);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
