using Lumen.Vision.Tests;
using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>Where the tests' external data lives: the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0
/// (restored into the NuGet cache by the PackageDownload in this project); dogcat comes from Lumen.Vision.Tests' DogCat, linked in.</summary>
public static class TestData
{
    private static string NuGetRoot =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>tools/DnnImageModels of the package.</summary>
    public static string DnnModels => Path.Combine(NuGetRoot, "microsoft.ml.dnnimagefeaturizer.resnet18", "0.24.0", "tools", "DnnImageModels");

    public static string ResNet18 => Path.Combine(DnnModels, "ResNet18Onnx", "ResNet18.onnx");

    public static string ResNetPreprocess => Path.Combine(DnnModels, "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    public static bool HasResNet18 => File.Exists(ResNet18) && File.Exists(ResNetPreprocess);
}

/// <summary>A [Fact] skipped, saying where it looked, when the NuGet ResNet-18 package was not restored.</summary>
public sealed class ResNet18FactAttribute : FactAttribute
{
    public ResNet18FactAttribute()
    {
        if (!TestData.HasResNet18) Skip = $"Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 not restored (looked for {TestData.ResNet18}); run dotnet restore.";
    }
}

/// <summary>A [Fact] that needs the ResNet-18 package and ../shared/data/dogcat; skipped, saying which is missing.</summary>
public sealed class ResNet18DogCatFactAttribute : FactAttribute
{
    public ResNet18DogCatFactAttribute()
    {
        if (!TestData.HasResNet18) Skip = $"Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 not restored (looked for {TestData.ResNet18}).";
        else if (DogCat.Root is null) Skip = $"dogcat images not found (looked in {string.Join(", ", DogCat.Candidates)}).";
    }
}
