namespace Lumen.Vision.Utils;

/// <summary>A tiny built-in 3×5 pixel font (digits, letters — lower case drawn as upper case — and common punctuation) for
/// captions; unknown characters draw as '?'.</summary>
public static class BitmapFont
{
    /// <summary>Glyph width in font pixels.</summary>
    public const int GlyphWidth = 3;

    /// <summary>Glyph height in font pixels.</summary>
    public const int GlyphHeight = 5;

    /// <summary>Advance per character (glyph plus one column of space).</summary>
    public const int Advance = GlyphWidth + 1;

    private static readonly Dictionary<char, string> Glyphs = new()
    {
        ['0'] = "###,#.#,#.#,#.#,###", ['1'] = ".#.,##.,.#.,.#.,###", ['2'] = "###,..#,###,#..,###", ['3'] = "###,..#,.##,..#,###",
        ['4'] = "#.#,#.#,###,..#,..#", ['5'] = "###,#..,###,..#,###", ['6'] = "###,#..,###,#.#,###", ['7'] = "###,..#,..#,.#.,.#.",
        ['8'] = "###,#.#,###,#.#,###", ['9'] = "###,#.#,###,..#,###",
        ['A'] = ".#.,#.#,###,#.#,#.#", ['B'] = "##.,#.#,##.,#.#,##.", ['C'] = ".##,#..,#..,#..,.##", ['D'] = "##.,#.#,#.#,#.#,##.",
        ['E'] = "###,#..,##.,#..,###", ['F'] = "###,#..,##.,#..,#..", ['G'] = ".##,#..,#.#,#.#,.##", ['H'] = "#.#,#.#,###,#.#,#.#",
        ['I'] = "###,.#.,.#.,.#.,###", ['J'] = "..#,..#,..#,#.#,.#.", ['K'] = "#.#,#.#,##.,#.#,#.#", ['L'] = "#..,#..,#..,#..,###",
        ['M'] = "#.#,###,###,#.#,#.#", ['N'] = "##.,#.#,#.#,#.#,#.#", ['O'] = ".#.,#.#,#.#,#.#,.#.", ['P'] = "##.,#.#,##.,#..,#..",
        ['Q'] = ".#.,#.#,#.#,##.,.##", ['R'] = "##.,#.#,##.,#.#,#.#", ['S'] = ".##,#..,.#.,..#,##.", ['T'] = "###,.#.,.#.,.#.,.#.",
        ['U'] = "#.#,#.#,#.#,#.#,###", ['V'] = "#.#,#.#,#.#,#.#,.#.", ['W'] = "#.#,#.#,###,###,#.#", ['X'] = "#.#,#.#,.#.,#.#,#.#",
        ['Y'] = "#.#,#.#,.#.,.#.,.#.", ['Z'] = "###,..#,.#.,#..,###",
        [' '] = "...,...,...,...,...", ['.'] = "...,...,...,...,.#.", [','] = "...,...,...,.#.,#..", [':'] = "...,.#.,...,.#.,...",
        ['-'] = "...,...,###,...,...", ['_'] = "...,...,...,...,###", ['('] = "..#,.#.,.#.,.#.,..#", [')'] = "#..,.#.,.#.,.#.,#..",
        ['/'] = "..#,..#,.#.,#..,#..", ['%'] = "#.#,..#,.#.,#..,#.#", ['+'] = "...,.#.,###,.#.,...", ['='] = "...,###,...,###,...",
        ['!'] = ".#.,.#.,.#.,...,.#.", ['?'] = "##.,..#,.#.,...,.#.", ['\''] = ".#.,.#.,...,...,...", ['>'] = "#..,.#.,..#,.#.,#..",
        ['<'] = "..#,.#.,#..,.#.,..#",
    };

    /// <summary>Whether font pixel (x, y) of <paramref name="ch"/>'s glyph is set.</summary>
    public static bool IsSet(char ch, int x, int y)
    {
        if (!Glyphs.TryGetValue(char.ToUpperInvariant(ch), out var g)) g = Glyphs['?'];
        return g[y * 4 + x] == '#';
    }

    /// <summary>Width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>.</summary>
    public static int Measure(string text, int scale = 1) => text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;

    /// <summary>Draws <paramref name="text"/> into an HWC byte buffer with its top-left corner at (x, y), clipped to the image.</summary>
    public static void Draw(Codecs.Image image, string text, int x, int y, byte[] color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(text);
        int c = image.Channels;
        for (int k = 0; k < text.Length; k++)
            for (int gy = 0; gy < GlyphHeight; gy++)
                for (int gx = 0; gx < GlyphWidth; gx++)
                {
                    if (!IsSet(text[k], gx, gy)) continue;
                    for (int sy = 0; sy < scale; sy++)
                        for (int sx = 0; sx < scale; sx++)
                        {
                            int px = x + (k * Advance + gx) * scale + sx, py = y + gy * scale + sy;
                            if (px < 0 || py < 0 || px >= image.Width || py >= image.Height) continue;
                            for (int ch = 0; ch < c; ch++) image.Pixels[(py * image.Width + px) * c + ch] = color[ch % color.Length];
                        }
                }
    }
}
