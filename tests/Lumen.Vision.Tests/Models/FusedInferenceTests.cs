using Lumen.NN;
using Lumen.Vision.Models;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Vision.Tests;

using Models = Lumen.Vision.Models.Models;

/// <summary>FuseForInference on every zoo model: after a few train-mode batches (so the running statistics and the
/// affine parameters are far from their initial values) the fused eval/no-grad output agrees with the modules run one
/// by one within 1e-5, the chains found match the architecture, and printout and state dict are untouched.</summary>
[Collection("GlobalRng")]
public class FusedInferenceTests
{
    private readonly ITestOutputHelper _log;
    public FusedInferenceTests(ITestOutputHelper log) => _log = log;

    private static readonly Dictionary<string, (Func<Module> Build, int[] Shape)> Zoo = new()
    {
        ["resnet18"] = (() => Models.ResNet18(numClasses: 10), new[] { 2, 3, 64, 64 }),
        ["resnet34"] = (() => Models.ResNet34(numClasses: 10), new[] { 2, 3, 64, 64 }),
        ["resnet50"] = (() => Models.ResNet50(numClasses: 10), new[] { 2, 3, 64, 64 }),
        ["vgg11_bn"] = (() => Models.VGG11BN(numClasses: 10), new[] { 2, 3, 32, 32 }),
        ["vgg13_bn"] = (() => Models.VGG13BN(numClasses: 10), new[] { 2, 3, 32, 32 }),
        ["vgg16_bn"] = (() => Models.VGG16BN(numClasses: 10), new[] { 2, 3, 32, 32 }),
        ["vgg19_bn"] = (() => Models.VGG19BN(numClasses: 10), new[] { 2, 3, 32, 32 }),
        ["r3d_18"] = (() => Models.R3D18(numClasses: 10), new[] { 2, 3, 4, 32, 32 }),
        ["MnistCNN"] = (() => new MnistCNN(), new[] { 4, 1, 28, 28 }),
        ["NetBatchNorm"] = (() => new NetBatchNorm(), new[] { 4, 3, 32, 32 }),
        ["ConvNet"] = (() => new ConvNet(), new[] { 4, 3, 32, 32 }),
        ["SimpleCNN"] = (() => new SimpleCNN(), new[] { 4, 3, 32, 32 }),
        ["ResBlock"] = (() => new ResBlock(8), new[] { 4, 8, 16, 16 }),
        ["NetResDeep"] = (() => new NetResDeep(), new[] { 4, 3, 32, 32 }),
        ["NetResDeepIndependent"] = (() => new NetResDeep(sharedBlocks: false), new[] { 4, 3, 32, 32 }),
        ["TinyConv3d"] = (() => new TinyConv3d(), new[] { 2, 1, 27, 27, 27 }),
        ["TinyConv"] = (() => new TinyConv(), new[] { 4, 3, 32, 32 }),
        ["Net"] = (() => new Net(), new[] { 4, 3, 32, 32 }),
        ["NetRes"] = (() => new NetRes(), new[] { 4, 3, 32, 32 }),
        ["LeNet5"] = (() => new LeNet5(), new[] { 4, 1, 28, 28 }),
    };

    /// <summary>Chains fused and how many of them took their ReLU, per model: every batch norm after a convolution is
    /// folded (ConvNet's BatchNorm1d follows a flatten, not a convolution); the ReLU is fused where a ReLU module is the
    /// batch norm's only reader (not after a residual add, not a functional relu or tanh).</summary>
    [Theory]
    [InlineData("resnet18", 20, 9)]
    [InlineData("resnet34", 36, 17)]
    [InlineData("resnet50", 53, 33)]
    [InlineData("vgg11_bn", 8, 8)]
    [InlineData("vgg16_bn", 13, 13)]
    [InlineData("r3d_18", 20, 9)]
    [InlineData("MnistCNN", 4, 4)]
    [InlineData("NetBatchNorm", 2, 0)]
    [InlineData("ConvNet", 0, 0)]
    [InlineData("SimpleCNN", 0, 0)]
    [InlineData("ResBlock", 1, 0)]
    [InlineData("NetResDeep", 1, 0)]
    [InlineData("NetResDeepIndependent", 10, 0)]
    [InlineData("TinyConv3d", 0, 0)]
    [InlineData("TinyConv", 0, 0)]
    [InlineData("Net", 0, 0)]
    [InlineData("NetRes", 0, 0)]
    [InlineData("LeNet5", 0, 0)]
    public void Fused_zoo_model_matches_unfused_within_1e_5_and_keeps_its_tree(string name, int chains, int relus) =>
        FuseAndCompare(name, chains, relus);

    /// <summary>The other large ones (LUMEN_FUSE_FULL=1).</summary>
    [FuseFullTheory]
    [InlineData("vgg13_bn", 10, 10)]
    [InlineData("vgg19_bn", 16, 16)]
    public void Fused_large_zoo_model_matches_unfused_within_1e_5(string name, int chains, int relus) => FuseAndCompare(name, chains, relus);

    private void FuseAndCompare(string name, int chains, int relus)
    {
        Torch.ManualSeed(1515);
        var (build, shape) = Zoo[name];
        var model = build();
        foreach (var m in model.Modules())
            if (m is BatchNormBase { Affine: true } bn) { Init.Uniform_(bn.Weight!, 0.5, 1.5); Init.Uniform_(bn.Bias!, -0.3, 0.3); }
        model.Train();
        using (Autograd.Autograd.NoGrad())
            for (int i = 0; i < 3; i++) model.Call(Torch.Randn(shape).Mul(1.5f).Add(Torch.Scalar(0.25f)));
        model.Eval();

        string repr = model.ToString();
        var state = Fingerprint(model);
        var x = Torch.Randn(shape);
        Tensor unfused, fused;
        using (Autograd.Autograd.NoGrad()) unfused = model.Call(x);
        var found = model.FuseForInference(x);
        using (Autograd.Autograd.NoGrad()) fused = model.Call(x);

        var (e, a) = (unfused.ToArray<double>(), fused.ToArray<double>());
        double maxAbs = e.Max(Math.Abs), maxErr = e.Zip(a, (p, q) => Math.Abs(p - q)).Max();
        _log.WriteLine($"{name}: {found.Count} chains ({found.Count(c => c.ReLU != null)} with ReLU); max |fused − unfused| {maxErr:G3}, relative to max |unfused| {maxErr / maxAbs:G3}");
        foreach (var c in found) _log.WriteLine($"  {c.Conv} → {c.BatchNorm}{(c.ReLU != null ? " → " + c.ReLU : "")}");
        Assert.Equal(chains, found.Count);
        Assert.Equal(relus, found.Count(c => c.ReLU != null));
        Assert.Equal(found.Count, found.Select(c => c.BatchNorm).Distinct().Count());
        Assert.True(maxErr <= 1e-5 * maxAbs, $"{name}: max error {maxErr:G3} over max |output| {maxAbs:G3}");
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= 1e-5 * Math.Max(1, Math.Abs(e[i])), $"{name}: element {i}: fused {a[i]:G9}, unfused {e[i]:G9}");

        Assert.Equal(repr, model.ToString());
        Assert.Equal(state, Fingerprint(model));
    }

    /// <summary>Each state-dict entry's key, shape and sum (130 M VGG values are too many to copy per test).</summary>
    private static List<string> Fingerprint(Module model) =>
        model.StateDict().Select(kv => $"{kv.Key} {kv.Value.Shape} {kv.Value.Sum().ToArray<double>()[0]:R}").ToList();
}
