using Xunit;
using System.Globalization;
using Lumen.Serialization;

namespace Lumen.Cli.Tests;

/// <summary>The commands end to end, in-process, on a tiny run.</summary>
public sealed class CliCommandTests
{
    private readonly TrainedRun _run;
    public CliCommandTests() => _run = TrainedRun.Shared;

    [Fact]
    public void Train_writes_the_run_directory_and_prints_each_epoch()
    {
        Assert.Contains("lumen train: tiny-conv on mnist (256 train, 64 test)", _run.Result.Out);
        Assert.Matches(@"epoch 1/1  train loss \d\.\d{4} acc \d+\.\d\d%  test loss \d\.\d{4} acc \d+\.\d\d%", _run.Result.Out);
        Assert.DoesNotContain('\r', _run.Result.Out); // captured output is not a terminal: plain lines only
        foreach (var f in new[] { "config.json", "last.safetensors", "best.safetensors", "model.safetensors", "metrics.csv", "metrics.json", "report.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(_run.Dir, f)), f);
        var csv = File.ReadAllLines(Path.Combine(_run.Dir, "metrics.csv"));
        Assert.Equal("epoch,train_loss,train_acc,valid_loss,valid_acc,test_loss,test_acc,lr,seconds,images_per_s", csv[0]);
        Assert.Equal(2, csv.Length);
    }

    [Fact]
    public void Help_lists_the_commands_and_no_crash_switch()
    {
        var top = LumenCli.Run("--help");
        Assert.Equal(0, top.Code);
        foreach (var c in new[] { "train", "eval", "predict", "summary", "report" }) Assert.Contains("  " + c, top.Out);
        var train = LumenCli.Run("train", "--help");
        Assert.Equal(0, train.Code);
        Assert.Contains("--checkpoint-every N", train.Out);
        Assert.DoesNotContain("die-after", train.Out);
    }

    [Fact]
    public void Crash_injection_is_not_a_command_line_option()
    {
        // It lives in the test-only variable LUMEN_TEST_CRASH (KillResumeTests), not in the command's options.
        foreach (var old in new[] { "--die-after-batches", "--die-while-checkpointing" })
        {
            var r = LumenCli.Run("train", old, "3");
            Assert.Equal(2, r.Code);
            Assert.Contains($"unknown option '{old}'", r.Err);
        }
    }

    [Fact]
    public void Summary_of_mnist_cnn_counts_PyTorchs_2328298_parameters()
    {
        var r = LumenCli.Run("summary", "mnist-cnn", "--input", "1x28x28");
        Assert.Equal(0, r.Code);
        Assert.Contains("total parameters: 2,328,298", r.Out);
        Assert.Contains("fc.0.weight", r.Out);
        Assert.Contains("[1024, 2048]", r.Out);
        Assert.Contains("input [1, 1, 28, 28] -> output [1, 10]", r.Out);
        Assert.Contains("(layer1): Sequential(", r.Out);
    }

    [Fact]
    public void Eval_prints_accuracy_report_and_confusion_matrix()
    {
        var r = LumenCli.Run("eval", _run.Dir);
        Assert.Equal(0, r.Code);
        Assert.Matches(@"test: 64 examples, loss \d+\.\d{4}, accuracy \d+\.\d\d%", r.Out);
        Assert.Contains("precision", r.Out);
        Assert.Contains("best.safetensors", r.Out);
        // The same accuracy as the run's own final evaluation (same weights, same data).
        var trained = System.Text.RegularExpressions.Regex.Match(_run.Result.Out, @"final test: loss \d+\.\d{4}  accuracy (\d+\.\d\d)%").Groups[1].Value;
        Assert.Contains($"accuracy {trained}%", r.Out);
    }

    [Fact]
    public void Predict_prints_the_class_and_every_probability()
    {
        var img = TrainedRun.WriteDigit(LumenCli.TempDir("predict"));
        var r = LumenCli.Run("predict", _run.Dir, img);
        Assert.Equal(0, r.Code);
        var lines = r.Out.Trim().Split('\n');
        Assert.Equal(11, lines.Length);
        Assert.StartsWith(img + ": ", lines[0]);
        double sum = lines.Skip(1).Sum(l => double.Parse(l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture));
        Assert.InRange(sum, 0.999, 1.001);
    }

    [Fact]
    public void Predict_on_test_writes_a_csv_row_per_example()
    {
        var r = LumenCli.Run("train", "--out", _run.Dir, "--mode", "predict_on_test");
        Assert.Equal(0, r.Code);
        var lines = File.ReadAllLines(Path.Combine(_run.Dir, "predictions_test.csv"));
        Assert.StartsWith("index,true_label,predicted_label,p_0 - zero,p_1 - one", lines[0]);
        Assert.Equal(65, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal("0", first[0]);
        Assert.Equal("7", first[1]); // MNIST's first test digit is a 7
        var probs = first.Skip(3).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(10, probs.Length);
        Assert.Equal(Array.IndexOf(probs, probs.Max()).ToString(CultureInfo.InvariantCulture), first[2]);
    }

    [Fact]
    public void Report_rebuilds_the_html_from_report_json()
    {
        var html = Path.Combine(_run.Dir, "report.html");
        File.Delete(html);
        var r = LumenCli.Run("report", _run.Dir);
        Assert.Equal(0, r.Code);
        Assert.True(File.Exists(html));
        Assert.Contains("report.html", r.Out);
    }

    [Fact]
    public void A_yaml_spec_trains_with_inferred_input_sizes_and_a_json_spec_gives_the_same_network()
    {
        var dir = LumenCli.TempDir("spec");
        var yaml = Path.Combine(dir, "net.yaml");
        File.WriteAllText(yaml, LumenCli.TinySpec);
        var json = Path.Combine(dir, "net.json");
        File.WriteAllText(json, """[{"conv2d": {"out": 4, "kernel": 3}}, "batchnorm2d", "relu", {"maxpool2d": 2}, "flatten", {"dropout": 0.25}, {"linear": {"out": 10}}]""");
        var a = LumenCli.Run("summary", yaml);
        var b = LumenCli.Run("summary", json);
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Out, b.Out);
        Assert.Contains("(6): Linear(in_features=676, out_features=10, bias=True)", a.Out); // 4 x 13 x 13 inferred

        var run = Path.Combine(dir, "run");
        var t = LumenCli.Run("train", "--model", yaml, "--train-subset", "128", "--test-subset", "32", "--epochs", "1", "--batch-size", "32",
            "--threads", "1", "--no-report", "--out", run);
        Assert.Equal(0, t.Code);
        File.Delete(yaml); // the run keeps its own copy of the spec
        Assert.Equal(0, LumenCli.Run("eval", run).Code);
    }

    [Fact]
    public void Patience_and_a_validation_split_stop_early_and_keep_the_best_weights()
    {
        var run = Path.Combine(LumenCli.TempDir("patience"), "run");
        // lr 0 never improves after the first epoch: patience 1 stops after epoch 2.
        var r = LumenCli.Run("train", "--model", "tiny-conv", "--train-subset", "128", "--test-subset", "32", "--valid-split", "0.25",
            "--epochs", "5", "--batch-size", "32", "--lr", "0", "--patience", "1", "--threads", "1", "--no-report", "--out", run);
        Assert.Equal(0, r.Code);
        Assert.Contains("early stopping", r.Out);
        Assert.Contains("96 train, 32 valid, 32 test", r.Out);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);
        var best = SafeTensors.Load(Path.Combine(run, "best.safetensors"));
        var final = SafeTensors.Load(Path.Combine(run, "model.safetensors"));
        foreach (var (k, v) in best) Assert.Equal(v.ToArray<float>(), final[k].ToArray<float>());
    }
}
