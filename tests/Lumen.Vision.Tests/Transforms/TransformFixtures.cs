using System.Text.Json;
using Lumen.Vision.Codecs;

namespace Lumen.Vision.Tests;

/// <summary>tests/Fixtures/data/transforms.json (torchvision 0.14 + PIL 9.4 via gen_transforms.py), read from the repository.</summary>
public static class TransformFixtures
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "Fixtures", "data", "transforms.json");
            if (File.Exists(p)) return JsonDocument.Parse(File.ReadAllText(p)).RootElement.Clone();
        }
        throw new FileNotFoundException("tests/Fixtures/data/transforms.json not found above " + AppContext.BaseDirectory + "; run tests/Fixtures/gen_transforms.py.");
    });

    public static JsonElement Case(string name) =>
        Root.Value.TryGetProperty(name, out var c) ? c : throw new KeyNotFoundException($"transforms.json has no case '{name}'.");

    /// <summary>An input image stored as HWC uint8.</summary>
    public static Image Input(string name)
    {
        var e = Case("inputs").GetProperty(name);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().Select(x => (byte)x.GetInt32()).ToArray();
        return new Image(shape[1], shape[0], shape.Length == 3 ? shape[2] : 1, data);
    }

    public static (int[] Shape, float[] Data) Tensor(JsonElement e) =>
        (e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
         e.GetProperty("data").EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? float.Parse(x.GetString()!) : (float)x.GetDouble()).ToArray());
}
