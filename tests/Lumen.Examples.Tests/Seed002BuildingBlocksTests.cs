using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Examples.BuildingBlocks;
using Xunit;

namespace Lumen.Examples.Tests;

/// <summary>Runs seed 002's example once (--quick: the dogs-vs-cats part on 64 training and 32 validation images at 32×32,
/// two epochs) for all the tests of the class.</summary>
public sealed class Seed002Run : IDisposable
{
    public string Out { get; } = Path.Combine(Path.GetTempPath(), "lumen-ex002-" + Guid.NewGuid().ToString("N"));
    public int ExitCode { get; }
    public string Output { get; }

    public Seed002Run()
    {
        (ExitCode, Output) = ExampleRunner.Run(Program.Main, "--quick", "--out", Out);
        Output = Output.Replace("\r\n", "\n");
    }

    public void Dispose()
    {
        if (Directory.Exists(Out)) Directory.Delete(Out, recursive: true);
    }
}

public sealed class Seed002BuildingBlocksTests(Seed002Run run) : IClassFixture<Seed002Run>
{
    // Every expected string below was printed by PyTorch 1.13 running the same lines with the same seeds
    // (torch.manual_seed(0): Linear(5, 3), randn(1, 5), Linear(5, 3), Linear(3, 2), NeuralNetwork(5, 4, 3); seed 1: the
    // MSELoss and CrossEntropyLoss snippets; seed 2: the per-pixel NLLLoss input). Lumen's generator and initialisers
    // reproduce PyTorch's, so the printed tensors are the same.
    private const string LinearOutputs = """
        tensor([[-0.0137,  0.1524, -0.0641]], grad_fn=<AddmmBackward0>)
        Parameter containing:
        tensor([[-0.0033,  0.2399, -0.3681, -0.3291, -0.1722],
                [ 0.1199, -0.0089,  0.3546, -0.0397,  0.1183],
                [-0.1352, -0.0879, -0.4272, -0.2962, -0.1844]], requires_grad=True)
        Parameter containing:
        tensor([0.0166, 0.1768, 0.2683], requires_grad=True)
        tensor([[ 0.3175, -0.1730]], grad_fn=<AddmmBackward0>)
        NeuralNetwork(
          (layer1): Linear(in_features=5, out_features=4, bias=True)
          (layer2): Linear(in_features=4, out_features=3, bias=True)
        )
        tensor([[ 0.6506,  0.0882, -0.3018]], grad_fn=<AddmmBackward0>)
        """;

    private const string Activations = """
        ReLU      tensor([[10.,  2.,  0.,  0.]])
        Sigmoid   tensor([[1.0000, 0.8808, 0.2689, 0.2689]])
        Tanh      tensor([[ 1.0000,  0.9640, -0.7616, -0.7616]])
        LeakyReLU tensor([[ 1.0000e+01,  2.0000e+00, -1.0000e-02, -1.0000e-02]])
        """;

    private const string LossLines = """
        MSELoss tensor(2.7899, grad_fn=<MseLossBackward0>)
          input.grad tensor([[ 0.1428,  0.2054, -0.0601,  0.0590, -0.0051,  0.0574],
                [ 0.0083,  0.0842, -0.7691,  0.2114, -0.4152,  0.2031]])
        CrossEntropyLoss target tensor([2, 2]) loss tensor(1.6629, grad_fn=<NllLossBackward0>)
        L1Loss tensor(0.6250)
        NLLLoss tensor(0.4076)
        NLLLoss weighted tensor(0.8076)
        NLLLoss per pixel tensor(0.9400)
        BCELoss tensor(2.3026)
        """;

    [Fact]
    public void Seed002_quick_run_prints_pytorchs_layers_activations_and_losses()
    {
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(LinearOutputs, run.Output);
        Assert.Contains(Activations, run.Output);
        Assert.Contains(LossLines, run.Output);
    }

