using System.Text.Json;
using Lumen.Cli.Models;
using Lumen.NN;
using Lumen.Tests;
using Lumen.Vision.Tests;
using Xunit;
using Zoo = Lumen.Vision.Models;

namespace Lumen.Cli.Tests;

/// <summary>Seed 002's transfer-learning recipe from the command line: an ImageNet-shaped ResNet-18 state dict (seeded
/// weights written by Lumen as a .pth: there are no ImageNet weights offline) fine-tuned on a spread-out subset of the
/// dogs-vs-cats folder at 32×32 with SGD (lr 0.005, momentum 0.6) and StepLR(step_size, 0.05) for 2 epochs (step_size 1
/// instead of the seed's 2, so that two epochs show the decay); and a PyTorch-written .pth.</summary>
public sealed class TransferLearningCliTests
{
    private static string PthFixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "cli_weights", "tiny_conv_seed0.pth");

    private static string SeededResNet18(string dir)
    {
        Torch.ManualSeed(0);
        var path = Path.Combine(dir, "r18.pth");
        Torch.Save(Zoo.Models.ResNet18().StateDict(), path);   // 1000 classes, as torchvision's ImageNet weights
        return path;
    }

    private static string[] Seed002(string weights, string outDir, int epochs, params string[] extra) => new[]
    {
        "train", "--model", "resnet18", "--weights", weights, "--dataset", "imagefolder:" + DogCat.Root, "--valid-split", "0.25",
        "--train-subset", "16", "--transforms", "resize:32x32,normalize:imagenet", "--optimizer", "sgd", "--lr", "0.005",
        "--momentum", "0.6", "--scheduler", "step:1:0.05", "--epochs", epochs.ToString(), "--batch-size", "8", "--shuffle",
        "--seed", "3", "--threads", "2", "--no-report", "--out", outDir,
    }.Concat(extra).ToArray();

    private static double[] Column(string runDir, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(runDir, "metrics.csv"));
        int i = Array.IndexOf(lines[0].Split(','), name);
        return lines.Skip(1).Select(l => double.Parse(l.Split(',')[i], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    [DogCatFact]
    public void Seed_002_recipe_fine_tunes_an_imagenet_resnet18_on_dogcat_with_a_new_two_class_head_and_steplr()
    {
        var dir = LumenCli.TempDir("transfer");
        var weights = SeededResNet18(dir);
        var run = Path.Combine(dir, "run");
        var r = LumenCli.Run(Seed002(weights, run, epochs: 2));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("resnet18 on imagefolder:", r.Out);
        Assert.Contains("(12 train, 4 valid, 4 test)", r.Out);

        // StepLR(step_size=1, gamma=0.05) as PyTorch steps it, after each epoch: 0.005, then 0.005·0.05 (PyTorch: 0.00025).
        Assert.Equal(new[] { 0.005, 0.005 * 0.05 }, Column(run, "lr"));
        Assert.All(Column(run, "train_loss"), l => Assert.True(double.IsFinite(l) && l > 0, $"train loss {l}"));
        Assert.All(Column(run, "valid_acc"), a => Assert.InRange(a, 0, 1));

        var before = Torch.Load(weights);
        var after = Torch.Load(Path.Combine(run, "model.safetensors"));
        Assert.Equal(new[] { 2, 512 }, after["fc.weight"].Shape.ToArray());
        Assert.False(before["conv1.weight"].ValueEquals(after["conv1.weight"]), "every layer trains without --freeze");
        var config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"weights\": " + JsonSerializer.Serialize(Path.GetFullPath(weights)), config);

        // eval rebuilds the run's model from config.json alone: the pretrained file is no longer needed.
        File.Delete(weights);
        var e = LumenCli.Run("eval", run, "--split", "valid", "--threads", "2");
        Assert.True(e.Code == 0, e.Err);
        Assert.Contains("valid: 4 examples", e.Out);
    }

    [DogCatFact]
    public void Freeze_trains_only_the_new_head_and_a_resumed_run_ends_bit_identical()
    {
        var dir = LumenCli.TempDir("freeze");
        var weights = SeededResNet18(dir);
        var straight = Path.Combine(dir, "straight");
        var r = LumenCli.Run(Seed002(weights, straight, 2, "--freeze"));
        Assert.True(r.Code == 0, r.Err);

        var before = Torch.Load(weights);
        var after = Torch.Load(Path.Combine(straight, "model.safetensors"));
        foreach (var (k, v) in after)
            if (!k.StartsWith("fc.") && !k.Contains("running_") && !k.Contains("num_batches"))
                Assert.True(before[k].ValueEquals(v), $"{k} changed although frozen");
        // The new head is PyTorch's draw after the full model's (seed 002's order), and training changed it.
        Torch.ManualSeed(3);
        Zoo.Models.ResNet18();
        var head0 = new Linear(512, 2);
        Assert.False(head0.Weight.ValueEquals(after["fc.weight"]), "the head should have trained");
        Assert.Contains("\"freeze\": true", File.ReadAllText(Path.Combine(straight, "config.json")));

        // One epoch, then --resume for the second: the checkpoint keeps the frozen optimizer's state.
        var resumed = Path.Combine(dir, "resumed");
        var first = LumenCli.Run(Seed002(weights, resumed, 1, "--freeze"));
        Assert.True(first.Code == 0, first.Err);
        var second = LumenCli.Run("train", "--out", resumed, "--resume", "--epochs", "2", "--no-report");
        Assert.True(second.Code == 0, second.Err);
        var a = Torch.Load(Path.Combine(straight, "model.safetensors"));
        var b = Torch.Load(Path.Combine(resumed, "model.safetensors"));
        foreach (var (k, v) in a) Assert.True(v.ValueEquals(b[k]), $"{k} differs after resume");
    }

    [Fact]
    public void A_pytorch_written_pth_loads_and_the_new_head_is_pytorchs_draw()
    {
        var fx = Fixtures.Case("cli_weights", "tiny_conv_seed0");
        Torch.ManualSeed(7);
        var model = ModelZoo.CreatePretrained("tiny-conv", new[] { 3, 32, 32 }, 2, null, PthFixture);
        var sd = model.StateDict();
        foreach (var k in new[] { "conv.0.weight", "conv.0.bias", "conv.2.weight", "conv.2.bias" })
            Assert.Equal(fx.Tensor("sum." + k).ToArray<float>()[0], (float)sd[k].ToArray<float>().Sum(v => (double)v), 5);
        Assert.True(fx.Tensor("head.weight").ValueEquals(sd["fc.weight"]), "fc.weight is not PyTorch's new Linear(144, 2)");
        Assert.True(fx.Tensor("head.bias").ValueEquals(sd["fc.bias"]), "fc.bias is not PyTorch's new Linear(144, 2)");
    }

    [Fact]
    public void Weights_whose_shapes_do_not_fit_give_one_line_naming_the_file_key_and_both_shapes()
    {
        // The fixture's TinyConv takes 3 channels; MNIST has 1.
        var r = LumenCli.Run("train", "--model", "tiny-conv", "--weights", PthFixture, "--train-subset", "8", "--epochs", "1", "--out", LumenCli.TempDir("mismatch"));
        Assert.Equal(2, r.Code);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
        Assert.Contains($"--weights {PthFixture} does not fit tiny-conv: 'conv.0.weight' is [8, 3, 3, 3] in the file, [8, 1, 3, 3] in the model", r.Err);

        var missing = LumenCli.Run("train", "--model", "mnist-cnn", "--weights", PthFixture, "--train-subset", "8", "--epochs", "1", "--out", LumenCli.TempDir("mismatch"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("no 2-d 'fc.3.weight' (the classifier head of mnist-cnn)", missing.Err);

        var absent = LumenCli.Run("train", "--weights", "no-such.pth");
        Assert.Equal(2, absent.Code);
        Assert.Contains("--weights: file 'no-such.pth' not found", absent.Err);
    }

    [Fact]
    public void Freeze_leaves_only_the_last_linear_trainable()
    {
        Torch.ManualSeed(0);
        var model = ModelZoo.Create("simple-cnn", new[] { 3, 32, 32 }, 10);
        Assert.Equal("layer4.f3", ModelZoo.FreezeAllButHead(model));
        Assert.Equal(new[] { "layer4.f3.weight", "layer4.f3.bias" }, model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name));
    }

    [DogCatFact]
    public void A_class_folder_without_train_and_test_needs_valid_split()
    {
        var r = LumenCli.Run("train", "--dataset", "imagefolder:" + DogCat.Root, "--out", LumenCli.TempDir("nosplit"));
        Assert.Equal(2, r.Code);
        Assert.Contains("needs a train/ folder and a test/ (or val/) folder of class folders, or --valid-split F (e.g. 0.2) to use its own class folders", r.Err);
    }
}
