using Lumen.Tests;
using Lumen.Vision.Tests;
using Xunit;
using Zoo = Lumen.Vision.Models;

namespace Lumen.Cli.Tests;

/// <summary><c>lumen train --model resnet18 --pretrained</c>: torchvision's file is taken from torch.hub's cache (where a
/// Python install may already have put it) or fetched from <c>$LUMEN_WEIGHTS_URL</c> (here a server on 127.0.0.1 the
/// test starts; no real host is ever asked). The CLI tests run one at a time, so the environment variables are safe to set.</summary>
public sealed class PretrainedCliTests
{
    private static string[] Train(string outDir, params string[] extra) => new[]
    {
        "train", "--model", "resnet18", "--pretrained", "--dataset", "imagefolder:" + DogCat.Root, "--valid-split", "0.25",
        "--train-subset", "8", "--transforms", "resize:32x32,normalize:imagenet", "--optimizer", "sgd", "--lr", "0.005",
        "--epochs", "1", "--batch-size", "8", "--seed", "3", "--threads", "2", "--no-report", "--out", outDir,
    }.Concat(extra).ToArray();

    private static LumenCli.Result WithHub(string torchHome, string baseUrl, Func<LumenCli.Result> run)
    {
        var saved = (Environment.GetEnvironmentVariable("TORCH_HOME"), Environment.GetEnvironmentVariable(Zoo.Weights.BaseUrlVariable));
        try
        {
            Environment.SetEnvironmentVariable("TORCH_HOME", torchHome);
            Environment.SetEnvironmentVariable(Zoo.Weights.BaseUrlVariable, baseUrl);
            return run();
        }
        finally
        {
            Environment.SetEnvironmentVariable("TORCH_HOME", saved.Item1);
            Environment.SetEnvironmentVariable(Zoo.Weights.BaseUrlVariable, saved.Item2);
        }
    }

    [DogCatFact]
    public void Pretrained_takes_torchvision_s_file_from_the_hub_cache_and_fine_tunes_a_new_head()
    {
        var dir = LumenCli.TempDir("pretrained");
        var checkpoints = Path.Combine(dir, "torch", "hub", "checkpoints");
        Directory.CreateDirectory(checkpoints);
        Torch.ManualSeed(5);
        var cached = Path.Combine(checkpoints, "resnet18-f37072fd.pth");   // the name torch.hub gives torchvision's file
        Torch.Save(Zoo.Models.ResNet18().StateDict(), cached);
        var run = Path.Combine(dir, "run");
        // Nobody listens on port 9: a download attempt would fail the run.
        var r = WithHub(Path.Combine(dir, "torch"), "http://127.0.0.1:9/", () => LumenCli.Run(Train(run, "--freeze")));
        Assert.True(r.Code == 0, r.Err);

        var before = Torch.Load(cached);
        var after = Torch.Load(Path.Combine(run, "model.safetensors"));
        Assert.Equal(new[] { 2, 512 }, after["fc.weight"].Shape.ToArray());
        foreach (var k in new[] { "conv1.weight", "layer4.1.conv2.weight", "layer2.0.downsample.0.weight" })
            Assert.True(before[k].ValueEquals(after[k]), $"{k} is not the cached file's (frozen) weight");
        Assert.Contains("\"pretrained\": true", File.ReadAllText(Path.Combine(run, "config.json")));
    }

    [DogCatFact]
    public void A_failed_download_is_one_error_line_naming_the_weights_and_url_and_leaves_the_cache_empty()
    {
        var dir = LumenCli.TempDir("pretrained-404");
        using var server = LoopbackHttpServer.Files(new Dictionary<string, byte[]>());
        var r = WithHub(Path.Combine(dir, "torch"), server.BaseUrl.AbsoluteUri, () => LumenCli.Run(Train(Path.Combine(dir, "run"))));
        Assert.Equal(2, r.Code);
        Assert.Contains($"--pretrained: could not get ResNet18_Weights.IMAGENET1K_V1 from {server.BaseUrl}resnet18-f37072fd.pth", r.Err);
        Assert.Contains("404", r.Err);
        Assert.Equal(new[] { "/resnet18-f37072fd.pth" }, server.Paths);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir, "torch", "hub", "checkpoints")));
    }

    [Fact]
    public void Pretrained_is_refused_for_a_model_without_published_weights_or_beside_weights()
    {
        var r = LumenCli.Run("train", "--model", "net", "--pretrained", "--out", LumenCli.TempDir("no-weights"));
        Assert.Equal(2, r.Code);
        Assert.Contains("--pretrained: torchvision publishes no weights for 'net'", r.Err);
        Assert.Contains("resnet18, resnet34, resnet50, resnet101, resnet152, vgg11", r.Err);

        var both = LumenCli.Run("train", "--model", "resnet18", "--pretrained", "--weights", typeof(PretrainedCliTests).Assembly.Location);
        Assert.Equal(2, both.Code);
        Assert.Contains("--pretrained and --weights both give the starting weights", both.Err);
    }
}
