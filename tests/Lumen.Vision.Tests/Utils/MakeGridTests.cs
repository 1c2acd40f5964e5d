using System.Text.Json;
using Lumen.Vision.Utils;
using Xunit;

namespace Lumen.Vision.Tests.Utils;

/// <summary>torchvision.utils.make_grid returns a tensor; <see cref="ImageUtils.MakeGrid(Tensor, int, int, bool, ValueTuple{float, float}?, bool, float)"/>
/// against torchvision 0.14 (tests/Fixtures/gen_api.py → make_grid.json).</summary>
public class MakeGridTests
{
    internal static readonly Lazy<JsonElement> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "Fixtures", "data", "make_grid.json");
            if (File.Exists(p)) return JsonDocument.Parse(File.ReadAllText(p)).RootElement.Clone();
        }
        throw new FileNotFoundException("tests/Fixtures/data/make_grid.json not found above " + AppContext.BaseDirectory + "; run tests/Fixtures/gen_api.py.");
    });

    internal static Tensor Read(string c, string key)
    {
        var (shape, data) = TransformFixtures.Tensor(Root.Value.GetProperty(c).GetProperty(key));
        return Torch.Tensor(data, shape);
    }

    private static void Same(string c, Tensor actual)
    {
        var expected = Read(c, "out");
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<float>();
        var a = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-6 * Math.Max(1, Math.Abs(e[i])), $"{c}[{i}]: {a[i]} vs {e[i]}");
    }

    private static Tensor Batch => Read("default", "x");

    [Fact]
    public void Default_grid_pads_two_pixels_and_lays_eight_per_row() => Same("default", ImageUtils.MakeGrid(Batch));

    [Fact]
    public void Normalize_uses_the_batch_min_and_max() => Same("nrow2_pad1_normalize", ImageUtils.MakeGrid(Batch, nrow: 2, padding: 1, normalize: true));

    [Fact]
    public void A_value_range_clamps_and_the_pad_value_fills() =>
        Same("value_range_pad_value", ImageUtils.MakeGrid(Batch, nrow: 3, normalize: true, valueRange: (-1f, 1f), padValue: 0.5f));

    [Fact]
    public void Scale_each_normalises_every_image_alone() =>
        Same("scale_each", ImageUtils.MakeGrid(Batch, nrow: 4, padding: 0, normalize: true, scaleEach: true));

    [Fact]
    public void One_channel_images_become_three_and_a_list_works_like_a_batch()
    {
        var gray = Read("one_channel", "x");
        Same("one_channel", ImageUtils.MakeGrid(Enumerable.Range(0, 3).Select(i => gray.Select(0, i)).ToList(), nrow: 2));
    }

    [Fact]
    public void A_batch_of_one_is_the_image_itself() => Same("single_image", ImageUtils.MakeGrid(Batch.Narrow(0, 0, 1), normalize: true));
}
