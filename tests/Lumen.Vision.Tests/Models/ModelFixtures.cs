using System.Text.Json;
using Lumen.NN;
using Xunit;

namespace Lumen.Vision.Tests;

/// <summary>tests/Fixtures/data/models/{seeds,torchvision}.json, written by tests/Fixtures/gen_models.py (PyTorch 1.13,
/// torchvision 0.14) and read from the repository.</summary>
public static class ModelFixtures
{
    private static readonly Dictionary<string, JsonElement> Cache = new();

    public static JsonElement Case(string file, string name)
    {
        JsonElement root;
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out root))
            {
                root = Load(file);
                Cache[file] = root;
            }
        }
        return root.TryGetProperty(name, out var c) ? c : throw new KeyNotFoundException($"models/{file}.json has no case '{name}'.");
    }

    private static JsonElement Load(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "Fixtures", "data", "models", file + ".json");
            if (File.Exists(p)) return JsonDocument.Parse(File.ReadAllText(p)).RootElement.Clone();
        }
        throw new FileNotFoundException($"tests/Fixtures/data/models/{file}.json not found above {AppContext.BaseDirectory}; run tests/Fixtures/gen_models.py.");
    }

    /// <summary>A tensor written by common.py's t(): {"shape", "dtype", "data"}.</summary>
    public static Tensor Tensor(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().Select(ReadFloat).ToArray();
        return Torch.Tensor(data).Reshape(shape);
    }

    public static float ReadFloat(JsonElement x) => x.ValueKind == JsonValueKind.String
        ? x.GetString() switch { "nan" => float.NaN, "inf" => float.PositiveInfinity, "-inf" => float.NegativeInfinity, var s => float.Parse(s!) }
        : (float)x.GetDouble();

    public static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    /// <summary>The input PyTorch drew with <c>torch.randn(*shape, generator=torch.Generator().manual_seed(seed))</c>.</summary>
    public static Tensor Randn(int[] shape, long seed) => Torch.Randn(shape, new Generator(seed));

    /// <summary>Element-wise closeness with the project's rule |a − e| ≤ tol·max(1, |e|).</summary>
    public static void Close(Tensor expected, Tensor actual, double tol, string what)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        double worst = 0; int at = -1;
        for (int i = 0; i < e.Length; i++)
        {
            double err = Math.Abs(a[i] - e[i]) / Math.Max(1, Math.Abs(e[i]));
            if (!(err <= worst)) { worst = err; at = i; }
        }
        if (worst > tol || double.IsNaN(worst))
            Assert.Fail($"{what}: element {at}: actual {a[at]:G9}, expected {e[at]:G9} (relative error {worst:G3} > {tol:G3})");
    }

    /// <summary>Checks a model's state dict against PyTorch's summary of the same seeded model: same keys in the same
    /// order and shapes, the sampled values equal bit for bit, sums and sums of squares equal to double rounding.</summary>
    public static void AssertWeightsMatch(JsonElement weights, Module model, string what)
    {
        var sd = model.StateDict();
        var expected = weights.EnumerateArray().ToList();
        Assert.Equal(expected.Select(w => w.GetProperty("name").GetString()!), sd.Keys);
        foreach (var w in expected)
        {
            var name = w.GetProperty("name").GetString()!;
            var t = sd[name];
            Assert.Equal(w.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()), t.Shape.ToArray());
            var flat = t.ToArray<float>();   // float, not double: vgg's 133 M values would take a gigabyte as doubles
            var idx = w.GetProperty("idx").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            var values = w.GetProperty("values").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            for (int i = 0; i < idx.Length; i++)
                Assert.True(flat[idx[i]] == values[i], $"{what}: {name}[{idx[i]}] = {flat[idx[i]]:R}, PyTorch {values[i]:R}");
            double sum = 0, sumsq = 0;
            foreach (double v in flat) { sum += v; sumsq += v * v; }
            double eSum = w.GetProperty("sum").GetDouble(), eSq = w.GetProperty("sumsq").GetDouble();
            Assert.True(Math.Abs(sum - eSum) <= 1e-9 * Math.Max(1, eSq), $"{what}: {name} sum {sum:R}, PyTorch {eSum:R}");
            Assert.True(Math.Abs(sumsq - eSq) <= 1e-9 * Math.Max(1, eSq), $"{what}: {name} sum of squares {sumsq:R}, PyTorch {eSq:R}");
        }
    }

    /// <summary>Checks <c>ToString()</c>, <c>NamedParameters()</c> and the state-dict keys against PyTorch's.</summary>
    public static void AssertStructureMatches(JsonElement c, Module model)
    {
        Assert.Equal(c.GetProperty("repr").GetString(), model.ToString());
        var names = c.GetProperty("named_parameters").EnumerateArray()
            .Select(p => (p[0].GetString()!, string.Join(",", p[1].EnumerateArray().Select(d => d.GetInt32())))).ToList();
        var ours = model.NamedParameters().Select(p => (p.Name, string.Join(",", p.Parameter.Shape.ToArray()))).ToList();
        Assert.Equal(names, ours);
        Assert.Equal(Strings(c.GetProperty("state_dict_keys")), model.StateDict().Keys);
    }
}
