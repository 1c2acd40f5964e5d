using Lumen.Vision.Models.Video;

namespace Lumen.Vision.Models;

/// <summary>
/// The torchvision model builders, <c>torchvision.models.resnet18()</c> → <c>Models.ResNet18()</c>. Each builds the
/// architecture with random weights drawn exactly as torchvision 0.14 draws them from the global generator
/// (<c>Torch.ManualSeed</c>); load pretrained weights saved by PyTorch with
/// <c>model.LoadStateDict(Torch.Load("resnet18-f37072fd.pth"))</c>.
/// <para>Inside a namespace under <c>Lumen.Vision</c> the name <c>Models</c> means this namespace; write
/// <c>Lumen.Vision.Models.Models.ResNet18()</c> or add <c>using Models = Lumen.Vision.Models.Models;</c> after the
/// namespace declaration there.</para>
/// </summary>
public static class Models
{
    /// <summary>ResNet-18, torchvision's <c>resnet18()</c>: BasicBlocks [2, 2, 2, 2], 11.7 M parameters.</summary>
    public static ResNet ResNet18(int numClasses = 1000) => new(ResNetBlock.BasicBlock, new[] { 2, 2, 2, 2 }, numClasses);
    /// <summary>ResNet-34, torchvision's <c>resnet34()</c>: BasicBlocks [3, 4, 6, 3], 21.8 M parameters.</summary>
    public static ResNet ResNet34(int numClasses = 1000) => new(ResNetBlock.BasicBlock, new[] { 3, 4, 6, 3 }, numClasses);
    /// <summary>ResNet-50, torchvision's <c>resnet50()</c>: Bottlenecks [3, 4, 6, 3], 25.6 M parameters.</summary>
    public static ResNet ResNet50(int numClasses = 1000) => new(ResNetBlock.Bottleneck, new[] { 3, 4, 6, 3 }, numClasses);
    /// <summary>ResNet-101, torchvision's <c>resnet101()</c>: Bottlenecks [3, 4, 23, 3], 44.5 M parameters.</summary>
    public static ResNet ResNet101(int numClasses = 1000) => new(ResNetBlock.Bottleneck, new[] { 3, 4, 23, 3 }, numClasses);
    /// <summary>ResNet-152, torchvision's <c>resnet152()</c>: Bottlenecks [3, 8, 36, 3], 60.2 M parameters.</summary>
    public static ResNet ResNet152(int numClasses = 1000) => new(ResNetBlock.Bottleneck, new[] { 3, 8, 36, 3 }, numClasses);

    /// <summary>VGG-11 (configuration "A"), torchvision's <c>vgg11()</c>, 132.9 M parameters.</summary>
    public static VGG VGG11(int numClasses = 1000) => new(VGG.MakeLayers("A"), numClasses);
    /// <summary>VGG-11 with batch normalisation, torchvision's <c>vgg11_bn()</c>.</summary>
    public static VGG VGG11BN(int numClasses = 1000) => new(VGG.MakeLayers("A", batchNorm: true), numClasses);
    /// <summary>VGG-13 (configuration "B"), torchvision's <c>vgg13()</c>.</summary>
    public static VGG VGG13(int numClasses = 1000) => new(VGG.MakeLayers("B"), numClasses);
    /// <summary>VGG-13 with batch normalisation, torchvision's <c>vgg13_bn()</c>.</summary>
    public static VGG VGG13BN(int numClasses = 1000) => new(VGG.MakeLayers("B", batchNorm: true), numClasses);
    /// <summary>VGG-16 (configuration "D"), torchvision's <c>vgg16()</c>, 138.4 M parameters.</summary>
    public static VGG VGG16(int numClasses = 1000) => new(VGG.MakeLayers("D"), numClasses);
    /// <summary>VGG-16 with batch normalisation, torchvision's <c>vgg16_bn()</c>.</summary>
    public static VGG VGG16BN(int numClasses = 1000) => new(VGG.MakeLayers("D", batchNorm: true), numClasses);
    /// <summary>VGG-19 (configuration "E"), torchvision's <c>vgg19()</c>.</summary>
    public static VGG VGG19(int numClasses = 1000) => new(VGG.MakeLayers("E"), numClasses);
    /// <summary>VGG-19 with batch normalisation, torchvision's <c>vgg19_bn()</c>.</summary>
    public static VGG VGG19BN(int numClasses = 1000) => new(VGG.MakeLayers("E", batchNorm: true), numClasses);

    /// <summary>R3D-18 for video clips, torchvision's <c>video.r3d_18()</c>: BasicStem, Conv3DSimple BasicBlocks [2, 2, 2, 2],
    /// 33.4 M parameters; input (B, 3, T, H, W).</summary>
    public static VideoResNet R3D18(int numClasses = 400) => new(new[] { 2, 2, 2, 2 }, numClasses);
}
