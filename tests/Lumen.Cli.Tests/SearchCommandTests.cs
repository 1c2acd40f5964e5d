using System.Text.Json;
using Lumen.Cli.Models;
using Lumen.Cli.Setup;
using Xunit;

namespace Lumen.Cli.Tests;

/// <summary><c>lumen search</c> on MNIST subsets with a tiny layer spec whose width is a model argument
/// (<c>${width}</c>): 64 training images (48 train + 16 valid), 1 epoch, 1 thread, no report.</summary>
public sealed class SearchCommandTests
{
    private const string Spec = """
        layers:
          - conv2d: {out: ${width:2}, kernel: ${k:3}}
          - relu
          - maxpool2d: 2
          - flatten
          - linear: {out: 10}
        """;

    /// <summary>A folder with the spec and a space file whose base options are the quick settings above.</summary>
    private static (string Dir, string Space) Write(string name, string space)
    {
        var dir = LumenCli.TempDir(name);
        var spec = Path.Combine(dir, "tiny.yaml");
        File.WriteAllText(spec, Spec);
        var path = Path.Combine(dir, "space.yaml");
        File.WriteAllText(path, $"""
            model: {spec}
            train-subset: 64
            test-subset: 32
            valid-split: 0.25
            epochs: 1
            batch-size: 32
            threads: 1
            no-report: true
            monitor: valid_acc

            """ + space);
        return (dir, path);
    }

    private static readonly Lazy<(string Out, LumenCli.Result R)> Grid = new(() =>
    {
        var (dir, space) = Write("grid", "space:\n  lr: [0.001, 0.01]\n  batch-size: [16, 32]\n  width: [2, 4]\n");
        var outDir = Path.Combine(dir, "search");
        return (outDir, LumenCli.Run("search", space, "--out", outDir));
    });

