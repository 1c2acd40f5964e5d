namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>VGG19_Weights</c>: the pretrained weights it publishes for <see cref="Models.VGG19"/> (<c>models.vgg19</c>).</summary>
public static class VGG19Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 72.376.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("VGG19_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "vgg19-dcbb9e9d.pth", 1000, 143_667_240);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
