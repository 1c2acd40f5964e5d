using System.Diagnostics;
using Lumen.NN;
using Lumen.Serialization;
using Lumen.Vision.Models;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Vision.Tests;

// Inside Lumen.Vision.*, "Models" names the namespace; the alias (declared inside this namespace) picks the builders.
using Models = Lumen.Vision.Models.Models;
using VideoBasicBlock = Lumen.Vision.Models.Video.BasicBlock;

/// <summary>torchvision 0.14's architectures: bit-exact seeded initialisation, PyTorch's printout and state-dict keys,
/// and the interop acceptance (a full-size state dict through a .pth file, eval outputs within 1e-4 of PyTorch's).</summary>
[Collection("GlobalRng")]
public class TorchvisionModelTests
{
    private readonly ITestOutputHelper _log;
    public TorchvisionModelTests(ITestOutputHelper log) => _log = log;

    private static readonly Dictionary<string, Func<Module>> Builders = new()
    {
        ["resnet18"] = () => Models.ResNet18(),
        ["resnet34"] = () => Models.ResNet34(),
        ["resnet50"] = () => Models.ResNet50(),
        ["resnet101"] = () => Models.ResNet101(),
        ["resnet152"] = () => Models.ResNet152(),
        ["vgg11_bn"] = () => Models.VGG11BN(),
        ["r3d_18"] = () => Models.R3D18(),
    };

