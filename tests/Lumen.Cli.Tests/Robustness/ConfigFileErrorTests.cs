using System.Text.Json.Nodes;
using Xunit;
using static Lumen.Cli.Tests.Robustness.UsageErrors;

namespace Lumen.Cli.Tests.Robustness;

/// <summary>Every error about a value read from a file names the file and the field: a run's <c>config.json</c> (for
/// eval, predict, --resume) with a null model or a negative value used to give a NullReferenceException or an error that
/// named only an option, and errors about values from <c>--config FILE</c> named the option as if typed.</summary>
public sealed class ConfigFileErrorTests
{
    private readonly TrainedRun _run = TrainedRun.Shared;

    /// <summary>A copy of the shared run's config.json with one field changed, in a folder of its own.</summary>
    private string RunWith(string field, JsonNode? value)
    {
        var dir = LumenCli.TempDir("config");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_run.Dir, "config.json")))!.AsObject();
        config[field] = value;
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        foreach (var f in new[] { "best.safetensors", "model.safetensors" }) File.Copy(Path.Combine(_run.Dir, f), Path.Combine(dir, f));
        return dir;
    }

    [Theory]
    [InlineData("model", null, "model: missing")]
    [InlineData("dataset", null, "dataset: missing")]
    [InlineData("epochs", -3, "epochs: must be a finite number at least 1")]
    [InlineData("batch_size", 0, "batch_size: must be a finite number at least 1")]
    [InlineData("lr", -0.5, "lr: must be a finite number at least 0")]
    [InlineData("valid_split", 1.5, "valid_split: must be in [0, 1)")]
    [InlineData("threads", 20000, "threads: must be between 1 and 1024")]
    [InlineData("format", "someone.else", "format: expected 'lumen.run.v1'")]
    public void Eval_names_the_config_file_and_the_field(string field, object? value, string fragment)
    {
        var dir = RunWith(field, value switch { null => null, int i => i, double d => d, string s => s, _ => throw new ArgumentException() });
        AssertBadInput(LumenCli.Run("eval", dir), Path.Combine(dir, "config.json") + ": " + fragment);
    }

    [Fact]
    public void Predict_with_a_null_model_names_the_config_file()
    {
        var dir = RunWith("model", null);
        AssertBadInput(LumenCli.Run("predict", dir, TrainedRun.WriteDigit(dir)), Path.Combine(dir, "config.json"), "model");
    }

    [Fact]
    public void An_unknown_optimizer_in_config_json_names_the_file_and_the_field()
    {
        var dir = RunWith("optimizer", "adamx");
        AssertBadInput(LumenCli.Run("eval", dir), Path.Combine(dir, "config.json") + ": optimizer: unknown optimizer 'adamx'");
    }

    [Fact]
    public void An_unknown_dataset_in_config_json_names_the_file_and_the_field()
    {
        var dir = RunWith("dataset", "imagenet");
        AssertBadInput(LumenCli.Run("eval", dir), Path.Combine(dir, "config.json") + ": dataset: unknown dataset 'imagenet'");
    }

    [Fact]
    public void An_unknown_model_in_config_json_names_the_file_and_the_field()
    {
        var dir = RunWith("model", "resnet-9000");
        AssertBadInput(LumenCli.Run("eval", dir), Path.Combine(dir, "config.json") + ": model: unknown model 'resnet-9000'");
    }

    [Fact]
    public void A_value_given_on_the_command_line_is_named_as_the_option()
    {
        var dir = RunWith("epochs", 1);
        AssertBadInput(LumenCli.Run("eval", dir, "--batch-size", "0"), "--batch-size: must be at least 1");
    }

    [Theory]
    [InlineData("lr: fast\n", "lr: expected a number, got 'fast'")]
    [InlineData("epochs: -2\n", "epochs: must be at least 1, got -2")]
    [InlineData("threads: 20000\n", "threads: must be at most 1024, got 20000")]
    [InlineData("optimizer: adamx\n", "optimizer: unknown optimizer 'adamx'")]
    [InlineData("dataset: imagenet\n", "dataset: unknown dataset 'imagenet'")]
    [InlineData("dataset: cifar10:/no/such/cifar\n", "dataset: dataset folder '/no/such/cifar' not found")]
    [InlineData("scheduler: warmup\ntrain-subset: 10\ntest-subset: 10\n", "scheduler: unknown scheduler 'warmup'")]
    [InlineData("model: no-such-model.yaml\n", "model: model spec file 'no-such-model.yaml' not found")]
    [InlineData("transforms: sharpen\n", "transforms: unknown transform 'sharpen'")]
    public void Values_from_a_config_file_are_named_with_the_file(string yaml, string fragment)
    {
        var path = Path.Combine(LumenCli.TempDir("cfg"), "options.yaml");
        File.WriteAllText(path, yaml);
        AssertBadInput(LumenCli.Run("train", "--config", path, "--out", Path.Combine(Path.GetDirectoryName(path)!, "run")), $"{path}: {fragment}");
    }

    [Fact]
    public void An_option_after_the_config_file_is_named_as_the_option()
    {
        var path = Path.Combine(LumenCli.TempDir("cfg"), "options.yaml");
        File.WriteAllText(path, "lr: 0.01\n");
        AssertBadInput(LumenCli.Run("train", "--config", path, "--lr", "fast"), "error: --lr: expected a number, got 'fast'");
    }
}
