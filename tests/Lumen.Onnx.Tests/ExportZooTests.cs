using Xunit;
using Xunit.Abstractions;

namespace Lumen.Onnx.Tests;

/// <summary>A [Theory] skipped unless LUMEN_ONNX_EXPORT_FULL=1 (the big torchvision depths: minutes and gigabytes).</summary>
public sealed class ExportFullTheoryAttribute : TheoryAttribute
{
    public ExportFullTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("LUMEN_ONNX_EXPORT_FULL") != "1")
            Skip = "the remaining torchvision depths export with LUMEN_ONNX_EXPORT_FULL=1 (ResNet-18, a Bottleneck ResNet and VGG-16 cover their code in every run).";
    }
}

/// <summary>Every zoo model and a CLI spec model, exported with a symbolic batch, run by ONNX Runtime at batch 1 and 3
/// within 1e-4 of Lumen, and byte-identical to the file onnx's checker passed.</summary>
[Collection(ExportCollection.Name)]
public sealed class ExportZooTests
{
    private readonly ITestOutputHelper _out;
    public ExportZooTests(ITestOutputHelper output) => _out = output;

    private void Check(ExportCase c)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = c.Build();
        ExportHarness.PerturbNorms(model);
        double built = clock.Elapsed.TotalSeconds;
        var (bytes, diff, largest) = ExportHarness.ExportAndCompare(c.Name, model, c.Sample);
        _out.WriteLine($"{c.Name}: {bytes.Length:N0} bytes, max |ORT - Lumen| = {diff:E2} (max(1, |output|) = {largest:G3}); build {built:F1} s, export + compare {clock.Elapsed.TotalSeconds - built:F1} s");
        ExportHarness.AssertCheckerPassed(c.Name, bytes);
    }

    [Theory]
    [MemberData(nameof(ExportCases.CiData), MemberType = typeof(ExportCases))]
    public void Zoo_model_runs_in_OnnxRuntime_like_in_Lumen_at_batch_1_and_3(ExportCase c) => Check(c);

    [ExportFullTheory]
    [MemberData(nameof(ExportCases.FullData), MemberType = typeof(ExportCases))]
    public void Every_torchvision_depth_runs_in_OnnxRuntime_like_in_Lumen(ExportCase c) => Check(c);

    [Fact]
    public void The_cases_cover_every_CLI_zoo_model()
    {
        var covered = ExportCases.Ci.Concat(ExportCases.Full).Select(c => c.Name).Concat(ExportCases.NotExported.Keys).ToHashSet();
        var missing = Lumen.Cli.Models.ModelZoo.All.Select(m => m.Name).Where(n => !covered.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"zoo models without an export test: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_checker_record_covers_every_exported_model_and_every_result_passed()
    {
        var record = ExportHarness.Record;
        Assert.StartsWith("1.12", record.GetProperty("onnx_version").GetString());
        var models = record.GetProperty("models");
        foreach (var c in ExportCases.Ci.Concat(ExportCases.Full).Select(c => c.Name).Concat(ExportCases.Layers))
        {
            Assert.True(models.TryGetProperty(c, out var e), $"{c} has no recorded onnx.checker result");
            Assert.Equal("passed", e.GetProperty("checker").GetString());
        }
    }
}
