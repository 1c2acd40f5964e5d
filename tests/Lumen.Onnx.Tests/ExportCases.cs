using Lumen.Cli.Models;
using Lumen.NN;
using Lumen.Vision.Models;
using Lumen.Vision.Models.Video;
using Models = Lumen.Vision.Models.Models;

namespace Lumen.Onnx.Tests;

/// <summary>One model the export tests write: how to build it (seeded) and one sample's shape (no batch dim).</summary>
public sealed record ExportCase(string Name, Func<Module> Build, int[] Sample)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every model of the zoo (Lumen.Vision.Models and the CLI's <c>--model</c> names) and a CLI spec model, at small inputs.
/// <see cref="Ci"/> runs in every test run: each architecture's code path once (ResNet-18 for BasicBlock ResNets, a
/// [1, 1, 1, 1] Bottleneck ResNet for ResNet-50's blocks, VGG-16 for the VGGs); <see cref="Full"/> adds the remaining
/// torchvision depths (ResNet-34…152, VGG-11/13/19 and the BN variants), run when LUMEN_ONNX_EXPORT_FULL=1.
/// </summary>
public static class ExportCases
{
    /// <summary>A CLI spec exercising what specs offer: grouped, dilated and 'same' convolutions, batch norm, both pools,
    /// adaptive pooling and the activations.</summary>
    public const string SpecYaml = """
        layers:
          - conv2d: {out: 16, kernel: 3, padding: same}
          - batchnorm2d
          - leakyrelu: 0.1
          - conv2d: {out: 16, kernel: 3, padding: 2, dilation: 2, groups: 4}
          - gelu
          - maxpool2d: {kernel: 3, stride: 2, padding: 1}
          - conv2d: {out: 24, kernel: 1}
          - elu
          - avgpool2d: 2
          - conv2d: {out: 24, kernel: 3, stride: 2, padding: 1, groups: 24, bias: false}
          - silu
          - adaptiveavgpool2d: 2
          - flatten
          - dropout: 0.25
          - linear: {out: 32}
          - tanh
          - linear: {out: 16}
          - sigmoid
          - linear: {out: 10}
        """;

    private static ExportCase Zoo(string name, params int[] sample) => new(name, () =>
    {
        Torch.ManualSeed(0);
        return ModelZoo.Create(name, sample, 10);
    }, sample);

    private static ExportCase Of(string name, Func<Module> build, params int[] sample) => new(name, () =>
    {
        Torch.ManualSeed(0);
        return build();
    }, sample);

    /// <summary>CLI zoo names that the export tests do not cover, with why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotExported = new Dictionary<string, string>
    {
        ["resnet18-cntk-imagenet"] = "an imported ONNX graph (OnnxModel) behind a new head: it is ONNX already, and its file comes from a NuGet package",
    };

    public static readonly ExportCase[] Ci =
    {
        Zoo("mnist-cnn", 1, 28, 28),
        Zoo("simple-cnn", 3, 32, 32),
        Zoo("tiny-conv", 3, 32, 32),
        Zoo("lenet5", 1, 28, 28),
        Zoo("convnet", 3, 32, 32),
        Zoo("net", 3, 32, 32),
        Zoo("net-width", 3, 32, 32),
        Zoo("net-dropout", 3, 32, 32),
        Zoo("net-batchnorm", 3, 32, 32),
        Zoo("net-depth", 3, 32, 32),
        Zoo("net-res", 3, 32, 32),
        Zoo("net-res-deep", 3, 32, 32),
        Zoo("resnet18", 3, 32, 32),
        Zoo("vgg16", 3, 32, 32),
        Zoo("vgg16-customizable", 3, 32, 32),
        Zoo("vgg16-customizable-64", 3, 32, 32),
        Zoo("vgg16-customizable-3x3", 3, 96, 96),
        Of("resnet-bottleneck-1111", () => new ResNet(ResNetBlock.Bottleneck, new[] { 1, 1, 1, 1 }, numClasses: 10), 3, 32, 32),
        Of("tiny-conv3d", () => new TinyConv3d(1, 3), 1, 30, 30, 30),
        Of("tiny-conv-without-sequential", () => new TinyConvWithoutSequential(), 3, 32, 32),
        Of("r3d_18", () => Models.R3D18(numClasses: 10), 3, 4, 32, 32),
        Of("spec-conv2d", () => ModelSpec.Parse(SpecYaml, new[] { 3, 32, 32 }, 10, source: "spec-conv2d"), 3, 32, 32),
    };

    public static readonly ExportCase[] Full =
    {
        Zoo("resnet34", 3, 32, 32), Zoo("resnet50", 3, 32, 32), Zoo("resnet101", 3, 32, 32), Zoo("resnet152", 3, 32, 32),
        Zoo("vgg11", 3, 32, 32), Zoo("vgg11_bn", 3, 32, 32), Zoo("vgg13", 3, 32, 32), Zoo("vgg13_bn", 3, 32, 32),
        Zoo("vgg16_bn", 3, 32, 32), Zoo("vgg19", 3, 32, 32), Zoo("vgg19_bn", 3, 32, 32),
    };

    /// <summary>The files of <c>ExportLayerTests</c>.</summary>
    public static readonly string[] Layers = { "layers-conv1d", "layers-conv3d", "layers-unet-like" };

    public static IEnumerable<object[]> CiData => Ci.Select(c => new object[] { c });
    public static IEnumerable<object[]> FullData => Full.Select(c => new object[] { c });
}
