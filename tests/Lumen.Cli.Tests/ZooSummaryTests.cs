using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lumen.Cli.Models;
using Xunit;

namespace Lumen.Cli.Tests;

/// <summary>Every <c>--model</c> name builds through <c>lumen summary</c> and has PyTorch's parameter count (from the
/// fixtures of tests/Fixtures/gen_cli_models.py and gen_models.py, at the input and class count PyTorch's model was
/// built for).</summary>
public sealed class ZooSummaryTests
{
    /// <summary>Per zoo name: the fixture (file, case), one example's shape and the class count of PyTorch's model, and
    /// whether building it takes several seconds (the VGGs' 100 M-parameter classifiers: their initialisation dominates).</summary>
    private static readonly Dictionary<string, (string File, string Case, string Input, int Classes, bool Slow)> Expected = new()
    {
        ["mnist-cnn"] = ("cli_models", "mnist_cnn", "1x28x28", 10, false),
        ["simple-cnn"] = ("cli_models", "simple_cnn", "3x32x32", 10, false),
        ["tiny-conv"] = ("cli_models", "tiny_conv", "3x32x32", 3, false),
        ["lenet5"] = ("seeds", "LeNet5", "1x28x28", 10, false),
        ["convnet"] = ("seeds", "ConvNet", "3x32x32", 10, false),
        ["net"] = ("seeds", "Net", "3x32x32", 2, false),
        ["net-width"] = ("seeds", "NetWidth", "3x32x32", 2, false),
        ["net-dropout"] = ("seeds", "NetDropout", "3x32x32", 2, false),
        ["net-batchnorm"] = ("seeds", "NetBatchNorm", "3x32x32", 2, false),
        ["net-depth"] = ("seeds", "NetDepth", "3x32x32", 2, false),
        ["net-res"] = ("seeds", "NetRes", "3x32x32", 2, false),
        ["net-res-deep"] = ("seeds", "NetResDeep", "3x32x32", 2, false),
        ["resnet18"] = ("torchvision", "resnet18", "3x32x32", 1000, false),
        ["resnet34"] = ("torchvision", "resnet34", "3x32x32", 1000, false),
        ["resnet50"] = ("torchvision", "resnet50", "3x32x32", 1000, false),
        ["resnet101"] = ("torchvision", "resnet101", "3x32x32", 1000, false),
        ["resnet152"] = ("torchvision", "resnet152", "3x32x32", 1000, false),
        ["vgg11"] = ("torchvision", "vgg11", "3x32x32", 1000, true),
        ["vgg11_bn"] = ("torchvision", "vgg11_bn", "3x32x32", 1000, true),
        ["vgg13"] = ("torchvision", "vgg13", "3x32x32", 1000, true),
        ["vgg13_bn"] = ("torchvision", "vgg13_bn", "3x32x32", 1000, true),
        ["vgg16"] = ("torchvision", "vgg16", "3x32x32", 1000, true),
        ["vgg16_bn"] = ("torchvision", "vgg16_bn", "3x32x32", 1000, true),
        ["vgg19"] = ("torchvision", "vgg19", "3x32x32", 1000, true),
        ["vgg19_bn"] = ("torchvision", "vgg19_bn", "3x32x32", 1000, true),
        ["vgg16-customizable"] = ("torchvision", "VGG16Customizable_512to256to64_1x1", "3x320x320", 20, false),
        ["vgg16-customizable-64"] = ("torchvision", "VGG16Customizable_512to64_1x1", "3x320x320", 20, true),
        ["vgg16-customizable-3x3"] = ("torchvision", "VGG16Customizable_512to512_3x3", "3x320x320", 20, true),
        // Needs the NuGet package's ONNX files: checked by CntkResNet18CliTests, skipped there when they are absent.
        ["resnet18-cntk-imagenet"] = ("cntk_resnet18", "resnet18_cntk_imagenet_2", "3x224x224", 2, true),
    };

    /// <summary>The zoo names whose summary runs in CI. The slow ones are torchvision's VGG builder with other
    /// configurations (vgg16-customizable, which runs here, builds a VGG-16 inside) and were checked by hand the same
    /// way; Lumen.Vision.Tests' TorchvisionModelTests compares each VGG's structure with PyTorch's.</summary>
    public static TheoryData<string> FastNames() => new(Expected.Where(e => !e.Value.Slow).Select(e => e.Key));

    [Fact]
    public void Every_zoo_model_has_a_pytorch_parameter_count_to_compare_with()
    {
        Assert.Equal(ModelZoo.All.Select(m => m.Name).Order(), Expected.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(FastNames))]
    public void Summary_of_each_zoo_model_counts_PyTorchs_parameters(string name)
    {
        var (file, @case, input, classes, _) = Expected[name];
        var r = LumenCli.Run("summary", name, "--input", input, "--classes", classes.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"-> output [1, {classes}]", r.Out);
        long total = long.Parse(Regex.Match(r.Out, @"total parameters: ([\d,]+)").Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        Assert.Equal(PyTorchCount(file, @case), total);
    }

    [Theory]
    [InlineData("net", 18090)]
    [InlineData("net-width", 38386)]
    public void DLwPT_nets_have_the_books_parameter_counts(string name, long count)
    {
        var r = LumenCli.Run("summary", name, "--input", "3x32x32", "--classes", "2");
        Assert.Contains($"total parameters: {count.ToString("N0", CultureInfo.InvariantCulture)}", r.Out);
    }

    [Theory]
    [InlineData("net", "1x28x28", "model 'net' takes images (C, H, W) of 3x32x32, got input [1, 28, 28]")]
    [InlineData("lenet5", "3x32x32", "model 'lenet5' takes images (C, H, W) of Cx28x28, got input [3, 32, 32]")]
    [InlineData("vgg16", "1x224x224", "model 'vgg16' takes images (C, H, W) of 3xHxW, H, W >= 32, got input [1, 224, 224]")]
    [InlineData("vgg16-customizable-3x3", "3x64x64", "model 'vgg16-customizable-3x3' takes images (C, H, W) of 3xSxS, S >= 96")]
    public void A_zoo_model_given_the_wrong_input_names_the_input_it_takes_in_one_line(string name, string input, string message)
    {
        var r = LumenCli.Run("summary", name, "--input", input);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Names_ignore_case_and_dash_or_underscore()
    {
        Assert.Equal("vgg11_bn", ModelZoo.Find("VGG11-BN")!.Name);
        Assert.Equal("net-res-deep", ModelZoo.Find("net_res_deep")!.Name);
        Assert.Null(ModelZoo.Find("resnet19"));
    }

    private static long PyTorchCount(string file, string @case)
    {
        JsonElement c = Fixture(file).GetProperty(@case);
        if (c.TryGetProperty("total", out var t)) return t.GetInt64();
        if (c.TryGetProperty("numel_total", out var n)) return n.GetInt64();
        return c.GetProperty("numel").EnumerateArray().Sum(e => e.GetInt64());
    }

    private static readonly Dictionary<string, JsonElement> Cache = new();

    private static JsonElement Fixture(string file)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(file, out var root)) return root;
            string rel = file == "cli_models" ? Path.Combine("tests", "Fixtures", "data", "cli_models.json") : Path.Combine("tests", "Fixtures", "data", "models", file + ".json");
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var p = Path.Combine(dir.FullName, rel);
                if (File.Exists(p)) return Cache[file] = JsonDocument.Parse(File.ReadAllText(p)).RootElement.Clone();
            }
            throw new FileNotFoundException($"{rel} not found above {AppContext.BaseDirectory}");
        }
    }
}
