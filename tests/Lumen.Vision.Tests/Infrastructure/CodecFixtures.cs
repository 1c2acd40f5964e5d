using Xunit;
using System.Text.Json;
using Lumen.Vision.Codecs;

namespace Lumen.Vision.Tests;

/// <summary>The codec golden files written by tests/Fixtures/gen_codecs.py (copied next to the test assembly).</summary>
public static class CodecFixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "codecs");

    private static readonly Lazy<JsonElement> Manifest = new(() =>
    {
        var path = Path.Combine(Root, "manifest.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing; run tests/Fixtures/gen_codecs.py.");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    });

    public sealed record Entry(string Name, string File, string Pixels, int Width, int Height, int Channels)
    {
        public byte[] ReadFile() => System.IO.File.ReadAllBytes(Path.Combine(Root, File));
        public string FilePath => Path.Combine(Root, File);
        public byte[] ReadPixels() => System.IO.File.ReadAllBytes(Path.Combine(Root, Pixels));
        public override string ToString() => Name;
    }

    public static IEnumerable<Entry> Cases(string kind) =>
        Manifest.Value.GetProperty(kind).EnumerateArray().Select(e => new Entry(
            e.GetProperty("name").GetString()!, e.GetProperty("file").GetString()!, e.GetProperty("pixels").GetString()!,
            e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(), e.GetProperty("channels").GetInt32()));

    public static Entry Case(string kind, string name) =>
        Cases(kind).FirstOrDefault(e => e.Name == name) ?? throw new KeyNotFoundException($"manifest.json has no {kind} case '{name}'.");

    public static TheoryData<string> Names(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var e in Cases(kind)) data.Add(e.Name);
        return data;
    }

    /// <summary>Asserts that <paramref name="actual"/> has the expected size and exactly the expected pixels;
    /// on failure the message gives the first differing sample and the max/mean absolute difference.</summary>
    public static void AssertPixelsEqual(Entry expected, Image actual)
    {
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        var want = expected.ReadPixels();
        if (want.AsSpan().SequenceEqual(actual.Pixels)) return;
        int first = -1, max = 0;
        long total = 0;
        for (int i = 0; i < want.Length; i++)
        {
            int d = Math.Abs(want[i] - actual.Pixels[i]);
            if (d > 0 && first < 0) first = i;
            max = Math.Max(max, d);
            total += d;
        }
        int px = first / expected.Channels;
        Assert.Fail($"{expected.Name}: first difference at (y={px / expected.Width}, x={px % expected.Width}, c={first % expected.Channels}): " +
                    $"expected {want[first]}, got {actual.Pixels[first]}; max |diff| {max}, mean |diff| {(double)total / want.Length:F4}.");
    }
}
