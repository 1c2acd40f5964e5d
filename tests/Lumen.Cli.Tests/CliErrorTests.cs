using Xunit;
namespace Lumen.Cli.Tests;

/// <summary>Every bad-input path prints one line naming the problem with a usage hint, exits with 2, and shows no stack
/// trace unless --verbose.</summary>
public sealed class CliErrorTests
{
    private readonly TrainedRun _run;
    public CliErrorTests() => _run = TrainedRun.Shared;

    private static void AssertUsageError(LumenCli.Result r, string fragment)
    {
        Assert.Equal(2, r.Code);
        var lines = r.Err.TrimEnd('\n', '\r').Split('\n');
        Assert.Single(lines);
        Assert.Contains(fragment, lines[0]);
        Assert.StartsWith("lumen", lines[0]);
        Assert.Matches(@"\((usage|see|give|continue|comma|none|known)", lines[0]);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Theory]
    [InlineData("unknown command 'trian'", "trian")]
    [InlineData("unknown option '--epoch' (did you mean '--epochs'?)", "train", "--epoch", "3")]
    [InlineData("--epochs: expected an integer, got 'three'", "train", "--epochs", "three")]
    [InlineData("--epochs: must be at least 1, got 0", "train", "--epochs", "0")]
    [InlineData("--lr: expected a number, got 'fast'", "train", "--lr", "fast")]
    [InlineData("--batch-size needs a value (N)", "train", "--batch-size")]
    [InlineData("--shuffle is a flag and takes no value", "train", "--shuffle=yes")]
    [InlineData("unknown model 'resnet-9000'", "train", "--model", "resnet-9000")]
    [InlineData("model spec file 'no-such-model.yaml' not found", "train", "--model", "no-such-model.yaml")]
    [InlineData("unknown dataset 'imagenet'", "train", "--dataset", "imagenet")]
    [InlineData("dataset 'fashion-mnist' needs a folder", "train", "--dataset", "fashion-mnist")]
    [InlineData("dataset folder '/no/such/cifar' not found", "train", "--dataset", "cifar10:/no/such/cifar")]
    [InlineData("imagefolder '/proc' needs a train/ folder", "train", "--dataset", "imagefolder:/proc")]
    [InlineData("unknown optimizer 'adamx'", "train", "--optimizer", "adamx")]
    [InlineData("unknown scheduler 'warmup'", "train", "--scheduler", "warmup", "--train-subset", "10", "--test-subset", "10")]
    [InlineData("'step:0' has a bad integer '0'", "train", "--scheduler", "step:0", "--train-subset", "10", "--test-subset", "10")]
    [InlineData("--transforms: unknown transform 'sharpen'", "train", "--transforms", "sharpen")]
    [InlineData("--transforms: 'resize:big' needs a positive integer", "train", "--transforms", "resize:big")]
    [InlineData("--monitor: unknown metric 'f1'", "train", "--monitor", "f1", "--train-subset", "10", "--test-subset", "10")]
    [InlineData("--mode: unknown mode 'predict'", "train", "--mode", "predict")]
    [InlineData("--resume needs the run directory: --out DIR", "train", "--resume")]
    [InlineData("--valid-split must be in (0, 1), got 1.5", "train", "--valid-split", "1.5")]
    [InlineData("run directory '/no/such/run' not found", "train", "--resume", "--out", "/no/such/run")]
    [InlineData("missing argument: eval RUN_DIR", "eval")]
    [InlineData("run directory '/no/such/run' not found", "eval", "/no/such/run")]
    [InlineData("'/proc' is not a run directory (no config.json)", "eval", "/proc")]
    [InlineData("unexpected argument 'b'", "eval", "a", "b")]
    [InlineData("--input: expected a shape like 1x28x28", "summary", "mnist-cnn", "--input", "1xbig")]
    [InlineData("model 'mnist-cnn' takes images (C, H, W)", "summary", "mnist-cnn", "--input", "784")]
    [InlineData("unknown model 'vgg99'", "summary", "vgg99")]
    [InlineData("run directory '/no/such/run' not found", "report", "/no/such/run")]
    [InlineData("missing argument: predict RUN_DIR IMAGE...", "predict", "/tmp")]
    [InlineData("unknown option '-x'", "summary", "-x")]
    public void Bad_input_prints_one_line_and_exits_with_2(string fragment, params string[] args) =>
        AssertUsageError(LumenCli.Run(args), fragment);

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var r = LumenCli.Run("train", "--model", "resnet-9000", "--verbose");
        Assert.Equal(2, r.Code);
        Assert.Contains("unknown model 'resnet-9000'", r.Err);
        Assert.Contains("   at ", r.Err);
    }

    [Fact]
    public void No_command_prints_the_usage_and_exits_with_2()
    {
        var r = LumenCli.Run();
        Assert.Equal(2, r.Code);
        Assert.Contains("usage: lumen COMMAND", r.Out);
    }

    [Theory]
    [InlineData("expected an integer, got 'abc'", "- conv2d: {out: abc}\n- flatten\n- linear: {out: 10}")]
    [InlineData("unknown layer 'conv4d'", "- conv4d: {out: 3}\n- flatten\n- linear: {out: 10}")]
    [InlineData("unknown argument 'kernal'", "- conv2d: {out: 4, kernal: 3}\n- flatten\n- linear: {out: 10}")]
    [InlineData("missing 'out' (an integer)", "- conv2d: {kernel: 3}\n- flatten\n- linear: {out: 10}")]
    [InlineData("expected [10] (one score per class)", "- flatten\n- linear: {out: 7}")]
    [InlineData("needs flat features per example", "- linear: {out: 10}")]
    [InlineData("does not fit its input [1, 28, 28]", "- conv2d: {out: 4, kernel: 40}\n- flatten\n- linear: {out: 10}")]
    [InlineData("expected true or false, got 'maybe'", "- flatten\n- linear: {out: 10, bias: maybe}")]
    [InlineData("relu: takes no value, got '3'", "- relu: 3\n- flatten\n- linear: {out: 10}")]
    [InlineData("not valid YAML/JSON", "- conv2d: {out: 4\n- relu")]
    [InlineData("expected a list of layers", "model: tiny")]
    public void A_bad_model_spec_is_a_usage_error(string fragment, string spec)
    {
        var dir = LumenCli.TempDir("spec");
        var path = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(path, spec);
        AssertUsageError(LumenCli.Run("train", "--model", path, "--train-subset", "10", "--test-subset", "10", "--out", Path.Combine(dir, "run")), fragment);
    }

    [Fact]
    public void Predict_with_a_missing_image_is_a_usage_error() =>
        AssertUsageError(LumenCli.Run("predict", _run.Dir, "/no/such/digit.png"), "image '/no/such/digit.png' not found");

    [Fact]
    public void Predict_with_an_unreadable_image_is_a_usage_error()
    {
        var path = Path.Combine(LumenCli.TempDir("img"), "noise.png");
        File.WriteAllText(path, "not a png");
        AssertUsageError(LumenCli.Run("predict", _run.Dir, path), "cannot read image");
    }

    [Fact]
    public void Predict_on_a_run_without_weights_is_a_usage_error()
    {
        var dir = LumenCli.TempDir("noweights");
        File.Copy(Path.Combine(_run.Dir, "config.json"), Path.Combine(dir, "config.json"));
        var img = TrainedRun.WriteDigit(dir);
        AssertUsageError(LumenCli.Run("predict", dir, img), "holds no trained weights");
    }

    [Fact]
    public void Report_on_a_run_without_report_json_is_a_usage_error()
    {
        var dir = LumenCli.TempDir("noreport");
        AssertUsageError(LumenCli.Run("report", dir), "has no report.json");
    }

    [Fact]
    public void Eval_with_a_corrupt_config_is_a_usage_error()
    {
        var dir = LumenCli.TempDir("badconfig");
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"epochs\": \"three\"}");
        AssertUsageError(LumenCli.Run("eval", dir), "not a valid run config");
    }

    [Fact]
    public void Eval_of_a_valid_split_the_run_does_not_have_is_a_usage_error() =>
        AssertUsageError(LumenCli.Run("eval", _run.Dir, "--split", "valid"), "has no validation split");

    [Fact]
    public void Training_into_a_finished_run_directory_is_refused() =>
        AssertUsageError(LumenCli.Run("train", "--out", _run.Dir, "--train-subset", "10", "--test-subset", "10"), "already holds a run");

    [Fact]
    public void Predict_on_valid_without_a_validation_split_is_a_usage_error() =>
        AssertUsageError(LumenCli.Run("train", "--out", _run.Dir, "--mode", "predict_on_valid"), "has no validation split");
}
