namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>ResNet101_Weights</c>: the pretrained weights it publishes for <see cref="Models.ResNet101"/> (<c>models.resnet101</c>).</summary>
public static class ResNet101Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 77.374.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("ResNet101_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "resnet101-63fe2227.pth", 1000, 44_549_160);
    /// <summary>ImageNet-1K, 1000 classes, acc@1 81.886.</summary>
    public static readonly Weights IMAGENET1K_V2 = new("ResNet101_Weights", "IMAGENET1K_V2", Weights.TorchvisionBaseUrl + "resnet101-cd907fc2.pth", 1000, 44_549_160, resizeSize: new[] { 232 });
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V2"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V2;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1, IMAGENET1K_V2 };
}
