using Xunit;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Lumen.Vision.Codecs;
using Xunit.Abstractions;

namespace Lumen.Vision.Tests.Codecs;

public class DogCatTests(ITestOutputHelper output)
{
    [DogCatFact]
    public void Every_dogcat_jpeg_decodes_to_exactly_PILs_pixels()
    {
        var root = DogCat.Root!;
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(CodecFixtures.Root, "dogcat.json"))).RootElement;
        var files = Directory.GetFiles(Path.Combine(root, "cat"), "*.jpg").Concat(Directory.GetFiles(Path.Combine(root, "dog"), "*.jpg"))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.Equal(1399, files.Length);
        var mismatches = new List<string>();
        var decodeTime = new Stopwatch();
        foreach (var file in files)
        {
            var rel = Path.GetRelativePath(root, file).Replace('\\', '/');
            var bytes = File.ReadAllBytes(file);
            decodeTime.Start();
            var image = ImageCodec.Decode(bytes, file);
            decodeTime.Stop();
            var e = expected.GetProperty(rel);
            Assert.Equal((e.GetProperty("w").GetInt32(), e.GetProperty("h").GetInt32(), e.GetProperty("c").GetInt32()),
                (image.Width, image.Height, image.Channels));
            var sha = Convert.ToHexString(SHA256.HashData(image.Pixels))[..16].ToLowerInvariant();
            if (sha != e.GetProperty("sha256").GetString())
            {
                long sum = image.Pixels.Sum(b => (long)b);
                mismatches.Add($"{rel} (sum {sum} vs PIL {e.GetProperty("sum").GetInt64()})");
            }
        }
        output.WriteLine($"decoded {files.Length} images in {decodeTime.Elapsed.TotalSeconds:F2} s single-threaded " +
                         $"({decodeTime.Elapsed.TotalMilliseconds / files.Length:F2} ms per image)");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} images differ from PIL: {string.Join(", ", mismatches.Take(10))}");
    }
}
