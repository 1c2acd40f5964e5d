using System.Text.Json;
using Lumen.Tests;
using Lumen.Training.Metrics;
using Xunit;

namespace Lumen.Training.Tests.Metrics;

/// <summary>Reads a tests/Fixtures/gen_metrics.py case (scikit-learn's numbers) and replays it through
/// <see cref="ClassificationMetrics"/> batch by batch.</summary>
internal static class MetricsFixture
{
    public const double Tol = 1e-6;

    public static FixtureCase Case(string name) => Fixtures.Case("metrics", name);

    public static ClassificationTask Task(FixtureCase c) => c.Str("task") switch
    {
        "multiclass" => ClassificationTask.MultiClass,
        "multilabel" => ClassificationTask.MultiLabel,
        "binary" => ClassificationTask.Binary,
        var s => throw new InvalidDataException(s),
    };

    public static int[] TopK(FixtureCase c) => c.Has("topk") ? c.Ints("topk") : Array.Empty<int>();

    /// <summary>Feeds the case's scores and targets in its batch sizes, each with its batch loss.</summary>
    public static ClassificationMetrics Replay(FixtureCase c, int capacity = -1, Func<Tensor, Tensor>? viewOutput = null)
    {
        var scores = c.Tensor("scores");
        var targets = c.Tensor("targets");
        var sizes = c.Ints("batch_sizes");
        var losses = Doubles(c, "batch_losses");
        var m = new ClassificationMetrics(c.Int("num_classes"), capacity: capacity < 0 ? scores.Size(0) : capacity,
            task: Task(c), fromLogits: c.Raw("logits").GetBoolean(), topK: TopK(c));
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            var output = scores.Narrow(0, start, sizes[i]);
            if (viewOutput != null) output = viewOutput(output);
            m.Update(output, targets.Narrow(0, start, sizes[i]), loss: losses[i]);
            start += sizes[i];
        }
        return m;
    }

    public static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() == "nan" ? double.NaN : throw new InvalidDataException(e.GetString())
        : e.GetDouble();

    public static double Double(FixtureCase c, string key) => Number(c.Raw(key));

    public static double[] Doubles(FixtureCase c, string key) => c.Raw(key).EnumerateArray().Select(Number).ToArray();

    public static long[] Longs(FixtureCase c, string key) => c.Raw(key).EnumerateArray().Select(x => x.GetInt64()).ToArray();

    public static bool[] Bools(FixtureCase c, string key) => c.Raw(key).EnumerateArray().Select(x => x.GetBoolean()).ToArray();

    /// <summary>|actual − expected| ≤ tol·max(1, |expected|); NaN must meet NaN.</summary>
    public static void Close(double expected, double actual, string what, double tol = Tol)
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}"); return; }
        Assert.True(Math.Abs(actual - expected) <= tol * Math.Max(1, Math.Abs(expected)),
            $"{what}: actual {actual:R}, expected {expected:R}");
    }

    public static void Close(double[] expected, double[] actual, string what, double tol = Tol)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], $"{what}[{i}]", tol);
    }
}
