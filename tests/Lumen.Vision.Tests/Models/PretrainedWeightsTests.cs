using System.Security.Cryptography;
using System.Text.Json;
using Lumen.NN;
using Lumen.Tests;
using Lumen.Vision.Models;
using Lumen.Vision.Models.Video;
using Lumen.Vision.Transforms;
using Xunit;

namespace Lumen.Vision.Tests;

using Models = Lumen.Vision.Models.Models;

/// <summary>
/// <c>Models.ResNet18(weights: ...)</c> the torchvision way: the tables name torchvision 0.14's files, a builder downloads
/// its file from a server on 127.0.0.1 that the test starts (<c>LUMEN_WEIGHTS_URL</c>; never a real host) into the
/// torch.hub cache (<c>TORCH_HOME</c>), checks it and loads it, and a later call is served from the cache. The tests of
/// this class set process-wide environment variables, so xunit runs them one after another.
/// </summary>
public sealed class PretrainedWeightsTests
{
    private static readonly (string Builder, IReadOnlyList<Weights> All, Weights Default)[] Tables =
    {
        ("resnet18", ResNet18Weights.All, ResNet18Weights.DEFAULT), ("resnet34", ResNet34Weights.All, ResNet34Weights.DEFAULT),
        ("resnet50", ResNet50Weights.All, ResNet50Weights.DEFAULT), ("resnet101", ResNet101Weights.All, ResNet101Weights.DEFAULT),
        ("resnet152", ResNet152Weights.All, ResNet152Weights.DEFAULT), ("vgg11", VGG11Weights.All, VGG11Weights.DEFAULT),
        ("vgg11_bn", VGG11BNWeights.All, VGG11BNWeights.DEFAULT), ("vgg13", VGG13Weights.All, VGG13Weights.DEFAULT),
        ("vgg13_bn", VGG13BNWeights.All, VGG13BNWeights.DEFAULT), ("vgg16", VGG16Weights.All, VGG16Weights.DEFAULT),
        ("vgg16_bn", VGG16BNWeights.All, VGG16BNWeights.DEFAULT), ("vgg19", VGG19Weights.All, VGG19Weights.DEFAULT),
        ("vgg19_bn", VGG19BNWeights.All, VGG19BNWeights.DEFAULT), ("r3d_18", R3D18Weights.All, R3D18Weights.DEFAULT),
    };

