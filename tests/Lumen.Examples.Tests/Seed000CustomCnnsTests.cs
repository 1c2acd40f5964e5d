using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Examples.CustomCnns;
using Xunit;

namespace Lumen.Examples.Tests;

/// <summary>Runs seed 000's example once (--quick) for all the tests of the class.</summary>
public sealed class Seed000Run : IDisposable
{
    public string Out { get; } = Path.Combine(Path.GetTempPath(), "lumen-ex000-" + Guid.NewGuid().ToString("N"));
    public int ExitCode { get; }
    public string Output { get; }

    public Seed000Run()
    {
        (ExitCode, Output) = ExampleRunner.Run(Program.Main, "--quick", "--out", Out);
        Output = Output.Replace("\r\n", "\n");
    }

    public void Dispose()
    {
        if (Directory.Exists(Out)) Directory.Delete(Out, recursive: true);
    }
}

public sealed class Seed000CustomCnnsTests(Seed000Run run) : IClassFixture<Seed000Run>
{
    private readonly string _out = run.Out;

    // The expected reprs and counts were printed by PyTorch 1.13 running the seed's definitions (TinyConv and
    // TinyConvWithoutSequential from rachellea/pytorch-computer-vision models/custom_models_base.py; the 3D twin with
    // nn.Conv3d; VGG16Customizable's features = nn.Sequential(*list(torchvision.models.vgg16().children())[:-2])).
    private const string TinyConvRepr = """
        TinyConv(
          (conv): Sequential(
            (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(3, 3))
            (1): ReLU(inplace=True)
            (2): Conv2d(8, 16, kernel_size=(3, 3), stride=(3, 3))
            (3): ReLU(inplace=True)
          )
          (fc): Linear(in_features=144, out_features=3, bias=True)
        )
        """;

    private const string TinyConvWithoutSequentialRepr = """
        TinyConvWithoutSequential(
          (conv1): Conv2d(3, 8, kernel_size=(3, 3), stride=(3, 3))
          (relu): ReLU(inplace=True)
          (conv2): Conv2d(8, 16, kernel_size=(3, 3), stride=(3, 3))
          (fc): Linear(in_features=144, out_features=3, bias=True)
        )
        """;

    private const string TinyConv3dRepr = """
        TinyConv3d(
          (conv): Sequential(
            (0): Conv3d(1, 8, kernel_size=(3, 3, 3), stride=(3, 3, 3))
            (1): ReLU(inplace=True)
            (2): Conv3d(8, 16, kernel_size=(3, 3, 3), stride=(3, 3, 3))
            (3): ReLU(inplace=True)
          )
          (fc): Linear(in_features=432, out_features=3, bias=True)
        )
        """;

    private const string ConvTwoLayersRepr = """
        Sequential(
          (0): Conv2d(1, 8, kernel_size=(2, 2), stride=(2, 2))
          (1): Conv2d(8, 16, kernel_size=(2, 2), stride=(2, 2))
        )
        """;

    [Fact]
    public void Seed000_custom_cnns_quick_run_prints_pytorch_reprs_counts_and_module_walks()
    {
        var (code, output) = (run.ExitCode, run.Output);
        Assert.Equal(0, code);
        Assert.Contains("Conv2d(3, 16, kernel_size=(3, 3), stride=(3, 3))\n", output);
        Assert.Contains("Conv3d(3, 16, kernel_size=(3, 3, 3), stride=(3, 3, 3))\n", output);
        Assert.Contains(ConvTwoLayersRepr, output);
        Assert.Contains("grey batch [4, 1, 400, 500] -> conv_two_layers -> [4, 16, 100, 125]", output);
        Assert.Contains(TinyConvRepr, output);
        Assert.Contains(TinyConvWithoutSequentialRepr, output);
        Assert.Contains(TinyConv3dRepr, output);
        Assert.Equal(2, Regex.Matches(output, "parameters: 1,827\n").Count);   // sum(p.numel()) = 1827 for both 2D models
        Assert.Contains("parameters: 4,995\n", output);
        Assert.Contains("children: Sequential, Linear\n", output);
        Assert.Contains("children: Conv2d, ReLU, Conv2d, Linear\n", output);
        Assert.Contains("named_modules: '', conv, conv.0, conv.1, conv.2, conv.3, fc\n", output);
        Assert.Contains("named_modules: '', conv1, relu, conv2, fc\n", output);
        Assert.Contains("  conv.2.weight [16, 8, 3, 3]\n", output);
        Assert.Contains("  conv1.weight [8, 3, 3, 3]\n", output);
        Assert.Contains("TinyConv forward: input [4, 3, 32, 32] -> conv [4, 16, 3, 3] -> flatten [4, 144] -> fc [4, 3]", output);
        Assert.Contains("TinyConv3d forward: input [2, 1, 32, 32, 32] -> conv [2, 16, 3, 3, 3] -> output [2, 3]", output);
        Assert.Contains("conv_type=512to64_1x1: fc Linear(in_features=6400, out_features=20, bias=True), parameters 14,875,540", output);
    }

    [Fact]
    public void Seed000_custom_cnns_quick_run_trains_resumes_and_writes_prediction_csvs()
    {
        var (code, output) = (run.ExitCode, run.Output);
        Assert.Equal(0, code);
        Assert.Contains("Running with optimizer lr=0.001, momentum=0.99 and weight_decay=1e-07", output);
        Assert.Contains("task = restart_train_eval (to epoch 2)", output);
        Assert.Contains("resumed after epoch 1", output);

        // Demo 1 (stopped after epoch 1, then restarted) and Demo 2 (uninterrupted) start from the same seed with the same
        // parameter order, so the resumed run must print the same per-epoch losses as the uninterrupted one.
        var epochs = Regex.Matches(output, @"Epoch (\d+)\s+Train Loss  ([0-9.]+)   Valid Loss  ([0-9.]+)").Select(m => m.Value).ToList();
        Assert.Equal(4, epochs.Count);
        Assert.Equal(epochs.Take(2), epochs.Skip(2));
        foreach (Match m in Regex.Matches(output, @"Train Loss  ([0-9.]+)   Valid Loss  ([0-9.]+)"))
            Assert.All(new[] { m.Groups[1].Value, m.Groups[2].Value }, v => Assert.True(double.Parse(v, CultureInfo.InvariantCulture) is > 0 and < 2));
        Assert.Matches(@"LabelRed\s+AUROC [01]\.\d{3}  average precision [01]\.\d{3}", output);

        var dir = Path.Combine(_out, "Model-TinyConvWithoutSequential_TinyData");
        foreach (var (file, rows) in new[] { ("predictions_valid.csv", 16), ("predictions_test.csv", 16) })
        {
            var lines = File.ReadAllLines(Path.Combine(dir, file));
            Assert.Equal("index,true_label,predicted_label,p_LabelRed,p_LabelBlue,p_LabelYellow", lines[0]);
            Assert.Equal(rows, lines.Length - 1);
        }
        Assert.True(File.Exists(Path.Combine(dir, "best.safetensors")));
        Assert.True(File.Exists(Path.Combine(dir, "last.safetensors")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length); // header + 2 epochs
    }
}
