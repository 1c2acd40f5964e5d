namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>ResNet18_Weights</c>: the pretrained weights it publishes for <see cref="Models.ResNet18"/> (<c>models.resnet18</c>).</summary>
public static class ResNet18Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 69.758.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("ResNet18_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "resnet18-f37072fd.pth", 1000, 11_689_512);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
