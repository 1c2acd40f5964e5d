using Lumen.Cli.Setup;
using Xunit;
using static Lumen.Cli.Tests.Robustness.UsageErrors;

namespace Lumen.Cli.Tests.Robustness;

/// <summary>YAML and JSON that a user or an attacker wrote: 35,000 nested brackets used to overflow the stack inside
/// YamlDotNet (an uncatchable crash of every command that reads YAML), and a list or mapping used as a key threw
/// InvalidCastException. Both are now one line naming the file (and the line), exit code 2.</summary>
public sealed class NestedYamlTests
{
    private static readonly string Deep = new string('[', 35_000) + new string(']', 35_000);

    private static string Write(string name, string text)
    {
        var path = Path.Combine(LumenCli.TempDir("yaml"), name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Train_config_nested_35000_deep_is_refused()
    {
        var path = Write("deep.yaml", Deep);
        AssertBadInput(LumenCli.Run("train", "--config", path), path, "nested deeper than 64 levels");
    }

    [Fact]
    public void Train_model_spec_nested_35000_deep_is_refused()
    {
        var path = Write("deep-spec.yaml", "- " + Deep);
        AssertBadInput(LumenCli.Run("train", "--model", path, "--train-subset", "10", "--test-subset", "10", "--out", Path.Combine(Path.GetDirectoryName(path)!, "run")),
            path, "nested deeper than 64 levels");
    }

    [Fact]
    public void Summary_of_a_spec_nested_35000_deep_is_refused()
    {
        var path = Write("deep-summary.json", Deep);
        AssertBadInput(LumenCli.Run("summary", path), path, "nested deeper");
    }

    [Fact]
    public void Search_space_nested_35000_deep_is_refused()
    {
        var path = Write("space.yaml", "space: " + Deep);
        AssertBadInput(LumenCli.Run("search", path, "--out", Path.Combine(Path.GetDirectoryName(path)!, "out")), path, "nested deeper");
    }

    [Fact]
    public void A_mapping_as_a_config_key_is_refused_with_its_line()
    {
        var path = Write("key.yaml", "lr: 0.01\n{}: 1\n");
        AssertBadInput(LumenCli.Run("train", "--config", path), path, "line 2", "a key must be a single value");
    }

    [Fact]
    public void A_list_as_a_spec_key_is_refused_with_its_line()
    {
        var path = Write("key-spec.yaml", "- relu\n- {[]: {}}\n");
        AssertBadInput(LumenCli.Run("summary", path), path, "line 2", "a key must be a single value");
    }

    [Fact]
    public void A_search_space_with_a_list_key_is_refused()
    {
        var path = Write("key-space.yaml", "space:\n  ? [lr]\n  : [0.1]\n");
        AssertBadInput(LumenCli.Run("search", path, "--out", Path.Combine(Path.GetDirectoryName(path)!, "out")), path, "line 2", "a key must be a single value");
    }

    [Fact]
    public void An_alias_inside_its_own_anchor_is_refused()
    {
        var text = "a: &x [1, *x]\n";
        var e = Assert.Throws<CliException>(() => SafeYaml.Load(text, "self.yaml"));
        Assert.Contains("refers to a node that contains it", e.Message);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read()
    {
        var text = new string('[', SafeYaml.MaxDepth) + new string(']', SafeYaml.MaxDepth);
        Assert.NotNull(SafeYaml.Load(text, "ok.yaml"));
        Assert.Throws<CliException>(() => SafeYaml.Load("[" + text + "]", "too-deep.yaml"));
    }

    [Fact]
    public void A_run_config_json_nested_35000_deep_is_refused()
    {
        var dir = LumenCli.TempDir("deep-json");
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"model\": " + Deep + "}");
        AssertBadInput(LumenCli.Run("eval", dir), Path.Combine(dir, "config.json"), "not a valid run config");
    }
}
