using Lumen.NN;
using Lumen.Vision.Models;
using Xunit;

namespace Lumen.Vision.Tests;

/// <summary>The seeds' models against PyTorch twins built under the same seed (tests/Fixtures/gen_models.py): printed
/// structure, parameter names, bit-exact initial weights, outputs and input gradients.</summary>
[Collection("GlobalRng")]
public class SeedModelTests
{
    private static readonly Dictionary<string, Func<Module>> Builders = new()
    {
        ["TinyConv"] = () => new TinyConv(),
        ["TinyConvWithoutSequential"] = () => new TinyConvWithoutSequential(),
        ["TinyConv3d"] = () => new TinyConv3d(),
        ["ConvNet"] = () => new ConvNet(),
        ["ConvNetSmall"] = () => new ConvNet(c1: 8, c2: 16, l1: 32),
        ["Net"] = () => new Net(),
        ["NetWidth"] = () => new NetWidth(),
        ["NetWidth16"] = () => new NetWidth(16),
        ["NetDropout"] = () => new NetDropout(),
        ["NetBatchNorm"] = () => new NetBatchNorm(),
        ["NetDepth"] = () => new NetDepth(),
        ["NetRes"] = () => new NetRes(),
        ["ResBlock"] = () => new ResBlock(8),
        ["NetResDeep"] = () => new NetResDeep(),
        ["NetResDeepIndependent"] = () => new NetResDeep(sharedBlocks: false),
        ["SimpleCNN"] = () => new SimpleCNN(),
        ["MnistCNN"] = () => new MnistCNN(),
        ["LeNet5"] = () => new LeNet5(),
    };

