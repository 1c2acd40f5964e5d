using Lumen.Vision.Models.Video;

namespace Lumen.Vision.Models;

/// <summary>
/// The torchvision model builders, <c>torchvision.models.resnet18()</c> → <c>Models.ResNet18()</c>. Each builds the
/// architecture with random weights drawn exactly as torchvision 0.14 draws them from the global generator
/// (<c>Torch.ManualSeed</c>). With <c>weights</c> (torchvision's <c>weights=</c>: a member of the model's weights table such as
/// <see cref="ResNet18Weights.IMAGENET1K_V1"/>, or its name, <c>"DEFAULT"</c>) the builder downloads torchvision's published
/// file into torch.hub's cache (reusing one PyTorch already fetched; see <see cref="Weights"/>) and loads it; a file
/// saved by PyTorch elsewhere loads with <c>model.LoadStateDict(Torch.Load("resnet18-f37072fd.pth"))</c>.
/// <para>Inside a namespace under <c>Lumen.Vision</c> the name <c>Models</c> means this namespace; write
/// <c>Lumen.Vision.Models.Models.ResNet18()</c> or add <c>using Models = Lumen.Vision.Models.Models;</c> after the
/// namespace declaration there.</para>
/// </summary>
public static class Models
{
    /// <summary>ResNet-18, torchvision's <c>resnet18()</c>: BasicBlocks [2, 2, 2, 2], 11.7 M parameters.</summary>
    public static ResNet ResNet18(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "ResNet18_Weights", ResNet18Weights.All, ResNet18Weights.DEFAULT, numClasses, progress, n => new ResNet(ResNetBlock.BasicBlock, new[] { 2, 2, 2, 2 }, n));
    /// <summary>ResNet-34, torchvision's <c>resnet34()</c>: BasicBlocks [3, 4, 6, 3], 21.8 M parameters.</summary>
    public static ResNet ResNet34(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "ResNet34_Weights", ResNet34Weights.All, ResNet34Weights.DEFAULT, numClasses, progress, n => new ResNet(ResNetBlock.BasicBlock, new[] { 3, 4, 6, 3 }, n));
    /// <summary>ResNet-50, torchvision's <c>resnet50()</c>: Bottlenecks [3, 4, 6, 3], 25.6 M parameters.</summary>
    public static ResNet ResNet50(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "ResNet50_Weights", ResNet50Weights.All, ResNet50Weights.DEFAULT, numClasses, progress, n => new ResNet(ResNetBlock.Bottleneck, new[] { 3, 4, 6, 3 }, n));
    /// <summary>ResNet-101, torchvision's <c>resnet101()</c>: Bottlenecks [3, 4, 23, 3], 44.5 M parameters.</summary>
    public static ResNet ResNet101(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "ResNet101_Weights", ResNet101Weights.All, ResNet101Weights.DEFAULT, numClasses, progress, n => new ResNet(ResNetBlock.Bottleneck, new[] { 3, 4, 23, 3 }, n));
    /// <summary>ResNet-152, torchvision's <c>resnet152()</c>: Bottlenecks [3, 8, 36, 3], 60.2 M parameters.</summary>
    public static ResNet ResNet152(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "ResNet152_Weights", ResNet152Weights.All, ResNet152Weights.DEFAULT, numClasses, progress, n => new ResNet(ResNetBlock.Bottleneck, new[] { 3, 8, 36, 3 }, n));

    /// <summary>VGG-11 (configuration "A"), torchvision's <c>vgg11()</c>, 132.9 M parameters.</summary>
    public static VGG VGG11(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG11_Weights", VGG11Weights.All, VGG11Weights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("A"), n));
    /// <summary>VGG-11 with batch normalisation, torchvision's <c>vgg11_bn()</c>.</summary>
    public static VGG VGG11BN(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG11_BN_Weights", VGG11BNWeights.All, VGG11BNWeights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("A", batchNorm: true), n));
    /// <summary>VGG-13 (configuration "B"), torchvision's <c>vgg13()</c>.</summary>
    public static VGG VGG13(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG13_Weights", VGG13Weights.All, VGG13Weights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("B"), n));
    /// <summary>VGG-13 with batch normalisation, torchvision's <c>vgg13_bn()</c>.</summary>
    public static VGG VGG13BN(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG13_BN_Weights", VGG13BNWeights.All, VGG13BNWeights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("B", batchNorm: true), n));
    /// <summary>VGG-16 (configuration "D"), torchvision's <c>vgg16()</c>, 138.4 M parameters.</summary>
    public static VGG VGG16(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG16_Weights", VGG16Weights.All, VGG16Weights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("D"), n));
    /// <summary>VGG-16 with batch normalisation, torchvision's <c>vgg16_bn()</c>.</summary>
    public static VGG VGG16BN(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG16_BN_Weights", VGG16BNWeights.All, VGG16BNWeights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("D", batchNorm: true), n));
    /// <summary>VGG-19 (configuration "E"), torchvision's <c>vgg19()</c>.</summary>
    public static VGG VGG19(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG19_Weights", VGG19Weights.All, VGG19Weights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("E"), n));
    /// <summary>VGG-19 with batch normalisation, torchvision's <c>vgg19_bn()</c>.</summary>
    public static VGG VGG19BN(int numClasses = 1000, Weights? weights = null, bool progress = true) =>
        Build(weights, "VGG19_BN_Weights", VGG19BNWeights.All, VGG19BNWeights.DEFAULT, numClasses, progress, n => new VGG(VGG.MakeLayers("E", batchNorm: true), n));

    /// <summary>R3D-18 for video clips, torchvision's <c>video.r3d_18()</c>: BasicStem, Conv3DSimple BasicBlocks [2, 2, 2, 2],
    /// 33.4 M parameters; input (B, 3, T, H, W).</summary>
    public static VideoResNet R3D18(int numClasses = 400, Weights? weights = null, bool progress = true) =>
        Build(weights, "R3D_18_Weights", R3D18Weights.All, R3D18Weights.DEFAULT, numClasses, progress, n => new VideoResNet(new[] { 2, 2, 2, 2 }, n));

    /// <summary>Builds the model for <paramref name="numClasses"/> and, when <paramref name="weights"/> is given, checks it
    /// against the model's table and loads its file (downloaded first, so a failed download costs no initialisation).</summary>
    private static T Build<T>(Weights? weights, string enumName, IReadOnlyList<Weights> members, Weights defaultMember, int numClasses,
                              bool progress, Func<int, T> make) where T : NN.Module
    {
        if (weights == null) return make(numClasses);
        var w = Weights.Verify(weights, enumName, members, defaultMember, numClasses);
        var stateDict = w.GetStateDict(progress);
        var model = make(numClasses);
        model.LoadStateDict(stateDict);
        return model;
    }
}