    /// <summary>Interop acceptance: PyTorch built the model under torch.manual_seed(k), ran one train-mode batch (updating
    /// BatchNorm's running statistics) and evaluated a fixed input. Lumen builds it under Torch.ManualSeed(k) (weights
    /// equal bit for bit), runs the same batch, writes the state dict to a .pth, loads it into a fresh model through
    /// Torch.Load and must reproduce PyTorch's eval output within 1e-4.</summary>
    [Theory]
    [InlineData("resnet18")]
    [InlineData("vgg11_bn")]
    [InlineData("r3d_18")]
    public void Seeded_model_round_trips_a_pth_and_matches_PyTorchs_eval_output(string name)
    {
        var c = ModelFixtures.Case("torchvision", name);
        var sw = Stopwatch.StartNew();
        Torch.ManualSeed(c.GetProperty("seed").GetInt64());
        var model = Builders[name]();
        _log.WriteLine($"{name}: built in {sw.ElapsedMilliseconds} ms");
        ModelFixtures.AssertStructureMatches(c, model);
        ModelFixtures.AssertWeightsMatch(c.GetProperty("weights"), model, name);

        int[] evalShape = name == "r3d_18" ? new[] { 1, 3, 4, 32, 32 } : new[] { 1, 3, 64, 64 };
        int[] warmShape = (int[])evalShape.Clone();
        warmShape[0] = 2;
        sw.Restart();
        using (Autograd.Autograd.NoGrad())
        {
            model.Train();
            var warm = model.Call(ModelFixtures.Randn(warmShape, c.GetProperty("warm_seed").GetInt64()));
            double eSum = c.GetProperty("warm_out_sum").GetDouble();
            Assert.True(Math.Abs(warm.ToArray<double>().Sum() - eSum) <= 1e-4 * Math.Max(1, Math.Abs(eSum)), $"{name}: train-mode output sum");
        }
        foreach (var e in c.GetProperty("after_warm").EnumerateArray())
        {
            var t = model.StateDict()[e.GetProperty("name").GetString()!].ToArray<double>();
            double eSum = e.GetProperty("sum").GetDouble();
            Assert.True(Math.Abs(t.Sum() - eSum) <= 1e-4 * Math.Max(1, Math.Abs(eSum)), $"{name}: {e.GetProperty("name").GetString()} after one training batch");
        }
        _log.WriteLine($"{name}: train-mode batch {warmShape.Length}-D in {sw.ElapsedMilliseconds} ms");

        var path = Path.Combine(Path.GetTempPath(), $"lumen-zoo-{name}-{Guid.NewGuid():N}.pth");
        try
        {
            sw.Restart();
            PyTorchFile.Save(model.StateDict(), path);
            long bytes = new FileInfo(path).Length;
            _log.WriteLine($"{name}: saved {bytes / 1e6:F1} MB in {sw.ElapsedMilliseconds} ms");
            // Load into the same model after wiping every parameter and buffer (building a second full-size model
            // would double the test's time): every value must come back from the file.
            sw.Restart();
            var fresh = model;
            using (Autograd.Autograd.NoGrad())
                foreach (var t in fresh.StateDict().Values) t.Zero_();
            var loaded = fresh.LoadStateDict(Torch.Load(path));
            Assert.Empty(loaded.MissingKeys);
            Assert.Empty(loaded.UnexpectedKeys);
            _log.WriteLine($"{name}: Torch.Load + LoadStateDict in {sw.ElapsedMilliseconds} ms");

            sw.Restart();
            fresh.Eval();
            Tensor y;
            using (Autograd.Autograd.NoGrad())
                y = fresh.Call(ModelFixtures.Randn(evalShape, c.GetProperty("x_seed").GetInt64()));
            _log.WriteLine($"{name}: eval forward in {sw.ElapsedMilliseconds} ms");
            ModelFixtures.Close(ModelFixtures.Tensor(c.GetProperty("out_eval")), y, 1e-4, $"{name} eval output after the .pth round trip");

            if (c.TryGetProperty("grad_x", out var gx))
            {
                var xg = ModelFixtures.Randn(evalShape, c.GetProperty("x_seed").GetInt64()).RequiresGrad_(true);
                var yg = fresh.Call(xg);
                yg.Mul(ModelFixtures.Randn(yg.Shape.ToArray(), c.GetProperty("g_seed").GetInt64())).Sum().Backward();
                var grad = xg.Grad!.ToArray<float>();
                int step = gx.GetProperty("step").GetInt32();
                var sampled = ModelFixtures.Tensor(gx.GetProperty("values"));
                var ours = Torch.Tensor(Enumerable.Range(0, sampled.Numel()).Select(i => grad[i * step]).ToArray());
                ModelFixtures.Close(sampled, ours, 1e-4, $"{name} input gradient (every {step}th element)");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("resnet34")]
    [InlineData("resnet50")]
    [InlineData("resnet101")]
    [InlineData("resnet152")]
    public void ResNet_prints_and_names_its_parameters_as_torchvision(string name)
    {
        var c = ModelFixtures.Case("torchvision", name);
        var model = Builders[name]();
        ModelFixtures.AssertStructureMatches(c, model);
        Assert.Equal(c.GetProperty("numel_total").GetInt64(), model.NumParameters());
    }

    /// <summary>The VGG variants differ only in <c>features</c> (avgpool and classifier are fixed and are checked in full on
    /// vgg11_bn and vgg16), so this builds the feature extractor alone: a full VGG spends most of its construction drawing
    /// 2 × 103 M random numbers for the first Linear, which makes a Debug test run slow.</summary>
    [Theory]
    [InlineData("vgg11", "A", false)]
    [InlineData("vgg13", "B", false)]
    [InlineData("vgg13_bn", "B", true)]
    [InlineData("vgg16_bn", "D", true)]
    [InlineData("vgg19", "E", false)]
    [InlineData("vgg19_bn", "E", true)]
    public void VGG_feature_extractor_prints_and_names_its_parameters_as_torchvision(string name, string config, bool batchNorm)
    {
        var c = ModelFixtures.Case("torchvision", name);
        var features = VGG.MakeLayers(config, batchNorm);
        var repr = c.GetProperty("repr").GetString()!;
        int start = repr.IndexOf("(features): ", StringComparison.Ordinal) + "(features): ".Length;
        int end = repr.IndexOf("\n  (avgpool): ", StringComparison.Ordinal);
        Assert.Equal(repr[start..end].Replace("\n  ", "\n"), features.ToString());
        var expected = c.GetProperty("named_parameters").EnumerateArray()
            .Select(p => (p[0].GetString()!, string.Join(",", p[1].EnumerateArray().Select(d => d.GetInt32()))))
            .Where(p => p.Item1.StartsWith("features.")).ToList();
        Assert.Equal(expected, features.NamedParameters("features").Select(p => (p.Name, string.Join(",", p.Parameter.Shape.ToArray()))));
        long classifier = 25088L * 4096 + 4096 + 4096L * 4096 + 4096 + 4096L * 1000 + 1000;
        Assert.Equal(c.GetProperty("numel_total").GetInt64(), features.NumParameters() + classifier);
    }

    [Fact]
    public void VGG16Customizable_matches_seed_000s_models_and_runs_on_a_smaller_input_when_told_its_size()
    {
        var vgg16 = Models.VGG16();
        ModelFixtures.AssertStructureMatches(ModelFixtures.Case("torchvision", "vgg16"), vgg16);
        foreach (var convType in new[] { "512to256to64_1x1", "512to64_1x1", "512to512_3x3" })
        {
            var c = ModelFixtures.Case("torchvision", "VGG16Customizable_" + convType);
            var model = new VGG16Customizable(nOutputs: 20, convType: convType, vgg16: vgg16);
            Assert.Equal(c.GetProperty("repr").GetString(), model.ToString());
            Assert.Equal(c.GetProperty("numel_total").GetInt64(), model.NumParameters());
            var keys = model.StateDict().Keys.ToList();
            Assert.Equal(ModelFixtures.Strings(c.GetProperty("state_dict_keys")), keys.Take(4).Concat(keys.TakeLast(4)));
        }
        var small = new VGG16Customizable(nOutputs: 3, convType: "512to64_1x1", vgg16: vgg16, inputSize: 64);
        small.Eval();
        using (Autograd.Autograd.NoGrad())
            Assert.Equal(new Shape(1, 3), small.Call(Torch.Randn(1, 3, 64, 64)).Shape);
        Assert.Throws<ArgumentException>(() => new VGG16Customizable(3, "1x1"));
    }

    [Fact]
    public void Replacing_the_ResNet_head_replaces_its_registration()
    {
        var model = Models.ResNet18();
        int numberFeatures = model.Fc.InFeatures;
        model.Fc = new Linear(numberFeatures, 4);
        Assert.Equal(512, numberFeatures);
        var sd = model.StateDict();
        Assert.Equal(new Shape(4, 512), sd["fc.weight"].Shape);
        Assert.Equal(new Shape(4), sd["fc.bias"].Shape);
        Assert.Equal("fc.bias", sd.Keys.Last());
        Assert.EndsWith("(fc): Linear(in_features=512, out_features=4, bias=True)\n)", model.ToString());
        Assert.Same(model.Fc.Weight, model.NamedParameters().Single(p => p.Name == "fc.weight").Parameter);
        model.Eval();
        using (Autograd.Autograd.NoGrad())
            Assert.Equal(new Shape(2, 4), model.Call(Torch.Randn(2, 3, 32, 32)).Shape);
        Assert.Throws<ArgumentNullException>(() => { model.Fc = null!; });
    }

    [Fact]
    public void Freezing_the_feature_extractor_leaves_only_the_new_head_trainable()
    {
        var model = Models.ResNet18();
        model.RequiresGrad_(false);
        model.Fc = new Linear(model.Fc.InFeatures, 2);
        Assert.Equal(new[] { "fc.weight", "fc.bias" }, model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name));
        model.Call(Torch.Randn(2, 3, 32, 32)).Sum().Backward();
        Assert.All(model.NamedParameters(), p => Assert.Equal(p.Name.StartsWith("fc."), p.Parameter.Grad is not null));
    }

    [Fact]
    public void Video_and_3d_models_take_five_dimensional_input()
    {
        var r3d = Models.R3D18(numClasses: 5);
        Assert.IsType<Lumen.Vision.Models.Video.Conv3DSimple>(((VideoBasicBlock)r3d.Layer1[0]).Conv1[0]);
        r3d.Eval();
        using (Autograd.Autograd.NoGrad())
        {
            Assert.Equal(new Shape(1, 5), r3d.Call(Torch.Randn(1, 3, 2, 16, 16)).Shape);
            Assert.Equal(new Shape(2, 3), new TinyConv3d().Call(Torch.Randn(2, 1, 27, 30, 33)).Shape);
        }
        r3d.Fc = new Linear(r3d.Fc.InFeatures, 2);
        Assert.Equal(new Shape(2, 512), r3d.StateDict()["fc.weight"].Shape);
    }

    [Fact]
    public void Bottleneck_ResNet_runs_forward_and_backward()
    {
        var model = Models.ResNet50(numClasses: 3);
        var y = model.Call(Torch.Randn(2, 3, 32, 32));
        Assert.Equal(new Shape(2, 3), y.Shape);
        y.Sum().Backward();
        Assert.NotNull(model.Conv1.Weight.Grad);
        Assert.NotNull(((Bottleneck)model.Layer4[0]).Downsample![0] is Conv2d ds ? ds.Weight.Grad : null);
    }
}
