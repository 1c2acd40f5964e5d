using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Examples.Conv2dMaxPoolMnist;
using Xunit;

namespace Lumen.Examples.Tests;

/// <summary>Seed 004's example (examples/004-conv2d-maxpool-mnist) run with --quick. The expected printouts are PyTorch
/// 1.13's, from tests/Fixtures/gen_examples_003_004.py (the section named in each comment).</summary>
public class Seed004Tests
{
    private static readonly Lazy<(int ExitCode, string Output)> QuickRun = new(() => ExampleRunner.Run(Program.Main, "--quick"));

    private static string Output
    {
        get
        {
            var (code, output) = QuickRun.Value;
            Assert.True(code == 0, $"exit code {code}; output:\n{output}");
            return output.Replace("\r\n", "\n");
        }
    }

    // "# seed 004: Conv2d / MaxPool2d arguments on a (1, 4, 32, 32) input"
    [Theory]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1)) -> [1, 8, 30, 30]  weight [8, 4, 3, 3] bias [8] params 296")]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2)) -> [1, 8, 15, 15]  weight [8, 4, 3, 3] bias [8] params 296")]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)) -> [1, 8, 32, 32]  weight [8, 4, 3, 3] bias [8] params 296")]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 2), stride=(1, 1)) -> [1, 8, 30, 31]  weight [8, 4, 3, 2] bias [8] params 200")]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), dilation=(2, 2)) -> [1, 8, 28, 28]  weight [8, 4, 3, 3] bias [8] params 296")]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), groups=2) -> [1, 8, 30, 30]  weight [8, 2, 3, 3] bias [8] params 152")]
    [InlineData("Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), bias=False) -> [1, 8, 30, 30]  weight [8, 4, 3, 3] bias None params 288")]
    [InlineData("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False) -> [1, 4, 16, 16]")]
    [InlineData("MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False) -> [1, 4, 15, 15]")]
    [InlineData("MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True) -> [1, 4, 16, 16]")]
    [InlineData("MaxPool2d(kernel_size=2, stride=2, padding=1, dilation=1, ceil_mode=False) -> [1, 4, 17, 17]")]
    [InlineData("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=2, ceil_mode=False) -> [1, 4, 15, 15]")]
    public void Seed004_quick_run_prints_each_Conv2d_and_MaxPool2d_argument_with_PyTorchs_repr_and_output_shape(string line) =>
        Assert.Contains(line + "\n", Output);

    [Fact]
    public void Seed004_quick_run_prints_SimpleCNN_its_slices_and_parameter_counts_as_PyTorch()
    {
        var output = Output;
        // "# seed 004: SimpleCNN, its slices, the MNIST CNN's parameter count": nn.Sequential(*list(model.children())[:2])
        Assert.Contains("""
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
            """, output);
        // model.layer1[0] and model.layer1[:2]
        Assert.Contains("""
            model.layer1[0]:
            Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
            model.layer1[:2]:
            Sequential(
              (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (relu1): ReLU(inplace=True)
            )
            """, output);
        // The seed's conv extraction (its own printout) and named_parameters() (the seed's printout).
        Assert.Contains("""
            Sequential(
              (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (conv3): Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
            )
            """, output);
        Assert.Contains("layer1.conv1.weight\nlayer1.conv1.bias\nlayer2.conv2.weight\nlayer2.conv2.bias\nlayer3.conv3.weight\n" +
                        "layer3.conv3.bias\nlayer4.fc1.weight\nlayer4.fc1.bias\nlayer4.fc2.weight\nlayer4.fc2.bias\nlayer4.f3.weight\nlayer4.f3.bias\n", output);
        Assert.Contains("SimpleCNN parameters: 1175818\n", output);   // PyTorch: 1175818
        Assert.Contains("parameters: 2328298\n", output);             // PyTorch: the seed's CNN has 2328298
    }

    [Fact]
    public void Seed004_quick_run_trains_the_MNIST_CNN_for_one_epoch_above_chance()
    {
        var m = Regex.Matches(Output, @"epoch (\d+): train accuracy ([0-9.]+), test accuracy ([0-9.]+)");
        Assert.Single(m);
        double train = double.Parse(m[0].Groups[2].Value, CultureInfo.InvariantCulture);
        double test = double.Parse(m[0].Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.InRange(train, 0.0, 1.0);
        // Ten Adam steps on 1,000 images: well above the 10 % of guessing (observed about 0.8).
        Assert.InRange(test, 0.4, 1.0);
    }
}
