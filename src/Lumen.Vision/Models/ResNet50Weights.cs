namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>ResNet50_Weights</c>: the pretrained weights it publishes for <see cref="Models.ResNet50"/> (<c>models.resnet50</c>).</summary>
public static class ResNet50Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 76.13.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("ResNet50_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "resnet50-0676ba61.pth", 1000, 25_557_032);
    /// <summary>ImageNet-1K, 1000 classes, acc@1 80.858.</summary>
    public static readonly Weights IMAGENET1K_V2 = new("ResNet50_Weights", "IMAGENET1K_V2", Weights.TorchvisionBaseUrl + "resnet50-11ad3fa6.pth", 1000, 25_557_032, resizeSize: new[] { 232 });
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V2"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V2;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1, IMAGENET1K_V2 };
}
