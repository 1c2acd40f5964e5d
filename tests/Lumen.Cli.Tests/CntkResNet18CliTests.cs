using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lumen.Cli.Models;
using Lumen.Vision.Tests;
using Xunit;

namespace Lumen.Cli.Tests;

/// <summary>A [Fact] skipped, saying where it looked, when the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18
/// (restored by this project's PackageDownload) or, with <c>needsDogCat</c>, the dogcat images are absent.</summary>
public sealed class CntkResNet18FactAttribute : FactAttribute
{
    public CntkResNet18FactAttribute(bool needsDogCat = false)
    {
        var net = Path.Combine(CntkResNet18.ModelsDirectory, "ResNet18Onnx", "ResNet18.onnx");
        if (!File.Exists(net)) Skip = $"Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 not restored (looked for {net}).";
        else if (needsDogCat && DogCat.Root is null) Skip = $"dogcat images not found (looked in {string.Join(", ", DogCat.Candidates)}).";
    }
}

/// <summary><c>--model resnet18-cntk-imagenet</c>: ImageNet weights from the NuGet package, fine-tuned from the CLI.
/// CI runs a small frozen-backbone run; the full seed-002 run's figures are in docs/transfer-learning.md.</summary>
public sealed class CntkResNet18CliTests
{
    [CntkResNet18Fact]
    public void Summary_counts_the_parameters_of_PyTorchs_resnet_with_blocks_2_2_2_3()
    {
        var r = LumenCli.Run("summary", "resnet18-cntk-imagenet", "--input", "3x224x224", "--classes", "2");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("-> output [1, 2]", r.Out);
        long total = long.Parse(Regex.Match(r.Out, @"total parameters: ([\d,]+)").Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "cntk_resnet18.json")));
        Assert.Equal(fixture.RootElement.GetProperty("resnet18_cntk_imagenet_2").GetProperty("total").GetInt64(), total);
    }

    [Fact]
    public void Another_input_size_is_refused_in_one_line_naming_the_size_it_takes()
    {
        var r = LumenCli.Run("summary", "resnet18-cntk-imagenet", "--input", "3x32x32");
        Assert.Equal(2, r.Code);
        Assert.Contains("model 'resnet18-cntk-imagenet' takes images (C, H, W) of 3x224x224", r.Err);
    }

    [CntkResNet18Fact(needsDogCat: true)]
    public void A_frozen_backbone_run_trains_only_the_new_head_and_evaluates_from_its_run_directory()
    {
        var dir = LumenCli.TempDir("cntk-resnet18");
        var run = Path.Combine(dir, "run");
        var r = LumenCli.Run("train", "--model", "resnet18-cntk-imagenet", "--freeze", "--dataset", "imagefolder:" + DogCat.Root,
            "--valid-split", "0.25", "--train-subset", "16", "--transforms", "resize:224x224", "--optimizer", "sgd", "--lr", "0.005",
            "--momentum", "0.6", "--epochs", "1", "--batch-size", "6", "--shuffle", "--seed", "1", "--threads", "2", "--no-report", "--out", run);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("(12 train, 4 valid, 4 test)", r.Out);

        var trained = Torch.Load(Path.Combine(run, "model.safetensors"));
        var fresh = new CntkResNet18(2);
        var original = fresh.StateDict();
        var parameters = fresh.NamedParameters().Select(p => p.Name).ToHashSet();
        Assert.Equal(original.Keys.Order(), trained.Keys.Order());
        Assert.Equal(new[] { 2, 512 }, trained["fc.weight"].Shape.ToArray());
        // The frozen backbone's parameters are the package's, bit for bit (its BatchNorm running statistics, buffers,
        // move in training mode as in PyTorch).
        foreach (var (key, value) in original)
            if (key.StartsWith("backbone.", StringComparison.Ordinal) && parameters.Contains(key))
                Assert.True(value.ToArray().SequenceEqual(trained[key].ToArray()), $"{key} changed");

        var eval = LumenCli.Run("eval", run);
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Matches(@"accuracy\s+\d+(\.\d+)?%", eval.Out);
    }
}
