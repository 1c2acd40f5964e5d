using System.Security.Cryptography;
using System.Text.Json;
using Lumen.NN;
using Lumen.Onnx.Export;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>
/// Exports a model, runs the file in ONNX Runtime at batch 1 and 3 (the file's batch is symbolic; the trace used 2) and
/// compares with Lumen's own output; checks that the bytes are the ones tests/Fixtures/check_onnx_export.py passed
/// through onnx's checker (tests/Fixtures/data/onnx_export_check.json). With LUMEN_ONNX_EXPORT_DIR set, each exported
/// file is also written there as NAME.onnx, for that script.
/// </summary>
public static class ExportHarness
{
    /// <summary>Where exported files are written for the checker script, or null.</summary>
    public static string? OutDir => Environment.GetEnvironmentVariable("LUMEN_ONNX_EXPORT_DIR") is { Length: > 0 } d ? d : null;

    /// <summary>Largest |ONNX Runtime − Lumen| accepted, for outputs up to 1 in magnitude; for larger outputs the bound
    /// scales with the largest |output| (float32 keeps about 7 digits: NetResDeep's ten residual additions reach ~700,
    /// where 1e-4 is below one rounding step of the sums).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Gives every BatchNorm non-trivial running statistics and affine parameters (a fresh one is the identity
    /// map in eval mode, which would hide a wrong export).</summary>
    public static void PerturbNorms(Module model, long seed = 7)
    {
        var g = new Generator(seed);
        using var _ = Torch.NoGrad();
        foreach (var m in model.Modules())
            if (m is BatchNormBase { RunningMean: { } mean, RunningVar: { } var } bn)
            {
                mean.Normal_(0, 0.1, g);
                var.Uniform_(0.5, 1.5, g);
                bn.Weight?.Uniform_(0.8, 1.2, g);
                bn.Bias?.Normal_(0, 0.1, g);
            }
    }

    /// <summary>Exports <paramref name="model"/> for samples of <paramref name="sample"/> (no batch dim), checks ONNX Runtime
    /// against Lumen at batch 1 and 3, and returns the file's bytes and the largest difference seen.</summary>
    public static (byte[] Bytes, double MaxDiff, double MaxOutput) ExportAndCompare(string name, Module model, int[] sample)
    {
        model.Eval();
        Torch.ManualSeed(100);
        var dummy = Torch.Randn(new[] { 2 }.Concat(sample).ToArray());
        var bytes = OnnxExporter.ExportToBytes(model, dummy);
        Assert.True(model.Modules().All(m => !m.Training), "export must leave the modules in the mode it found them (eval here)");
        if (OutDir is { } dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name + ".onnx"), bytes);
        }
        double worst = 0, largest = 0;
        // No graph optimisation: ONNX Runtime runs the nodes as written (and loads a 0.5 GB VGG-16 faster).
        using var options = new SessionOptions { IntraOpNumThreads = 2, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(bytes, options);
        foreach (int batch in new[] { 1, 3 })
        {
            var shape = new[] { batch }.Concat(sample).ToArray();
            var x = Torch.Randn(shape);
            float[] expected;
            using (Torch.NoGrad()) expected = model.Call(x).ToArray<float>();
            var got = Ort.Run(session, ("input", x.ToArray<float>(), shape))[0];
            Assert.Equal(expected.Length, got.Length);
            double diff = 0, scale = Math.Max(1, expected.Max(Math.Abs));
            for (int i = 0; i < got.Length; i++) diff = Math.Max(diff, Math.Abs(got[i] - expected[i]));
            Assert.True(diff <= Tolerance * scale, $"{name}, batch {batch}: ONNX Runtime differs from Lumen by {diff:E2} (> {Tolerance * scale:E2}); " +
                                           $"largest |output| {expected.Max(Math.Abs):G4}");
            worst = Math.Max(worst, diff);
            largest = Math.Max(largest, scale);
        }
        return (bytes, worst, largest);
    }

    private static readonly Lazy<JsonElement?> Recorded = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx_export_check.json");
        return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone() : null;
    });

    /// <summary>The checker's record: {"onnx_version": …, "models": {name: {"sha256", "checker", "bytes"}}}.</summary>
    public static JsonElement Record => Recorded.Value ?? throw new Xunit.Sdk.XunitException(
        "tests/Fixtures/data/onnx_export_check.json is missing: export the files (LUMEN_ONNX_EXPORT_DIR=DIR dotnet test tests/Lumen.Onnx.Tests " +
        "--filter FullyQualifiedName~Export) and run tests/Fixtures/check_onnx_export.py DIR.");

    /// <summary>Asserts that onnx's checker passed these very bytes under <paramref name="name"/>.</summary>
    public static void AssertCheckerPassed(string name, byte[] bytes)
    {
        var sha = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        Assert.True(Record.GetProperty("models").TryGetProperty(name, out var entry),
            $"{name}: no onnx.checker result recorded; rerun tests/Fixtures/check_onnx_export.py on a fresh export (see onnx_export_check.json).");
        Assert.Equal("passed", entry.GetProperty("checker").GetString());
        Assert.True(sha == entry.GetProperty("sha256").GetString(),
            $"{name}: the exported file (sha256 {sha}) is not the one onnx.checker passed ({entry.GetProperty("sha256").GetString()}); " +
            "the export changed, so rerun tests/Fixtures/check_onnx_export.py on a fresh export.");
    }
}