    private static JsonElement[] Trials(string outDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))).RootElement.GetProperty("trials").EnumerateArray().ToArray();

    private static string Key(JsonElement t) => string.Join(",", t.GetProperty("params").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"));

    [Fact]
    public void A_2x2x2_grid_search_on_an_MNIST_subset_runs_from_the_CLI_and_prints_its_table()
    {
        var (outDir, r) = Grid.Value;
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(8, r.Out.Split('\n').Count(l => l.StartsWith('[') && l.Contains("/8] trial-")));
        var table = r.Out.Split('\n').SkipWhile(l => !l.StartsWith("trial ")).ToList();
        Assert.Contains("lr", table[0]);
        Assert.Contains("width", table[0]);
        var rows = table.Skip(1).Where(l => l.StartsWith("trial-")).ToList();
        Assert.Equal(8, rows.Count);

        // Sorted by the objective (valid_acc, highest first); the table's order is results.json's.
        var trials = Trials(outDir);
        Assert.Equal(8, trials.Length);
        var objective = trials.Select(t => t.GetProperty("objective").GetDouble()).ToArray();
        Assert.Equal(objective.OrderByDescending(v => v), objective);
        Assert.Equal(trials.Select(t => t.GetProperty("run").GetString()), rows.Select(l => l.Split(' ')[0]));
        Assert.Equal(9, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length);
        Assert.Contains($"best: {trials[0].GetProperty("run").GetString()}", r.Out);

        // best.yaml trains with lumen train --config, and the run has the best trial's settings.
        var best = trials[0].GetProperty("params");
        var run = Path.Combine(outDir, "again");
        var train = LumenCli.Run("train", "--config", Path.Combine(outDir, "best.yaml"), "--out", run);
        Assert.True(train.Code == 0, train.Err);
        var config = RunConfig.Load(run);
        Assert.Equal(double.Parse(best.GetProperty("lr").GetString()!, System.Globalization.CultureInfo.InvariantCulture), config.Lr);
        Assert.Equal(int.Parse(best.GetProperty("batch-size").GetString()!), config.BatchSize);
        Assert.Equal(best.GetProperty("width").GetString(), config.ModelArgs!["width"]);
        Assert.Equal(64, config.TrainSubset);
        // The same settings and seed give the best trial's validation accuracy again.
        var again = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement[0].GetProperty("valid").GetProperty("accuracy").GetDouble();
        Assert.Equal(trials[0].GetProperty("valid_acc").GetDouble(), again);
    }

    [Fact]
    public void Two_parallel_processes_give_the_same_trial_metrics_as_the_sequential_search()
    {
        var (dir, space) = Write("parallel", "parallel: 2\nspace:\n  lr: [0.001, 0.01]\n  batch-size: [16]\n  width: [4]\n");
        var outDir = Path.Combine(dir, "search");
        var r = LumenCli.Run("search", space, "--out", outDir);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("2 at a time", r.Out);
        var sequential = Trials(Grid.Value.Out).ToDictionary(Key);
        foreach (var t in Trials(outDir))
        {
            var s = sequential[Key(t)];
            foreach (var field in new[] { "objective", "valid_acc", "best_epoch", "epochs" })
                Assert.Equal(s.GetProperty(field).GetRawText(), t.GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public void A_failing_trial_shows_in_the_table_and_a_rerun_skips_finished_trials_and_resumes_an_interrupted_one()
    {
        var (dir, space) = Write("fail", "space:\n  k: [3, 40]\n");
        var outDir = Path.Combine(dir, "search");
        var r = LumenCli.Run("search", space, "--out", outDir);
        Assert.True(r.Code == 0, r.Err);
        var failedRow = r.Out.Split('\n').Single(l => l.StartsWith("trial-002"));
        Assert.Contains("failed", failedRow);
        Assert.Contains("does not fit its input", failedRow);
        Assert.Contains("best: trial-001", r.Out);
        var trials = Trials(outDir);
        Assert.Equal(new[] { "ok", "failed" }, trials.Select(t => t.GetProperty("status").GetString()));

        // Rerun: both trials finished (one failed), so nothing trains again.
        var log1 = File.ReadAllText(Path.Combine(outDir, "trial-001", "train.log"));
        var again = LumenCli.Run("search", space, "--out", outDir);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(2, again.Out.Split('\n').Count(l => l.Contains("(finished earlier, skipped)")));
        Assert.Equal(log1, File.ReadAllText(Path.Combine(outDir, "trial-001", "train.log")));

        // A trial interrupted before its record was written continues from its checkpoint (lumen train --resume).
        File.Delete(Path.Combine(outDir, "trial-001", "trial.json"));
        var resumed = LumenCli.Run("search", space, "--out", outDir);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("--resume", File.ReadAllText(Path.Combine(outDir, "trial-001", "train.log")));
        Assert.Equal(trials[0].GetProperty("objective").GetRawText(), Trials(outDir)[0].GetProperty("objective").GetRawText());

        // The same folder refuses a different search.
        var (_, other) = Write("fail-other", "space:\n  k: [3, 5]\n");
        var refused = LumenCli.Run("search", other, "--out", outDir);
        Assert.Equal(2, refused.Code);
        Assert.Contains("holds a different search", refused.Err);
    }

    [Fact]
    public void Random_search_with_a_seed_lists_the_same_trials_twice()
    {
        var (_, space) = Write("random", "method: random\ntrials: 5\nseed: 3\nspace:\n  lr: {min: 0.0001, max: 0.1, log: true}\n  batch-size: {min: 8, max: 64}\n  width: [2, 4, 8]\n");
        string List(SearchPlan p) => string.Join(";", p.TrialParams().Select(t => string.Join(",", t)));
        var first = List(SearchPlan.Load(space));
        Assert.Equal(first, List(SearchPlan.Load(space)));
        Assert.Equal(5, first.Split(';').Length);
        File.WriteAllText(space, File.ReadAllText(space).Replace("seed: 3", "seed: 4"));
        Assert.NotEqual(first, List(SearchPlan.Load(space)));
    }

    private static void AssertUsageError(LumenCli.Result r, string fragment)
    {
        Assert.Equal(2, r.Code);
        var lines = r.Err.TrimEnd('\n', '\r').Split('\n');
        Assert.Single(lines);
        Assert.Contains(fragment, lines[0]);
        Assert.StartsWith("lumen search: error:", lines[0]);
    }

    [Theory]
    [InlineData("not valid YAML", "space: [lr: 1\n")]
    [InlineData("unknown parameter 'foo'", "space:\n  foo: [1, 2]\n")]
    [InlineData("space.lr = abc: --lr: expected a number, got 'abc'", "space:\n  lr: [0.1, abc]\n")]
    [InlineData("space.batch-size = 8.5: --batch-size: expected an integer", "space:\n  batch-size: [8.5]\n")]
    [InlineData("space: expected a mapping of parameters to lists of values, got an empty mapping", "space: {}\n")]
    [InlineData("space.lr: the list of values is empty", "space:\n  lr: []\n")]
    [InlineData("no 'space:' mapping", "method: grid\n")]
    [InlineData("parallel: must be at least 1, got 0", "parallel: 0\nspace:\n  lr: [0.1]\n")]
    [InlineData("needs 'method: random'", "space:\n  lr: {min: 0.1, max: 1}\n")]
    [InlineData("random search needs 'trials: N'", "method: random\nspace:\n  lr: [0.1]\n")]
    [InlineData("method: expected grid or random, got 'bayes'", "method: bayes\nspace:\n  lr: [0.1]\n")]
    [InlineData("'out' cannot be set in a space file", "out: x\nspace:\n  lr: [0.1]\n")]
    [InlineData("unknown option 'optimiser'", "optimiser: sgd\nspace:\n  lr: [0.1]\n")]
    public void A_bad_space_file_is_a_one_line_usage_error(string fragment, string space)
    {
        var (_, path) = Write("bad", space);
        AssertUsageError(LumenCli.Run("search", path, "--out", Path.Combine(Path.GetDirectoryName(path)!, "out")), fragment);
    }

    [Fact]
    public void A_missing_space_file_is_a_usage_error() =>
        AssertUsageError(LumenCli.Run("search", "no-such-space.yaml"), "space file 'no-such-space.yaml' not found");

    [Fact]
    public void Parallel_below_1_is_a_usage_error()
    {
        var (_, path) = Write("par0", "space:\n  lr: [0.1]\n");
        AssertUsageError(LumenCli.Run("search", path, "--parallel", "0"), "--parallel: must be at least 1, got 0");
    }

    [Fact]
    public void A_model_argument_the_model_does_not_take_is_an_unknown_parameter()
    {
        var dir = LumenCli.TempDir("zoo-arg");
        var path = Path.Combine(dir, "space.yaml");
        File.WriteAllText(path, "model: mnist-cnn\nspace:\n  c1: [8, 16]\n");
        AssertUsageError(LumenCli.Run("search", path), "unknown parameter 'c1' (not a 'lumen train' option, and model 'mnist-cnn' takes no arguments)");
        File.WriteAllText(path, "model: convnet\nspace:\n  c1: [8, wide]\n");
        AssertUsageError(LumenCli.Run("search", path), "model argument 'c1': expected an integer, got 'wide'");
    }

    [Fact]
    public void Convnet_takes_seed_001s_c1_c2_l1_as_model_arguments()
    {
        var model = ModelZoo.Create("convnet", new[] { 3, 32, 32 }, 10, modelArgs: ModelArgs.Parse("c1=4,c2=8,l1=16"));
        Assert.Equal(new Lumen.Vision.Models.ConvNet(4, 8, 16).NumParameters(), model.NumParameters());
        Assert.Equal(new Lumen.Vision.Models.ConvNet().NumParameters(), ModelZoo.Create("convnet", new[] { 3, 32, 32 }, 10).NumParameters());
        var e = Assert.Throws<CliException>(() => ModelZoo.Create("convnet", new[] { 1, 28, 28 }, 10));
        Assert.Contains("takes 3×32×32 images", e.Message);
        Assert.Throws<CliException>(() => ModelZoo.Create("mnist-cnn", new[] { 1, 28, 28 }, 10, modelArgs: ModelArgs.Parse("c1=4")));
    }

    [Fact]
    public void A_spec_placeholder_without_a_value_or_default_is_a_usage_error()
    {
        var e = Assert.Throws<CliException>(() => ModelZoo.Create("net.yaml", new[] { 1, 28, 28 }, 10, "- flatten\n- linear: {out: ${n}}\n"));
        Assert.Contains("${n} has no value and no default", e.Message);
        Assert.Equal(7850, ModelZoo.Create("net.yaml", new[] { 1, 28, 28 }, 10, "- flatten\n- linear: {out: ${n}}\n", ModelArgs.Parse("n=10")).NumParameters());
    }

    [Fact]
    public void Train_config_file_with_an_unknown_option_is_a_usage_error()
    {
        var dir = LumenCli.TempDir("config");
        var path = Path.Combine(dir, "c.yaml");
        File.WriteAllText(path, "lr: 0.1\nlearning-rate: 0.1\n");
        var r = LumenCli.Run("train", "--config", path);
        Assert.Equal(2, r.Code);
        Assert.Contains("unknown option 'learning-rate'", r.Err);
    }
}
