using Lumen.Training.Reports;
using Xunit;

namespace Lumen.Training.Tests.Reports;

public class BitmapFontTests
{
    private static string Mask(char c)
    {
        var s = new System.Text.StringBuilder();
        for (int r = 0; r < BitmapFont.GlyphHeight; r++)
            for (int col = 0; col < BitmapFont.GlyphWidth; col++) s.Append(BitmapFont.Ink(c, col, r) ? '#' : '.');
        return s.ToString();
    }

    [Fact]
    public void Every_printable_ascii_character_has_its_own_glyph()
    {
        var seen = new Dictionary<string, char>();
        for (char c = '!'; c <= '~'; c++)
        {
            string m = Mask(c);
            Assert.Contains('#', m);
            Assert.False(seen.TryGetValue(m, out char twin), $"'{c}' draws the same as '{twin}'");
            seen[m] = c;
        }
        Assert.DoesNotContain('#', Mask(' '));
        Assert.Equal(Mask('?'), Mask('é')); // outside ASCII falls back to '?'
    }

    /// <summary>Renders the digits through the rasteriser and compares the pixels each one inked.</summary>
    [Fact]
    public void Digits_drawn_by_the_rasteriser_are_all_distinguishable()
    {
        var f = new Figure("digits", "digits", 200, 20);
        for (int d = 0; d <= 9; d++) f.Text(5 + d * 18, 10, d.ToString(), 10, Rgb.Black);
        var img = Rasterizer.Render(f, scale: 2); // size 10 at scale 2: glyph pixels are 2×2
        int k = Rasterizer.GlyphScale(10, 2);
        Assert.Equal(2, k);
        var masks = new List<string>();
        for (int d = 0; d <= 9; d++)
        {
            var s = new System.Text.StringBuilder();
            int x0 = (5 + d * 18) * 2, y0 = 10 * 2 - (int)Math.Round(3.5 * k);
            for (int r = 0; r < BitmapFont.GlyphHeight; r++)
                for (int c = 0; c < BitmapFont.GlyphWidth; c++)
                {
                    // Centre of the k×k block of font pixel (c, r).
                    int x = x0 + c * k + k / 2, y = y0 + r * k + k / 2;
                    s.Append(img.Pixels[(y * img.Width + x) * 3] < 128 ? '#' : '.');
                }
            masks.Add(s.ToString());
            Assert.Equal(Mask((char)('0' + d)), masks[^1]);
        }
        Assert.Equal(10, masks.Distinct().Count());
        Assert.True(masks[8].Count(ch => ch == '#') > masks[1].Count(ch => ch == '#'), "an 8 has more ink than a 1");
    }

    [Fact]
    public void Text_anchored_at_the_end_finishes_at_the_anchor()
    {
        var f = new Figure("t", "t", 100, 20);
        f.Text(80, 10, "123", 10, Rgb.Black, TextAnchor.End);
        var img = Rasterizer.Render(f, scale: 1);
        int last = -1, first = int.MaxValue;
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                if (img.Pixels[(y * img.Width + x) * 3] < 128) { last = Math.Max(last, x); first = Math.Min(first, x); }
        Assert.Equal(79, last);                       // the last inked column is just left of x = 80
        Assert.Equal(80 - BitmapFont.Width("123") + 1, first); // the glyph of '1' starts in its second column
    }
}
