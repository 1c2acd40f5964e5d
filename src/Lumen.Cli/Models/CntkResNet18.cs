using Lumen.NN;
using Lumen.Onnx;

namespace Lumen.Cli.Models;

/// <summary>
/// <c>--model resnet18-cntk-imagenet</c>: ImageNet-pretrained ResNet-18 weights without Python, from the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 (MIT): CNTK 2.6's export (opset 8; torchvision's layout except that
/// layer4 has 3 blocks; no fc), imported with <see cref="OnnxModel"/>, behind the package's own preprocessing graph and
/// in front of a new <see cref="Linear"/> head. Input: (N, 3, 224, 224) RGB in 0–1 (what <c>ToTensor</c> gives after
/// <c>resize:224x224</c>); the model scales it to 0–255, and the preprocessing graph reorders it to BGR and subtracts
/// the network's 224×224 mean image, so no <c>normalize</c> transform is wanted.
/// State-dict keys: <c>preprocess.MeanImage</c>, <c>backbone.&lt;CNTK parameter names&gt;</c>, <c>fc.weight</c>, <c>fc.bias</c>.
/// </summary>
public sealed class CntkResNet18 : Module
{
    /// <summary>The package's directory of ONNX files, tools/DnnImageModels: $LUMEN_DNN_IMAGE_MODELS if set, else the
    /// NuGet cache ($NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    public static string ModelsDirectory =>
        Environment.GetEnvironmentVariable("LUMEN_DNN_IMAGE_MODELS") is { Length: > 0 } d ? d
        : Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
                           : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                       "microsoft.ml.dnnimagefeaturizer.resnet18", "0.24.0", "tools", "DnnImageModels");

    public OnnxModel Preprocess { get; }
    public OnnxModel Backbone { get; }
    public Linear Fc { get => _fc; set => _fc = RegisterModule("fc", value); }
    private Linear _fc;

    /// <summary>Loads the two ONNX files from <paramref name="modelsDirectory"/> (default <see cref="ModelsDirectory"/>)
    /// and adds a <paramref name="numClasses"/>-way head.</summary>
    /// <exception cref="CliException">the package's files are not there (with how to fetch them).</exception>
    public CntkResNet18(int numClasses, string? modelsDirectory = null)
    {
        var dir = modelsDirectory ?? ModelsDirectory;
        string prep = Path.Combine(dir, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), net = Path.Combine(dir, "ResNet18Onnx", "ResNet18.onnx");
        foreach (var f in new[] { prep, net })
            if (!File.Exists(f))
                throw new CliException($"resnet18-cntk-imagenet: '{f}' not found (the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0)",
                    "restore it once with a project holding <PackageDownload Include=\"Microsoft.ML.DnnImageFeaturizer.ResNet18\" Version=\"[0.24.0]\" /> " +
                    "(dotnet restore), or point LUMEN_DNN_IMAGE_MODELS at its tools/DnnImageModels folder");
        Preprocess = RegisterModule("preprocess", OnnxModel.Load(prep));
        Backbone = RegisterModule("backbone", OnnxModel.Load(net));
        _fc = RegisterModule("fc", new Linear(512, numClasses));
    }

    /// <summary>(N, 3, 224, 224) RGB 0–1 → (N, numClasses) logits.</summary>
    public override Tensor Forward(Tensor input) => Fc.Call(Backbone.Call(Preprocess.Call(input.Mul(255f))).Flatten(1));
}
