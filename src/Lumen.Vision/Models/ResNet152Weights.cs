namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>ResNet152_Weights</c>: the pretrained weights it publishes for <see cref="Models.ResNet152"/> (<c>models.resnet152</c>).</summary>
public static class ResNet152Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 78.312.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("ResNet152_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "resnet152-394f9c45.pth", 1000, 60_192_808);
    /// <summary>ImageNet-1K, 1000 classes, acc@1 82.284.</summary>
    public static readonly Weights IMAGENET1K_V2 = new("ResNet152_Weights", "IMAGENET1K_V2", Weights.TorchvisionBaseUrl + "resnet152-f82ba261.pth", 1000, 60_192_808, resizeSize: new[] { 232 });
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V2"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V2;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1, IMAGENET1K_V2 };
}
