using Lumen.Vision.Codecs;

namespace Lumen.Examples.Cifar10Cnn;

/// <summary>Stand-in CIFAR-10 data for machines without ../shared/data/cifar10-jpeg: the same layout (train/ and test/,
/// one folder per CIFAR-10 class, 32×32 colour images), each class a noisy picture of its own colour, so a network can
/// learn it. Used only when the real folder is absent, and the example says so.</summary>
internal static class SyntheticCifar
{
    private static readonly string[] Classes = { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" };

    public static string Write(string root, int perClassTrain, int perClassTest, int seed = 0)
    {
        var rng = new Random(seed);
        foreach (var (split, count) in new[] { ("train", perClassTrain), ("test", perClassTest) })
            for (int c = 0; c < Classes.Length; c++)
            {
                var dir = Path.Combine(root, split, Classes[c]);
                Directory.CreateDirectory(dir);
                // A colour per class on the RGB cube's corners and mid-points.
                byte r = (byte)(c * 97 % 256), g = (byte)(c * 53 % 256), b = (byte)(c * 181 % 256);
                for (int i = 0; i < count; i++)
                {
                    var path = Path.Combine(dir, $"{i:D4}.png");
                    if (File.Exists(path)) continue;
                    var img = new Image(32, 32, 3);
                    for (int p = 0; p < 32 * 32; p++)
                    {
                        img.Pixels[p * 3] = Noisy(r, rng);
                        img.Pixels[p * 3 + 1] = Noisy(g, rng);
                        img.Pixels[p * 3 + 2] = Noisy(b, rng);
                    }
                    Png.Save(img, path);
                }
            }
        return root;
    }

    private static byte Noisy(byte v, Random rng) => (byte)Math.Clamp(v + rng.Next(-60, 61), 0, 255);
}
