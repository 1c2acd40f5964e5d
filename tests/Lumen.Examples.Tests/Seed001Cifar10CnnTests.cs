using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Examples.Cifar10Cnn;
using Lumen.Vision.Codecs;
using Xunit;

namespace Lumen.Examples.Tests;

/// <summary>Runs seed 001's example once (--quick: 200 training and 100 test images, one epoch, a 2-configuration search)
/// for all the tests of the class. Without ../shared/data/cifar10-jpeg it runs on its synthetic stand-in, which has the
/// same class names, so the assertions hold either way.</summary>
public sealed class Seed001Run : IDisposable
{
    public string Out { get; } = Path.Combine(Path.GetTempPath(), "lumen-ex001-" + Guid.NewGuid().ToString("N"));
    public int ExitCode { get; }
    public string Output { get; }

    public Seed001Run()
    {
        (ExitCode, Output) = ExampleRunner.Run(Program.Main, "--quick", "--out", Out);
        Output = Output.Replace("\r\n", "\n");
    }

    public void Dispose()
    {
        if (Directory.Exists(Out)) Directory.Delete(Out, recursive: true);
    }
}

public sealed class Seed001Cifar10CnnTests(Seed001Run run) : IClassFixture<Seed001Run>
{
    // print(ConvNet()) and sum(p.numel() for p in model.parameters()) in PyTorch 1.13, with the ConvNet of
    // tests/Fixtures/gen_models.py (the notebook's network, florestony54/intro-to-pytorch-2, made configurable).
    private const string ConvNetRepr = """
        ConvNet(
          (conv1): Conv2d(3, 48, kernel_size=(3, 3), stride=(1, 1))
          (conv2): Conv2d(48, 48, kernel_size=(3, 3), stride=(1, 1))
          (conv3): Conv2d(48, 96, kernel_size=(3, 3), stride=(1, 1))
          (conv4): Conv2d(96, 96, kernel_size=(3, 3), stride=(2, 2))
          (flat): Flatten(start_dim=1, end_dim=-1)
          (batch_norm): BatchNorm1d(13824, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
          (fc1): Linear(in_features=13824, out_features=256, bias=True)
          (fc2): Linear(in_features=256, out_features=10, bias=True)
        )
        parameters: 3,716,154
        """;

    // torchvision 0.14: print(T.Compose([T.RandomHorizontalFlip(), T.RandomRotation(10), T.ToTensor(),
    //     T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]))
    private const string AugmentRepr = """
        train transform: Compose(
            RandomHorizontalFlip(p=0.5)
            RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)
            ToTensor()
            Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])
        )
        """;

    [Fact]
    public void Seed001_cifar10_quick_run_prints_the_data_the_model_and_its_training()
    {
        Assert.Equal(0, run.ExitCode);
        var output = run.Output;
        Assert.Contains("classes: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']", output);
        Assert.Contains("Shape of X [N, C, H, W]: [24, 3, 32, 32]", output);
        Assert.Contains(ConvNetRepr, output);
        Assert.Contains(AugmentRepr, output);
        Assert.Matches(@"loss: \d\.\d{6}  \[    0/  200\]", output);
        var testError = Regex.Match(output, @"Accuracy: ([0-9.]+)%, Avg loss: ([0-9.]+)");
        Assert.True(testError.Success);
        Assert.InRange(double.Parse(testError.Groups[2].Value, CultureInfo.InvariantCulture), 0.1, 10);
    }

    [Fact]
    public void Seed001_cifar10_quick_run_searches_two_configurations_and_keeps_the_lowest_loss()
    {
        var rows = Regex.Matches(run.Output, @"^(\d\d)   (\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([0-9.]+)\s+([0-9.]+)%", RegexOptions.Multiline);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new[] { "32", "64" }, rows.Select(r => r.Groups[4].Value));   // l1 in the quick space {c1: [8], c2: [16], l1: [32, 64]}
        var losses = rows.Select(r => double.Parse(r.Groups[7].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0));
        int best = losses.IndexOf(losses.Min());
        Assert.Single(Regex.Matches(run.Output, "<- best"));
        Assert.Contains($"Best: Run {best:D2} with c1=8, c2=16, l1={(best == 0 ? 32 : 64)}", run.Output);
        Assert.True(File.Exists(Path.Combine(run.Out, "search", "run-00", "best.safetensors")));
        Assert.True(File.Exists(Path.Combine(run.Out, "search", "run-01", "best.safetensors")));
    }

    [Fact]
    public void Seed001_cifar10_quick_run_evaluates_per_class_and_draws_filters_and_samples()
    {
        var output = run.Output;
        Assert.Contains("Accuracy of the network on the 100 test images:", output);
        Assert.Equal(10, Regex.Matches(output, @"^Accuracy for class: \w+\s+is [0-9.]+ %$", RegexOptions.Multiline).Count);
        Assert.Equal(10, Regex.Matches(output, @"^  \w+\s+recall [0-9.]+ %  precision [0-9.]+ %$", RegexOptions.Multiline).Count);
        // The confusion matrix: a header and ten rows whose counts add up to the 100 test images.
        var cm = Regex.Matches(output, @"^\s*(airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck)((?:\s+\d+){10})$", RegexOptions.Multiline);
        Assert.Equal(10, cm.Count);
        Assert.Equal(100, cm.Sum(m => m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(int.Parse)));
        // 48 conv1 filters, 8 per row, each 3×3 drawn 8× larger with 1 pixel between: 8·24 + 9 by 6·24 + 7 pixels.
        var filters = ImageCodec.Load(Path.Combine(run.Out, "conv1_filters.png"));
        Assert.Equal((201, 151, 3), (filters.Width, filters.Height, filters.Channels));
        Assert.True(File.Exists(Path.Combine(run.Out, "sample_predictions.png")));
    }
}