    [Fact]
    public void Seed002_quick_run_steps_every_optimizer_the_chapter_names_as_pytorch_does()
    {
        // PyTorch 1.13: torch.manual_seed(3); X = randn(8, 5); Y = randn(8, 3); for each optimizer torch.manual_seed(4);
        // Linear(5, 3); one step(closure) on MSELoss; SparseAdam on the rows [1, 3, 3] of a randn(10, 3) embedding.
        var expected = new Dictionary<string, (double Before, double After)>
        {
            ["ASGD"] = (0.510793, 0.509341), ["Adadelta"] = (0.510793, 0.506601), ["Adagrad"] = (0.510793, 0.497975),
            ["Adam"] = (0.510793, 0.509451), ["Adamax"] = (0.510793, 0.508121), ["LBFGS"] = (0.510793, 0.240109),
            ["RMSprop"] = (0.510793, 0.443514), ["Rprop"] = (0.510793, 0.497975), ["SGD"] = (0.510793, 0.509341),
            ["SparseAdam"] = (0.156591, 0.149844),
        };
        foreach (var (name, (before, after)) in expected)
        {
            var m = Regex.Match(run.Output, $@"^{name}\s+loss before ([0-9.]+) after one step ([0-9.]+)", RegexOptions.Multiline);
            Assert.True(m.Success, $"no line for {name}");
            Assert.Equal(before, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 5);
            Assert.Equal(after, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 5);
        }
        Assert.Contains("rows changed [1, 3]", run.Output);
        // StepLR(step_size=2, gamma=0.05) from lr 0.005: PyTorch's get_last_lr() over six epochs.
        var lrs = Regex.Match(run.Output, @"lr per epoch: \[(.*)\]").Groups[1].Value.Split(", ").Select(v => double.Parse(v, CultureInfo.InvariantCulture));
        Assert.Equal(new[] { 0.005, 0.005, 0.00025, 0.00025, 1.25e-05, 1.25e-05 }, lrs.Select(v => Math.Round(v, 12)));
        Assert.Contains("Dropout(p=0.5, inplace=False) in eval:     tensor([[1., 1., 1., 1., 1., 1., 1., 1., 1., 1.]])", run.Output);
        Assert.Matches(@"-> mean \[-?0\.00, -?0\.00, -?0\.00\] std \[1\.00, 1\.00, 1\.00\]", run.Output);
    }

    [DogCatFact]
    public void Seed002_quick_run_splits_dogcat_and_fine_tunes_resnet18_with_a_two_class_head()
    {
        var output = run.Output;
        Assert.Contains("Total no of images 1399", output);
        Assert.Matches(@"train 1149 \(cat \d+, dog \d+\), valid 250 \(cat \d+, dog \d+\)", output);
        // torchvision 0.14: print(T.Normalize([0.12, 0.11, 0.40], [0.89, 0.21, 0.12]))
        Assert.Contains("Normalize(mean=[0.12, 0.11, 0.4], std=[0.89, 0.21, 0.12])", output);
        Assert.Contains("train.class_to_idx - {'cat': 0, 'dog': 1}", output);
        Assert.Contains("train.classes - ['cat', 'dog']", output);
        // resnet18 with fc = Linear(512, 2): 11,176,512 + 1,026 parameters (sum(p.numel()) in PyTorch).
        Assert.Contains("fc replaced: Linear(in_features=512, out_features=2, bias=True); parameters 11,177,538", output);
        var phases = Regex.Matches(output, @"^(train|valid) Loss: ([0-9.]+) Acc: ([0-9.]+)$", RegexOptions.Multiline);
        Assert.Equal(4, phases.Count);   // two epochs, a training and a validation phase each
        Assert.All(phases, p => Assert.True(double.Parse(p.Groups[2].Value, CultureInfo.InvariantCulture) is > 0 and < 10));
        Assert.Matches(@"Best val Acc: 0\.\d{6}", output);
        Assert.True(File.Exists(Path.Combine(run.Out, "train30.png")));
        Assert.Equal(250, Directory.GetFiles(Path.Combine(run.Out, "dogcat-split", "valid"), "*.jpg", SearchOption.AllDirectories).Length);
    }
}
