using System.Globalization;
using Lumen.Data;
using Lumen.Vision.Codecs;
using Lumen.Vision.Transforms;

namespace Lumen.Examples.CustomCnns;

/// <summary>
/// Seed 000's <c>custom_tiny.TinyData</c> (rachellea/pytorch-computer-vision): 32×32 colour images for multi-label
/// colour classification, one folder per split (<c>train</c>, <c>val</c>, <c>test</c>) and one CSV of multi-hot labels
/// (<c>Filename,LabelRed,LabelBlue,LabelYellow</c>). A sample is (image (3, 32, 32) normalised, label (3) 0/1 floats).
/// </summary>
public sealed class TinyData : Dataset<Tensor[]>
{
    // The seed's utils.to_tensor_and_normalize: ToTensor, then ImageNet's mean and std.
    private static readonly Transform ToTensorAndNormalize = new Compose(
        new ToTensor(), new Normalize(new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f }));

    private readonly string _selectedDatasetDir;
    private readonly Dictionary<string, float[]> _allLabels;

    /// <summary>The label columns of the CSV, the seed's <c>label_meanings</c>.</summary>
    public IReadOnlyList<string> LabelMeanings { get; }

    /// <summary>The split's image file names, sorted.</summary>
    public IReadOnlyList<string> AllFilenames { get; }

    /// <param name="setname">"train", "val" or "test".</param>
    /// <param name="overallDatasetDir">the folder holding the split folders and <c>tiny_labels.csv</c>.</param>
    public TinyData(string setname, string overallDatasetDir)
    {
        if (setname is not ("train" or "val" or "test"))
            throw new ArgumentException($"TinyData: setname must be 'train', 'val' or 'test', got '{setname}'.");
        _selectedDatasetDir = Path.Combine(overallDatasetDir, setname);
        // os.listdir, sorted so the order does not depend on the file system.
        AllFilenames = Directory.GetFiles(_selectedDatasetDir, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        var lines = File.ReadAllLines(Path.Combine(overallDatasetDir, "tiny_labels.csv"));
        LabelMeanings = lines[0].Split(',')[1..];
        _allLabels = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => f[1..].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
    }

    public override int Count => AllFilenames.Count;

    public override Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            var selectedFilename = AllFilenames[index];
            var image = ToTensorAndNormalize.Forward<Tensor>(ImageCodec.Load(Path.Combine(_selectedDatasetDir, selectedFilename)));
            var label = Torch.Tensor(_allLabels[selectedFilename], LabelMeanings.Count);
            return new[] { image, label };
        }
    }

    /// <summary>
    /// Writes a synthetic twin of the seed's <c>load_dataset/tiny_data</c> (the repository ships 18 such PNGs): grey noise
    /// with one filled square per present colour (red, blue, yellow), each colour present with probability ½, so the
    /// labels are what a colour detector should find. Returns the folder (<paramref name="root"/>/tiny_data).
    /// </summary>
    public static string WriteSynthetic(string root, int train, int val, int test, int seed = 0)
    {
        var dir = Path.Combine(root, "tiny_data");
        var rng = new Random(seed);
        var colours = new (byte R, byte G, byte B)[] { (220, 30, 30), (30, 60, 220), (235, 215, 30) };
        var csv = new System.Text.StringBuilder("Filename,LabelRed,LabelBlue,LabelYellow\n");
        int n = 0;
        foreach (var (split, count) in new[] { ("train", train), ("val", val), ("test", test) })
        {
            Directory.CreateDirectory(Path.Combine(dir, split));
            for (int i = 0; i < count; i++)
            {
                var img = new Image(32, 32, 3);
                for (int p = 0; p < img.Pixels.Length; p++) img.Pixels[p] = (byte)rng.Next(80, 176);
                var label = new int[3];
                for (int c = 0; c < 3; c++)
                {
                    if (rng.Next(2) == 0) continue;
                    label[c] = 1;
                    int side = rng.Next(7, 13), x0 = rng.Next(0, 32 - side), y0 = rng.Next(0, 32 - side);
                    for (int y = y0; y < y0 + side; y++)
                        for (int x = x0; x < x0 + side; x++)
                        {
                            int o = (y * 32 + x) * 3;
                            (img.Pixels[o], img.Pixels[o + 1], img.Pixels[o + 2]) = colours[c];
                        }
                }
                var name = $"{++n:D4}.png";
                Png.Save(img, Path.Combine(dir, split, name));
                csv.Append(name).Append(',').Append(string.Join(',', label)).Append('\n');
            }
        }
        File.WriteAllText(Path.Combine(dir, "tiny_labels.csv"), csv.ToString());
        return dir;
    }
}