    public static TheoryData<string> Names => new(Builders.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Seeded_model_matches_its_PyTorch_twin_in_structure_weights_outputs_and_input_gradient(string name)
    {
        var c = ModelFixtures.Case("seeds", name);
        Torch.ManualSeed(c.GetProperty("seed").GetInt64());
        var model = Builders[name]();

        ModelFixtures.AssertStructureMatches(c, model);
        Assert.Equal(c.GetProperty("numel").EnumerateArray().Select(x => x.GetInt32()), model.Parameters().Select(p => p.Numel()));
        ModelFixtures.AssertWeightsMatch(c.GetProperty("weights"), model, name);

        var outEval = ModelFixtures.Tensor(c.GetProperty("out_eval"));
        var shape = c.GetProperty("grad_x").GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var x = ModelFixtures.Randn(shape, c.GetProperty("x_seed").GetInt64());
        Assert.Equal(c.GetProperty("x_sum").GetDouble(), x.ToArray<double>().Sum(), 6);

        if (c.TryGetProperty("out_train", out var outTrain))
        {
            model.Train();
            ModelFixtures.Close(ModelFixtures.Tensor(outTrain), model.Call(x), 1e-5, $"{name} train-mode output");
        }
        model.Eval();
        var xg = x.Clone().RequiresGrad_(true);
        var y = model.Call(xg);
        ModelFixtures.Close(outEval, y, 1e-5, $"{name} eval-mode output");
        var g = ModelFixtures.Randn(y.Shape.ToArray(), c.GetProperty("g_seed").GetInt64());
        y.Mul(g).Sum().Backward();

        var gx = c.GetProperty("grad_x");
        var grad = xg.Grad!.ToArray<double>();
        int step = gx.GetProperty("step").GetInt32();
        var sampled = ModelFixtures.Tensor(gx.GetProperty("values"));
        var ours = Torch.Tensor(Enumerable.Range(0, sampled.Numel()).Select(i => (float)grad[i * step]).ToArray());
        ModelFixtures.Close(sampled, ours, 1e-5, $"{name} input gradient (every {step}th element)");
        double sumAbs = grad.Sum(Math.Abs), eSumAbs = gx.GetProperty("sumabs").GetDouble();
        Assert.True(Math.Abs(sumAbs - eSumAbs) <= 1e-4 * Math.Max(1, eSumAbs), $"{name}: sum |grad| {sumAbs}, PyTorch {eSumAbs}");
    }

    [Fact]
    public void Every_module_and_parameter_a_zoo_model_exposes_is_registered()
    {
        var roots = Builders.Values.Select(b => b()).Concat(new Module[]
        {
            new ResNet(ResNetBlock.BasicBlock, new[] { 1, 1, 1, 1 }, numClasses: 3),
            new Lumen.Vision.Models.Video.VideoResNet(new[] { 1, 1, 1, 1 }, numClasses: 3),
            new ResNet(ResNetBlock.Bottleneck, new[] { 1, 1, 1, 1 }, numClasses: 3),
            new VGG(VGG.MakeLayers(new[] { 8, -1 }, batchNorm: true), numClasses: 3, initWeights: false),
        });
        foreach (var root in roots)
            foreach (var (path, m) in root.NamedModules())
            {
                var children = m.Children().ToHashSet(ReferenceEqualityComparer.Instance);
                var own = m.NamedParametersOwn().Select(p => (object)p.Parameter).ToHashSet(ReferenceEqualityComparer.Instance);
                var type = m.GetType();
                var members = type.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
                    .Select(f => (f.Name, Value: f.GetValue(m)))
                    .Concat(type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
                        .Where(pr => pr.GetIndexParameters().Length == 0).Select(pr => (pr.Name, Value: pr.GetValue(m))));
                foreach (var (member, value) in members)
                {
                    if (value is Parameter par)
                        Assert.True(own.Contains(par), $"{type.Name}.{member} at '{path}' is not a registered parameter");
                    else if (value is Module child)
                        Assert.True(children.Contains(child), $"{type.Name}.{member} at '{path}' is not a registered submodule");
                }
            }
    }

    [Fact]
    public void DLwPT_Net_has_the_books_parameter_sizes_18090_in_all()
    {
        var model = new Net();
        var numelList = model.Parameters().Select(p => p.Numel()).ToArray();
        Assert.Equal(new[] { 432, 16, 1152, 8, 16384, 32, 64, 2 }, numelList);
        Assert.Equal(18090, numelList.Sum());
    }

    [Fact]
    public void DLwPT_NetWidth_has_38386_parameters()
    {
        Assert.Equal(38386, new NetWidth().Parameters().Sum(p => p.Numel()));
    }

    [Fact]
    public void NetResDeep_shares_one_block_by_default_and_builds_independent_blocks_on_request()
    {
        var shared = new NetResDeep(nChans1: 32, nBlocks: 10);
        var independent = new NetResDeep(nChans1: 32, nBlocks: 10, sharedBlocks: false);
        long block = 32 * 32 * 9 + 2 * 32;
        long rest = 3 * 32 * 9 + 32 + 8 * 8 * 32 * 32 + 32 + 32 * 2 + 2;
        Assert.Equal(rest + block, shared.NumParameters());
        Assert.Equal(rest + 10 * block, independent.NumParameters());
        Assert.Same(shared.Resblocks[0], shared.Resblocks[9]);
        Assert.NotSame(independent.Resblocks[0], independent.Resblocks[9]);
        Assert.Equal(10, shared.Resblocks.Count);
        // Both state dicts have one entry per block name, so checkpoints move between the two variants.
        Assert.Equal(shared.StateDict().Keys, independent.StateDict().Keys);
        Assert.Contains("resblocks.9.conv.weight", shared.StateDict().Keys);
        Assert.DoesNotContain(shared.NamedParameters(), p => p.Name.StartsWith("resblocks.1."));
        // The shared block runs ten times: one block applied once gives a different result.
        Torch.ManualSeed(3);
        var x = Torch.Randn(1, 32, 16, 16);
        shared.Eval();
        var once = shared.Resblocks[0].Call(x);
        var tenTimes = shared.Resblocks.Call(x);
        Assert.False(once.AllClose(tenTimes));
    }

    // ------------------------------------------------------------------ seed 004's printouts (PyTorch's two-space indents)

    private const string SimpleCnnRepr = """
SimpleCNN(
  (layer1): Sequential(
    (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (relu1): ReLU(inplace=True)
    (pool1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  )
  (layer2): Sequential(
    (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (relu2): ReLU(inplace=True)
    (pool2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  )
  (layer3): Sequential(
    (conv3): Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (relu3): ReLU(inplace=True)
    (pool3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  )
  (layer4): Sequential(
    (fc1): Linear(in_features=2048, out_features=512, bias=True)
    (fc_relu1): ReLU(inplace=True)
    (fc2): Linear(in_features=512, out_features=64, bias=True)
    (fc_relu2): ReLU(inplace=True)
    (f3): Linear(in_features=64, out_features=10, bias=True)
  )
)
""";

    [Fact]
    public void SimpleCNN_prints_as_seed_004_prints_it()
    {
        // The seed's first printout drops "padding=(1, 1)" from conv2, which its own code (and its second printout)
        // contradicts; PyTorch prints it, and so does this string.
        Assert.Equal(SimpleCnnRepr.ReplaceLineEndings("\n"), new SimpleCNN().ToString());
        Assert.Equal(ModelFixtures.Case("seeds", "SimpleCNN").GetProperty("repr").GetString(), SimpleCnnRepr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void SimpleCNN_named_parameters_are_the_seeds_list()
    {
        var expected = new[]
        {
            "layer1.conv1.weight", "layer1.conv1.bias", "layer2.conv2.weight", "layer2.conv2.bias",
            "layer3.conv3.weight", "layer3.conv3.bias", "layer4.fc1.weight", "layer4.fc1.bias",
            "layer4.fc2.weight", "layer4.fc2.bias", "layer4.f3.weight", "layer4.f3.bias",
        };
        Assert.Equal(expected, new SimpleCNN().NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void SimpleCNN_first_two_children_print_as_in_seed_004()
    {
        var model = new SimpleCNN();
        var firstTwo = new Sequential(model.Children().Take(2));
        const string expected = """
Sequential(
  (0): Sequential(
    (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (relu1): ReLU(inplace=True)
    (pool1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  )
  (1): Sequential(
    (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (relu2): ReLU(inplace=True)
    (pool2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  )
)
""";
        Assert.Equal(expected.ReplaceLineEndings("\n"), firstTwo.ToString());
        Assert.Equal(ModelFixtures.Case("seeds", "SimpleCNN_extractions").GetProperty("first_two").GetString(), firstTwo.ToString());
    }

    [Fact]
    public void SimpleCNN_conv_layers_extracted_by_type_print_as_in_seed_004()
    {
        var model = new SimpleCNN();
        var convModel = new Sequential();
        foreach (var (name, layer) in model.NamedModules())
            if (layer is Conv2d)
                convModel.AddModule(name.Split('.')[1], layer);
        const string expected = """
Sequential(
  (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (conv3): Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
)
""";
        Assert.Equal(expected.ReplaceLineEndings("\n"), convModel.ToString());
        Assert.Equal(ModelFixtures.Case("seeds", "SimpleCNN_extractions").GetProperty("convs").GetString(), convModel.ToString());
        // The extracted layers are the model's own modules (shared, not copied), as in PyTorch.
        Assert.Same(model.Layer1[0], convModel[0]);
    }

    [Fact]
    public void TinyConv_and_TinyConvWithoutSequential_compute_the_same_function_from_the_same_weights()
    {
        var a = new TinyConv();
        var b = new TinyConvWithoutSequential();
        var sd = a.StateDict();
        b.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["conv1.weight"] = sd["conv.0.weight"], ["conv1.bias"] = sd["conv.0.bias"],
            ["conv2.weight"] = sd["conv.2.weight"], ["conv2.bias"] = sd["conv.2.bias"],
            ["fc.weight"] = sd["fc.weight"], ["fc.bias"] = sd["fc.bias"],
        });
        var x = Torch.Randn(new[] { 2, 3, 30, 30 }, new Generator(5));
        Assert.True(a.Call(x).ValueEquals(b.Call(x)));
    }

    [Fact]
    public void Models_name_the_module_and_both_shapes_on_a_wrong_input()
    {
        var ex = Assert.ThrowsAny<Exception>(() => new TinyConv().Call(Torch.Zeros(2, 1, 32, 32)));
        Assert.Contains("[2, 1, 32, 32]", ex.Message);
    }
}
