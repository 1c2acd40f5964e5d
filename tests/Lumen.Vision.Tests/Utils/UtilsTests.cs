using Lumen.Data;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;
using Lumen.Vision.Utils;
using Xunit;

namespace Lumen.Vision.Tests.Utils;

public class UtilsTests
{
    private sealed class Two : Dataset<(Tensor Image, long Label)>
    {
        public override int Count => 2;
        public override (Tensor Image, long Label) this[int i] =>
            (i == 0 ? Torch.Tensor(new float[] { 0, 1, 2, 3, 10, 10, 10, 10 }, 2, 2, 2) : Torch.Tensor(new float[] { 4, 5, 10, 10 }, 2, 1, 2), 0);
    }

    [Fact]
    public void MeanStd_is_per_channel_over_every_pixel_of_every_sample()
    {
        var (mean, std) = DatasetStatistics.MeanStd(new Two());
        // channel 0: 0 1 2 3 4 5 → mean 2.5, unbiased std sqrt(17.5 / 5); channel 1: all 10
        Assert.Equal(new[] { 2.5f, 10f }, mean);
        Assert.Equal(MathF.Sqrt(3.5f), std[0], 6);
        Assert.Equal(0f, std[1]);
    }

    [Fact]
    public void Denormalize_inverts_Normalize_and_saves_a_PNG()
    {
        var img = TransformFixtures.Input("noise");
        float[] mean = { 0.12f, 0.12f, 0.40f }, std = { 0.22f, 0.20f, 0.20f };
        var t = (Tensor)new Compose(new ToTensor(), new Normalize(mean, std)).Forward(img);
        var back = ImageUtils.Denormalize(t, mean, std);
        Assert.Equal(img.Pixels, back.Pixels);
        var path = Path.Combine(Path.GetTempPath(), $"lumen-denorm-{Guid.NewGuid():N}.png");
        try
        {
            ImageUtils.SaveDenormalized(t, mean, std, path);
            Assert.Equal(img.Pixels, ImageCodec.Load(path).Pixels);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Grid_places_images_and_draws_captions_with_the_bitmap_font()
    {
        var a = Torch.Ones(3, 4, 6);
        var b = Torch.Zeros(1, 4, 6);
        var grid = ImageGrid.Make(new[] { a, b }, new[] { "CAT 1", "dog" }, nrow: 2, padding: 1, scale: 2);
        int capH = BitmapFont.GlyphHeight + 3, cellW = Math.Max(12, BitmapFont.Measure("CAT 1"));
        Assert.Equal(3 * 1 + 2 * cellW, grid.Width);
        Assert.Equal(2 + 8 + capH, grid.Height);
        int dx = 1 + (cellW - 12) / 2;
        Assert.Equal(255, grid.Pixels[(1 * grid.Width + dx) * 3]); // white image a
        int bx = 1 + cellW + 1 + (cellW - 12) / 2;
        Assert.Equal(0, grid.Pixels[(1 * grid.Width + bx) * 3]);   // black image b
        // The caption band holds dark pixels (text) under each cell and nothing else is dark there.
        int dark = 0;
        for (int y = 1 + 8; y < grid.Height; y++)
            for (int x = 0; x < grid.Width; x++)
                if (grid.Pixels[(y * grid.Width + x) * 3] == 0) dark++;
        int expected = "CAT 1dog".Sum(ch => Enumerable.Range(0, 15).Count(k => BitmapFont.IsSet(ch, k % 3, k / 3)));
        Assert.Equal(expected, dark);
        var path = Path.Combine(Path.GetTempPath(), $"lumen-grid-{Guid.NewGuid():N}.png");
        try
        {
            ImageGrid.Save(path, new[] { a, b }, new[] { "CAT 1", "dog" }, nrow: 2, padding: 1, scale: 2);
            Assert.Equal(grid.Pixels, ImageCodec.Load(path).Pixels);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Split_copies_a_seeded_shuffle_into_train_and_valid_without_touching_the_source()
    {
        var root = Directory.CreateTempSubdirectory("lumen-split-").FullName;
        try
        {
            var src = Path.Combine(root, "all");
            for (int i = 0; i < 7; i++)
                foreach (var cls in new[] { "cat", "dog" })
                {
                    Directory.CreateDirectory(Path.Combine(src, cls));
                    Png.Save(new Image(2, 2, 1, new byte[] { (byte)i, 0, 0, (byte)cls[0] }), Path.Combine(src, cls, $"{cls}.{i}.png"));
                }
            var before = Directory.GetFiles(src, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToArray();
            var r = ImageFolderSplit.Split(src, Path.Combine(root, "out"), validCount: 5, seed: 2);
            Assert.Equal((9, 5), (r.Train, r.Valid));
            Assert.Equal(before, Directory.GetFiles(src, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToArray());
            // The valid side is exactly the first 5 of randperm(14, Generator(2)) over the sorted file list.
            var all = new ImageFolder(src).Samples.Select(s => Path.GetFileName(s.Path)).ToArray();
            var perm = Torch.RandPerm(14, new Generator(2)).ToArray<long>();
            var expectedValid = perm.Take(5).Select(p => all[p]).OrderBy(x => x, StringComparer.Ordinal);
            var valid = new ImageFolder(Path.Combine(root, "out", "valid"));
            Assert.Equal(expectedValid, valid.Samples.Select(s => Path.GetFileName(s.Path)).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(9, new ImageFolder(Path.Combine(root, "out", "train")).Count);
            Assert.Empty(Directory.GetFiles(Path.Combine(root, "out"), ".*", SearchOption.AllDirectories)); // no temp files left
            Assert.Throws<IOException>(() => ImageFolderSplit.Split(src, Path.Combine(root, "out"), validCount: 5, seed: 2));
        }
        finally { Directory.Delete(root, true); }
    }
}
