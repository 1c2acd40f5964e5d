using Xunit;
using static Lumen.Cli.Tests.Robustness.UsageErrors;

namespace Lumen.Cli.Tests.Robustness;

/// <summary>A bad file in a class folder is bad input: the typed decoder error reaches the user as one line naming the
/// file, exit code 2 (it used to stop mid-epoch with exit code 1).</summary>
public sealed class DataErrorExitCodeTests
{
    /// <summary>train/ and test/ with classes a and b, four 12×12 grey PGM images each, plus <paramref name="badName"/>
    /// holding <paramref name="bad"/> in train/a.</summary>
    private static string Folder(string badName, byte[] bad)
    {
        var root = LumenCli.TempDir("imgs");
        foreach (var split in new[] { "train", "test" })
            foreach (var cls in new[] { "a", "b" })
            {
                var d = Path.Combine(root, split, cls);
                Directory.CreateDirectory(d);
                for (int i = 0; i < 4; i++)
                {
                    var pixels = Enumerable.Range(0, 144).Select(k => (byte)((k * (i + 1) + (cls == "a" ? 0 : 128)) & 255)).ToArray();
                    File.WriteAllBytes(Path.Combine(d, $"{i}.pgm"), System.Text.Encoding.ASCII.GetBytes("P5\n12 12\n255\n").Concat(pixels).ToArray());
                }
            }
        File.WriteAllBytes(Path.Combine(root, "train", "a", badName), bad);
        return root;
    }

    private static LumenCli.Result Train(string root) =>
        LumenCli.Run("train", "--dataset", "imagefolder:" + root, "--model", "tiny-conv", "--epochs", "1",
            "--batch-size", "4", "--threads", "1", "--no-report", "--out", Path.Combine(root, "run"));

    /// <summary>The first bytes of a baseline JPEG (SOI, APP0, the start of a quantisation table) and nothing more.</summary>
    private static readonly byte[] TruncatedJpeg = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xDB, 0x00, 0x43, 0x00, 1, 2 };

    [Theory]
    [InlineData("fake.jpg", "this is not a jpeg")]
    [InlineData("scan.tif", "II*\0 tiff is not supported")]
    [InlineData("cut.jpg", null)]
    public void A_bad_image_in_a_class_folder_is_bad_input(string name, string? content)
    {
        var bytes = content == null ? TruncatedJpeg : System.Text.Encoding.ASCII.GetBytes(content);
        var root = Folder(name, bytes);
        AssertBadInput(Train(root), Path.Combine(root, "train", "a", name));
    }
}
