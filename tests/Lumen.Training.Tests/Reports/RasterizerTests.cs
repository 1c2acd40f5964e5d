using Lumen.Training.Reports;
using Xunit;

namespace Lumen.Training.Tests.Reports;

public class RasterizerTests
{
    private static byte R(Raster img, int x, int y) => img.Pixels[(y * img.Width + x) * 3];

    [Fact]
    public void Filled_rectangle_covers_exactly_its_pixels_at_scale_2()
    {
        var f = new Figure("r", "r", 10, 10);
        f.Rect(2, 3, 4, 2, Rgb.Black);
        var img = Rasterizer.Render(f, scale: 2);
        Assert.Equal(20, img.Width);
        Assert.Equal(20, img.Height);
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 20; x++)
                Assert.Equal(x >= 4 && x < 12 && y >= 6 && y < 10 ? 0 : 255, R(img, x, y));
    }

    [Fact]
    public void Horizontal_line_of_width_2_is_solid_two_pixels_thick_with_round_caps_inside_the_bbox()
    {
        var f = new Figure("l", "l", 20, 10);
        f.Line(5, 5, 15, 5, Rgb.Black, 2);
        var img = Rasterizer.Render(f, scale: 1);
        for (int x = 6; x < 14; x++)
        {
            Assert.Equal(0, R(img, x, 4));
            Assert.Equal(0, R(img, x, 5));
            Assert.Equal(255, R(img, x, 2));
            Assert.Equal(255, R(img, x, 7));
        }
        Assert.Equal(255, R(img, 1, 5));
        Assert.Equal(255, R(img, 18, 5));
    }

    [Fact]
    public void Diagonal_line_is_anti_aliased()
    {
        var f = new Figure("l", "l", 20, 20);
        f.Line(2, 3, 18, 15, Rgb.Black, 1.5);
        var img = Rasterizer.Render(f, scale: 1);
        var values = img.Pixels.Where((_, i) => i % 3 == 0).ToArray();
        Assert.Contains(values, v => v == 0);
        Assert.Contains(values, v => v > 20 && v < 235); // partial coverage at the edges
    }

    [Fact]
    public void Picture_is_enlarged_with_nearest_neighbour_blocks()
    {
        var src = new Raster(2, 2, 1, [0, 100, 200, 50]);
        var f = new Figure("p", "p", 4, 4);
        f.Picture(0, 0, 4, 4, src);
        var img = Rasterizer.Render(f, scale: 2); // 2×2 source over 8×8 device pixels: 4×4 blocks
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                Assert.Equal(src.Pixels[(y / 4) * 2 + x / 4], R(img, x, y));
    }

    [Fact]
    public void Svg_picture_is_embedded_enlarged_so_a_3x3_filter_stays_sharp()
    {
        var src = new Raster(3, 3, 1, [0, 32, 64, 96, 128, 160, 192, 224, 255]);
        var big = SvgRenderer.Enlarge(src, 48, 48);
        Assert.Equal(48, big.Width);
        Assert.Equal(src.Pixels[4], big.Pixels[20 * 48 + 20]);
        Assert.Equal(src.Pixels[8], big.Pixels[47 * 48 + 47]);
    }
}
