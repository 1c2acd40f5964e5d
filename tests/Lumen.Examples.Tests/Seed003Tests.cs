using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.Examples.GeneralizingWithConvolutions;
using Xunit;

namespace Lumen.Examples.Tests;

/// <summary>Seed 003's example (examples/003-generalizing-with-convolutions) run with --quick on the dogs-vs-cats
/// images. The expected printouts are PyTorch 1.13's, from tests/Fixtures/gen_examples_003_004.py (the section named in
/// each comment), or the book's own numbers.</summary>
public class Seed003Tests
{
    private static readonly string OutDir = Path.Combine(Path.GetTempPath(), "lumen-seed003-" + Guid.NewGuid().ToString("N"));
    private static readonly Lazy<(int ExitCode, string Output)> QuickRun = new(() => ExampleRunner.Run(Program.Main, "--quick", "--out", OutDir));

    private static string Output
    {
        get
        {
            var (code, output) = QuickRun.Value;
            Assert.True(code == 0, $"exit code {code}; output:\n{output}");
            return output.Replace("\r\n", "\n");
        }
    }

    [Seed003DataFact]
    public void Seed003_quick_run_prints_the_chapters_parameter_counts()
    {
        var output = Output;
        // The book (In[24], In[27]) and "# seed 003, 8.2.4": 18090 [432, 16, 1152, 8, 16384, 32, 64, 2]
        Assert.Contains("sum(numel_list), numel_list: 18090, [432, 16, 1152, 8, 16384, 32, 64, 2]\n", output);
        Assert.Contains("Net: 18090, [432, 16, 1152, 8, 16384, 32, 64, 2]\n", output);
        // The book (In[44]) and "# seed 003, 8.3 / 8.5": NetWidth has 38386.
        Assert.Contains("NetWidth: 38386 parameters, output [1, 2]\n", output);
        // "# seed 003, 8.3 / 8.5": print(Net())
        Assert.Contains("""
            Net(
              (conv1): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (act1): Tanh()
              (pool1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (conv2): Conv2d(16, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (act2): Tanh()
              (pool2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (fc1): Linear(in_features=512, out_features=32, bias=True)
              (act3): Tanh()
              (fc2): Linear(in_features=32, out_features=2, bias=True)
            )
            """, output);
    }

    [Seed003DataFact]
    public void Seed003_quick_run_prints_the_convolution_shapes_and_the_edge_kernels_output_as_PyTorch()
    {
        var output = Output;
        // "# seed 003, 8.2": the shapes PyTorch prints as torch.Size([...]).
        Assert.Contains("Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))\n", output);
        Assert.Contains("conv.weight.shape, conv.bias.shape: [16, 3, 3, 3], [16]\n", output);
        Assert.Contains("img.unsqueeze(0).shape, output.shape: [1, 3, 32, 32], [1, 16, 30, 30]\n", output);
        Assert.Contains("with padding=1: [1, 3, 32, 32], [1, 1, 32, 32]\n", output);
        Assert.Contains("nn.MaxPool2d(2): [1, 3, 32, 32], [1, 3, 16, 16]\n", output);
        Assert.Contains("""
            tensor([[ 0.,  0.,  6.,  6.,  0., -6.],
                    [ 0.,  0.,  9.,  9.,  0., -9.],
                    [ 0.,  0.,  9.,  9.,  0., -9.],
                    [ 0.,  0.,  6.,  6.,  0., -6.]], grad_fn=<SelectBackward0>)
            """, output);
        // The nn.Sequential without a view fails at the first Linear, as in the book (In[25]).
        Assert.Matches(@"model\(img\.unsqueeze\(0\)\) fails: \w+: .*Linear\(in_features=512", output);
        foreach (var png in new[] { "conv_random.png", "conv_blur.png", "conv_edges.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(OutDir, png));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }

    [Seed003DataFact]
    public void Seed003_quick_run_trains_with_the_L2_penalty_validates_and_reloads_the_saved_weights()
    {
        var output = Output;
        var loss = Regex.Match(output, @"Epoch 1, Training loss ([0-9.Ee+-]+)\n");
        Assert.True(loss.Success, output);
        double l = double.Parse(loss.Groups[1].Value, CultureInfo.InvariantCulture);
        // Cross-entropy of two classes near ln 2 plus 0.001 times the squared weights: finite and positive.
        Assert.True(double.IsFinite(l) && l > 0, $"loss {l}");

        var acc = Regex.Matches(output, @"Accuracy (train|val): ([0-9.]+)\n");
        Assert.Equal(4, acc.Count); // validate() before saving and on the loaded model
        for (int i = 0; i < 2; i++) Assert.Equal(acc[i].Value, acc[i + 2].Value);
        Assert.Contains("<All keys matched successfully>\n", output);
        Assert.Contains("the loaded model has the same accuracies\n", output);

        // torch.save(model.state_dict(), ...) wrote PyTorch's zip format with Net's eight tensors.
        var sd = Torch.Load(Path.Combine(OutDir, "dogs_vs_cats.pt"));
        Assert.Equal(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" },
                     sd.Keys.ToArray());
        var head = File.ReadAllBytes(Path.Combine(OutDir, "dogs_vs_cats.pt"))[..2];
        Assert.Equal("PK"u8.ToArray(), head);
    }
}
