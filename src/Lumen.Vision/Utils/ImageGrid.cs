using Lumen.Vision.Codecs;

namespace Lumen.Vision.Utils;

/// <summary>A grid of images with a caption under each (seed 001's sample predictions), like torchvision's <c>make_grid</c>
/// plus matplotlib titles, drawn with the built-in <see cref="BitmapFont"/> and saved as PNG.</summary>
public static class ImageGrid
{
    /// <summary>Lays out <paramref name="images"/> (float tensors (C, H, W) in [0, 1], or uint8) <paramref name="nrow"/> per row
    /// with <paramref name="padding"/> pixels between cells, each image enlarged <paramref name="scale"/> times (nearest) and
    /// captioned below in black on white (or <paramref name="captionColors"/>, RGB per image). Returns an RGB image.</summary>
    public static Image Make(IReadOnlyList<Tensor> images, IReadOnlyList<string>? captions = null, int nrow = 8, int padding = 2, int scale = 1,
        int fontScale = 1, IReadOnlyList<(byte R, byte G, byte B)>? captionColors = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("ImageGrid: no images.");
        if (nrow < 1 || padding < 0 || scale < 1 || fontScale < 1) throw new ArgumentException($"ImageGrid: nrow ({nrow}), scale ({scale}) and fontScale ({fontScale}) must be positive and padding ({padding}) non-negative.");
        if (captions is not null && captions.Count != images.Count) throw new ArgumentException($"ImageGrid: {captions.Count} captions for {images.Count} images.");
        var pics = images.Select(t => ToRgb(ImageUtils.ToImage(t))).ToArray();
        int cellW = pics.Max(p => p.Width) * scale, imgH = pics.Max(p => p.Height) * scale;
        int capH = captions is null ? 0 : BitmapFont.GlyphHeight * fontScale + 2 * fontScale + 1;
        if (captions is not null) cellW = Math.Max(cellW, captions.Max(c => BitmapFont.Measure(c, fontScale)));
        int cellH = imgH + capH;
        int cols = Math.Min(nrow, pics.Length), rows = (pics.Length + nrow - 1) / nrow;
        var grid = new Image(cols * cellW + (cols + 1) * padding, rows * cellH + (rows + 1) * padding, 3);
        Array.Fill(grid.Pixels, (byte)255);
        for (int k = 0; k < pics.Length; k++)
        {
            int ox = padding + (k % nrow) * (cellW + padding), oy = padding + (k / nrow) * (cellH + padding);
            var p = pics[k];
            int dx = ox + (cellW - p.Width * scale) / 2;
            for (int y = 0; y < p.Height * scale; y++)
                for (int x = 0; x < p.Width * scale; x++)
                    Buffer.BlockCopy(p.Pixels, ((y / scale) * p.Width + x / scale) * 3, grid.Pixels, ((oy + y) * grid.Width + dx + x) * 3, 3);
            if (captions is null) continue;
            var color = captionColors is null ? new byte[] { 0, 0, 0 } : new[] { captionColors[k].R, captionColors[k].G, captionColors[k].B };
            int tx = ox + (cellW - BitmapFont.Measure(captions[k], fontScale)) / 2;
            BitmapFont.Draw(grid, captions[k], tx, oy + imgH + fontScale + 1, color, fontScale);
        }
        return grid;
    }

    /// <summary>Makes the grid (see <see cref="Make"/>) and saves it as a PNG file.</summary>
    public static void Save(string path, IReadOnlyList<Tensor> images, IReadOnlyList<string>? captions = null, int nrow = 8, int padding = 2, int scale = 1,
        int fontScale = 1, IReadOnlyList<(byte R, byte G, byte B)>? captionColors = null) =>
        Png.Save(Make(images, captions, nrow, padding, scale, fontScale, captionColors), path);

    private static Image ToRgb(Image img) => img.Channels switch
    {
        3 => img,
        1 => Transforms.TF.RgbToGrayscale(img, 3),
        _ => StripAlpha(img),
    };

    private static Image StripAlpha(Image img)
    {
        var dst = new Image(img.Width, img.Height, 3);
        for (int i = 0, n = img.Width * img.Height; i < n; i++)
            for (int ch = 0; ch < 3; ch++) dst.Pixels[i * 3 + ch] = img.Pixels[i * img.Channels + (img.Channels == 2 ? 0 : ch)];
        return dst;
    }
}