    [Fact]
    public void Weights_tables_match_torchvision()
    {
        // tests/Fixtures/gen_torchvision_weights.py dumped torchvision 0.14's enums (URL, classes, parameters, preprocessing).
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "torchvision_weights.json"))).RootElement;
        Assert.Equal(json.EnumerateObject().Select(p => p.Name).Order(), Tables.Select(t => t.Builder).Order());
        foreach (var (builder, all, def) in Tables)
        {
            var tv = json.GetProperty(builder);
            var members = tv.GetProperty("members").EnumerateArray().ToArray();
            Assert.Equal(members.Select(m => m.GetProperty("name").GetString()), all.Select(w => w.Name));
            Assert.Equal(tv.GetProperty("default").GetString(), def.Name);
            foreach (var (m, w) in members.Zip(all))
            {
                Assert.Equal(tv.GetProperty("enum").GetString(), w.EnumName);
                Assert.Equal(m.GetProperty("url").GetString(), w.Url);
                Assert.Equal(m.GetProperty("num_classes").ValueKind == JsonValueKind.Null ? null : m.GetProperty("num_classes").GetInt32(), w.NumClasses);
                Assert.Equal(m.GetProperty("num_params").GetInt64(), w.NumParams);
                Assert.Equal(m.GetProperty("resize_size").EnumerateArray().Select(e => e.GetInt32()), w.ResizeSize);
                Assert.Equal(m.GetProperty("crop_size").EnumerateArray().Select(e => e.GetInt32()), w.CropSize);
                Assert.Equal(m.GetProperty("mean").EnumerateArray().Select(e => (float)e.GetDouble()), w.Mean);
                Assert.Equal(m.GetProperty("std").EnumerateArray().Select(e => (float)e.GetDouble()), w.Std);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> with TORCH_HOME and LUMEN_WEIGHTS_URL set, restoring both afterwards.</summary>
    private static void WithEnvironment(string torchHome, string? baseUrl, Action body)
    {
        var saved = (Environment.GetEnvironmentVariable("TORCH_HOME"), Environment.GetEnvironmentVariable(Weights.BaseUrlVariable));
        try
        {
            Environment.SetEnvironmentVariable("TORCH_HOME", torchHome);
            Environment.SetEnvironmentVariable(Weights.BaseUrlVariable, baseUrl);
            body();
        }
        finally
        {
            Environment.SetEnvironmentVariable("TORCH_HOME", saved.Item1);
            Environment.SetEnvironmentVariable(Weights.BaseUrlVariable, saved.Item2);
        }
    }

    /// <summary>A seeded ResNet-18 state dict (ImageNet-shaped, 1000 classes) and its .pth bytes, made once per run.</summary>
    private static readonly Lazy<(byte[] Bytes, OrderedDictionary<string, Tensor> StateDict)> Seeded = new(() =>
    {
        Torch.ManualSeed(11);
        var sd = Models.ResNet18().StateDict();
        var dir = Directory.CreateTempSubdirectory("lumen-weights-").FullName;
        Torch.Save(sd, Path.Combine(dir, "r18.pth"));
        var bytes = File.ReadAllBytes(Path.Combine(dir, "r18.pth"));
        Directory.Delete(dir, true);
        return (bytes, sd);
    });

    private static void AssertHolds(Module model, OrderedDictionary<string, Tensor> expected)
    {
        var got = model.StateDict();
        Assert.Equal(expected.Keys, got.Keys);
        foreach (var (k, v) in expected) Assert.True(v.ToArray<float>().AsSpan().SequenceEqual(got[k].ToArray<float>()), $"{k} differs");
    }

    [Fact]
    public void A_builder_downloads_its_weights_into_the_hub_cache_checks_them_and_loads_them()
    {
        var (bytes, sd) = Seeded.Value;
        var name = $"resnet18-{Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()[..8]}.pth";
        // A member torchvision does not list, under the model's enum: the builder treats it like IMAGENET1K_V1.
        var weights = new Weights("ResNet18_Weights", "LOCAL_TEST", Weights.TorchvisionBaseUrl + name, 1000, 11_689_512);
        var home = Directory.CreateTempSubdirectory("lumen-torch-home-").FullName;
        using var server = LoopbackHttpServer.Files(new Dictionary<string, byte[]> { [name] = bytes });
        WithEnvironment(home, server.BaseUrl.AbsoluteUri, () =>
        {
            Torch.ManualSeed(0);
            AssertHolds(Models.ResNet18(weights: weights, progress: false), sd);
            Assert.True(File.Exists(Path.Combine(home, "hub", "checkpoints", name)));
            Assert.Single(Directory.GetFileSystemEntries(Path.Combine(home, "hub", "checkpoints")));
            // Second build: from the cache, no request.
            AssertHolds(Models.ResNet18(weights: weights, progress: false), sd);
        });
        Assert.Equal(new[] { "/" + name }, server.Paths);
        Directory.Delete(home, true);
    }

    [Fact]
    public void A_corrupt_or_missing_file_fails_the_builder_and_leaves_the_cache_empty()
    {
        var (bytes, _) = Seeded.Value;
        var corrupt = bytes.ToArray();
        corrupt[^100] ^= 1;
        var prefix = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()[..8];
        var home = Directory.CreateTempSubdirectory("lumen-torch-home-").FullName;
        using var server = LoopbackHttpServer.Files(new Dictionary<string, byte[]> { [$"resnet18-{prefix}.pth"] = corrupt });
        WithEnvironment(home, server.BaseUrl.AbsoluteUri, () =>
        {
            var bad = new Weights("ResNet18_Weights", "CORRUPT", Weights.TorchvisionBaseUrl + $"resnet18-{prefix}.pth", 1000, 11_689_512);
            var e = Assert.Throws<InvalidDataException>(() => Models.ResNet18(weights: bad, progress: false));
            Assert.Contains("hash mismatch", e.Message);
            // The real IMAGENET1K_V1 name is fetched from the test server too (LUMEN_WEIGHTS_URL), which does not have it.
            var http = Assert.Throws<HttpRequestException>(() => Models.ResNet18(weights: ResNet18Weights.IMAGENET1K_V1, progress: false));
            Assert.Contains(server.BaseUrl.AbsoluteUri + "resnet18-f37072fd.pth", http.Message);
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(home, "hub", "checkpoints")));
        });
        Directory.Delete(home, true);
    }

    [Theory]
    [InlineData("DEFAULT")]
    [InlineData("IMAGENET1K_V1")]
    [InlineData("ResNet18_Weights.IMAGENET1K_V1")]
    public void Weights_named_by_a_string_load_a_file_PyTorch_already_cached_without_any_server(string name)
    {
        var (bytes, sd) = Seeded.Value;
        var home = Directory.CreateTempSubdirectory("lumen-torch-home-").FullName;
        Directory.CreateDirectory(Path.Combine(home, "hub", "checkpoints"));
        File.WriteAllBytes(Path.Combine(home, "hub", "checkpoints", "resnet18-f37072fd.pth"), bytes);   // as torch.hub left it
        // A base URL nobody listens on: any request would fail.
        WithEnvironment(home, "http://127.0.0.1:9/", () => AssertHolds(Models.ResNet18(weights: name, progress: false), sd));
        Directory.Delete(home, true);
    }

    [Fact]
    public void Wrong_weights_are_refused_before_anything_is_downloaded()
    {
        var e = Assert.Throws<ArgumentException>(() => Models.ResNet18(numClasses: 10, weights: ResNet18Weights.IMAGENET1K_V1));
        Assert.Contains("The parameter 'numClasses' expected value 1000 but got 10 instead", e.Message);
        e = Assert.Throws<ArgumentException>(() => Models.ResNet18(weights: ResNet50Weights.IMAGENET1K_V2));
        Assert.Contains("expected ResNet18_Weights but received ResNet50_Weights.IMAGENET1K_V2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Models.ResNet50(weights: "IMAGENET1K_V3"));
        Assert.Contains("Unknown weights 'IMAGENET1K_V3' for ResNet50_Weights; known: DEFAULT, IMAGENET1K_V1, IMAGENET1K_V2", e.Message);
    }

    [Fact]
    public void Weights_give_their_preprocessing_and_torchvision_s_name()
    {
        Assert.Equal("ResNet50_Weights.IMAGENET1K_V2", ResNet50Weights.DEFAULT.ToString());
        var t = Assert.IsType<Compose>(ResNet50Weights.IMAGENET1K_V2.Transforms());
        Assert.Equal((232, 309), Assert.IsType<Resize>(t.Transforms[0]).OutputSize(300, 400));   // the shorter side to 232
        Assert.IsType<CenterCrop>(t.Transforms[1]);
        Assert.IsType<ToTensor>(t.Transforms[2]);
        Assert.IsType<Normalize>(t.Transforms[3]);
        Assert.Throws<NotSupportedException>(() => R3D18Weights.KINETICS400_V1.Transforms());
        Assert.Equal("http://mirror.example/models/vgg16-397923af.pth", VGG16Weights.IMAGENET1K_V1.DownloadUrl("http://mirror.example/models/"));
    }
}
