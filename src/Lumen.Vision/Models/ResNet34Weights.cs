namespace Lumen.Vision.Models;

/// <summary>torchvision's <c>ResNet34_Weights</c>: the pretrained weights it publishes for <see cref="Models.ResNet34"/> (<c>models.resnet34</c>).</summary>
public static class ResNet34Weights
{
    /// <summary>ImageNet-1K, 1000 classes, acc@1 73.314.</summary>
    public static readonly Weights IMAGENET1K_V1 = new("ResNet34_Weights", "IMAGENET1K_V1", Weights.TorchvisionBaseUrl + "resnet34-b627a593.pth", 1000, 21_797_672);
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="IMAGENET1K_V1"/>.</summary>
    public static Weights DEFAULT => IMAGENET1K_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { IMAGENET1K_V1 };
}
