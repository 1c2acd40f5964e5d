using System.Globalization;
using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Resampling filters, torchvision's <c>InterpolationMode</c> (on images: PIL's filters).</summary>
public enum InterpolationMode
{
    /// <summary>PIL's NEAREST: the source pixel under the centre of each output pixel.</summary>
    Nearest,
    /// <summary>PIL's BILINEAR: a triangle filter whose support widens with the downscale factor (antialiased).</summary>
    Bilinear,
    /// <summary>PIL's BICUBIC: Keys' cubic (a = −0.5), support 2 scaled like bilinear.</summary>
    Bicubic,
}

/// <summary>How RandomCrop / Pad fill the border, torchvision's <c>padding_mode</c>.</summary>
public enum PaddingMode
{
    /// <summary>A constant fill value.</summary>
    Constant,
    /// <summary>Repeat the edge pixel (numpy's "edge").</summary>
    Edge,
    /// <summary>Mirror without repeating the edge: 2 1 | 0 1 2 (numpy's "reflect").</summary>
    Reflect,
    /// <summary>Mirror repeating the edge: 1 0 | 0 1 2 (numpy's "symmetric").</summary>
    Symmetric,
}

/// <summary>The pixel operations torchvision performs through PIL 9.4 on images, reproduced in integer/fixed-point
/// arithmetic exactly as PIL's C code does them (Resample.c, Geometry.c, Blend.c, Convert.c), so results match PIL's
/// bytes.</summary>
internal static class PilOps
{
    private const int PrecisionBits = 32 - 8 - 2;

    // ------------------------------------------------------------------ resize

    /// <summary>PIL's <c>Image.resize((w, h), filter)</c> for 8-bit images (each channel independently).</summary>
    public static Image Resize(Image img, int width, int height, InterpolationMode mode)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Resize: output size {width}x{height} must be positive.");
        if (width == img.Width && height == img.Height) return Copy(img);
        if (mode == InterpolationMode.Nearest)
            return ScaleAffineNearest(img, width, height, new[] { (double)img.Width / width, 0, 0, 0, (double)img.Height / height, 0 }, null);
        Func<double, double> filter;
        double support;
        if (mode == InterpolationMode.Bilinear) { filter = Bilinear; support = 1.0; }
        else { filter = Bicubic; support = 2.0; }
        bool needH = width != img.Width, needV = height != img.Height;
        int kh = Coefficients(img.Width, width, filter, support, out var boundsH, out var kkH);
        int kv = Coefficients(img.Height, height, filter, support, out var boundsV, out var kkV);
        var src = img;
        if (needH)
        {
            int yFirst = boundsV[0], yLast = boundsV[height * 2 - 2] + boundsV[height * 2 - 1];
            for (int i = 0; i < height; i++) boundsV[i * 2] -= yFirst;
            var tmp = new Image(width, yLast - yFirst, img.Channels);
            ResampleHorizontal(tmp, img, yFirst, kh, boundsH, kkH);
            src = tmp;
        }
        else
        {
            // PIL keeps the full image here; bounds refer to source rows directly.
        }
        if (needV)
        {
            var outImg = new Image(src.Width, height, img.Channels);
            ResampleVertical(outImg, src, kv, boundsV, kkV);
            return outImg;
        }
        return src;
    }

    private static double Bilinear(double x)
    {
        if (x < 0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>PIL's precompute_coeffs + normalize_coeffs_8bpc: per output pixel a [min, count) source range and
    /// fixed-point weights (22 fraction bits).</summary>
    private static int Coefficients(int inSize, int outSize, Func<double, double> filter, double filterSupport, out int[] bounds, out int[] kk)
    {
        double scale = (double)inSize / outSize, filterscale = scale < 1.0 ? 1.0 : scale;
        double support = filterSupport * filterscale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var pre = new double[outSize * ksize];
        bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale, ww = 0.0, ss = 1.0 / filterscale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            int k = xx * ksize;
            for (int x = 0; x < xmax; x++)
            {
                double w = filter((x + xmin - center + 0.5) * ss);
                pre[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) if (ww != 0.0) pre[k + x] /= ww;
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        kk = new int[pre.Length];
        for (int i = 0; i < pre.Length; i++)
            kk[i] = pre[i] < 0 ? (int)(-0.5 + pre[i] * (1 << PrecisionBits)) : (int)(0.5 + pre[i] * (1 << PrecisionBits));
        return ksize;
    }

    private static byte Clip8(int v)
    {
        int s = v >> PrecisionBits;
        return s < 0 ? (byte)0 : s > 255 ? (byte)255 : (byte)s;
    }

    private static void ResampleHorizontal(Image dst, Image src, int offset, int ksize, int[] bounds, int[] kk)
    {
        int c = src.Channels;
        var s = src.Pixels;
        var d = dst.Pixels;
        for (int yy = 0; yy < dst.Height; yy++)
        {
            int srow = (yy + offset) * src.Stride, drow = yy * dst.Stride;
            for (int xx = 0; xx < dst.Width; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1], k = xx * ksize;
                for (int ch = 0; ch < c; ch++)
                {
                    int ss = 1 << (PrecisionBits - 1);
                    for (int x = 0; x < xmax; x++) ss += s[srow + (x + xmin) * c + ch] * kk[k + x];
                    d[drow + xx * c + ch] = Clip8(ss);
                }
            }
        }
    }

    private static void ResampleVertical(Image dst, Image src, int ksize, int[] bounds, int[] kk)
    {
        int c = src.Channels, stride = src.Stride;
        var s = src.Pixels;
        var d = dst.Pixels;
        for (int yy = 0; yy < dst.Height; yy++)
        {
            int ymin = bounds[yy * 2], ymax = bounds[yy * 2 + 1], k = yy * ksize, drow = yy * dst.Stride;
            for (int i = 0; i < stride; i++)
            {
                int ss = 1 << (PrecisionBits - 1);
                for (int y = 0; y < ymax; y++) ss += s[(y + ymin) * stride + i] * kk[k + y];
                d[drow + i] = Clip8(ss);
            }
        }
    }

    // ------------------------------------------------------------------ affine (nearest)

    /// <summary>PIL's <c>im.transform(size, AFFINE, a, NEAREST, fillcolor=fill)</c>: output pixel (x, y) takes the source pixel
    /// at a·(x + 0.5, y + 0.5); outside the source it keeps <paramref name="fill"/>.</summary>
    public static Image AffineNearest(Image img, int width, int height, double[] a, byte[]? fill)
    {
        if (a[1] == 0 && a[3] == 0) return ScaleAffineNearest(img, width, height, a, fill);
        if (!(CheckFixed(a, 0, 0) && CheckFixed(a, width, height) && CheckFixed(a, 0, height) && CheckFixed(a, width, 0)))
            return AffineNearestFloat(img, width, height, a, fill);
        var dst = Filled(width, height, img.Channels, fill);
        int c = img.Channels;
        int a0 = Fix(a[0]), a1 = Fix(a[1]), a3 = Fix(a[3]), a4 = Fix(a[4]);
        int a2 = Fix(a[2] + a[1] * 0.5 + a[0] * 0.5), a5 = Fix(a[5] + a[4] * 0.5 + a[3] * 0.5);
        for (int y = 0; y < height; y++)
        {
            int xx = a2, yy = a5;
            for (int x = 0; x < width; x++)
            {
                int xin = xx >> 16;
                if (xin >= 0 && xin < img.Width)
                {
                    int yin = yy >> 16;
                    if (yin >= 0 && yin < img.Height)
                        Buffer.BlockCopy(img.Pixels, (yin * img.Width + xin) * c, dst.Pixels, (y * width + x) * c, c);
                }
                xx += a0;
                yy += a3;
            }
            a2 += a1;
            a5 += a4;
        }
        return dst;
    }

    private static int Fix(double v) => (int)Math.Floor(v * 65536.0 + 0.5);

    private static bool CheckFixed(double[] a, int x, int y) =>
        Math.Abs(x * a[0] + y * a[1] + a[2]) < 32768.0 && Math.Abs(x * a[3] + y * a[4] + a[5]) < 32768.0;

    private static Image AffineNearestFloat(Image img, int width, int height, double[] a, byte[]? fill)
    {
        var dst = Filled(width, height, img.Channels, fill);
        int c = img.Channels;
        double xo = a[2] + a[1] * 0.5 + a[0] * 0.5, yo = a[5] + a[4] * 0.5 + a[3] * 0.5;
        for (int y = 0; y < height; y++)
        {
            double xx = xo, yy = yo;
            for (int x = 0; x < width; x++)
            {
                int xin = Coord(xx), yin = Coord(yy);
                if (xin >= 0 && xin < img.Width && yin >= 0 && yin < img.Height)
                    Buffer.BlockCopy(img.Pixels, (yin * img.Width + xin) * c, dst.Pixels, (y * width + x) * c, c);
                xx += a[0];
                yy += a[3];
            }
            xo += a[1];
            yo += a[4];
        }
        return dst;
    }

    private static int Coord(double v) => v < 0.0 ? -1 : (int)v;

    private static Image ScaleAffineNearest(Image img, int width, int height, double[] a, byte[]? fill)
    {
        var dst = Filled(width, height, img.Channels, fill);
        int c = img.Channels;
        var xin = new int[width];
        double xo = a[2] + a[0] * 0.5, yo = a[5] + a[4] * 0.5;
        int xmin = width, xmax = 0;
        for (int x = 0; x < width; x++)
        {
            int xi = Coord(xo);
            if (xi >= 0 && xi < img.Width)
            {
                xmax = x + 1;
                if (x < xmin) xmin = x;
                xin[x] = xi;
            }
            xo += a[0];
        }
        for (int y = 0; y < height; y++)
        {
            int yi = Coord(yo);
            if (yi >= 0 && yi < img.Height)
                for (int x = xmin; x < xmax; x++)
                    Buffer.BlockCopy(img.Pixels, (yi * img.Width + xin[x]) * c, dst.Pixels, (y * width + x) * c, c);
            yo += a[4];
        }
        return dst;
    }

    private static Image Filled(int width, int height, int channels, byte[]? fill)
    {
        var dst = new Image(width, height, channels);
        if (fill is not null && fill.Any(v => v != 0))
            for (int i = 0; i < dst.Pixels.Length; i++) dst.Pixels[i] = fill[i % channels];
        return dst;
    }

    /// <summary>PIL's <c>Image.rotate(angle, NEAREST, expand=False, center=None, fillcolor=fill)</c>.</summary>
    public static Image Rotate(Image img, double angle, byte[]? fill)
    {
        angle = PyMod(angle, 360.0);
        if (angle == 0) return Copy(img);
        if (angle == 180) return Flip(Flip(img, horizontal: true), horizontal: false);
        int w = img.Width, h = img.Height;
        if ((angle == 90 || angle == 270) && w == h) return angle == 90 ? Transpose(Flip(img, horizontal: true)) : Flip(Transpose(img), horizontal: true);
        double cx = w / 2.0, cy = h / 2.0;
        double rad = -(angle * (Math.PI / 180.0));
        var m = new[] { PyRound15(Math.Cos(rad)), PyRound15(Math.Sin(rad)), 0.0, PyRound15(-Math.Sin(rad)), PyRound15(Math.Cos(rad)), 0.0 };
        double tx = -cx, ty = -cy;
        m[2] = m[0] * tx + m[1] * ty + m[2];
        m[5] = m[3] * tx + m[4] * ty + m[5];
        m[2] += cx;
        m[5] += cy;
        return AffineNearest(img, w, h, m, fill);
    }

    /// <summary>Python's <c>x % y</c> for floats (the result takes the sign of y).</summary>
    public static double PyMod(double x, double y)
    {
        double m = x % y;
        if (m != 0 && (m < 0) != (y < 0)) m += y;
        return m;
    }

    /// <summary>Python's <c>round(x, 15)</c> (correctly rounded in decimal, half to even).</summary>
    private static double PyRound15(double x)
    {
        var d = decimal.Parse(x.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return (double)Math.Round(d, 15, MidpointRounding.ToEven);
    }

    /// <summary>Image transposed (x ↔ y).</summary>
    private static Image Transpose(Image img)
    {
        int c = img.Channels;
        var dst = new Image(img.Height, img.Width, c);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                Buffer.BlockCopy(img.Pixels, (y * img.Width + x) * c, dst.Pixels, (x * img.Height + y) * c, c);
        return dst;
    }

    // ------------------------------------------------------------------ geometry

    public static Image Copy(Image img) => new(img.Width, img.Height, img.Channels, (byte[])img.Pixels.Clone());

    public static Image Flip(Image img, bool horizontal)
    {
        int c = img.Channels, w = img.Width, h = img.Height;
        var dst = new Image(w, h, c);
        if (horizontal)
        {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    Buffer.BlockCopy(img.Pixels, (y * w + x) * c, dst.Pixels, (y * w + (w - 1 - x)) * c, c);
        }
        else
        {
            for (int y = 0; y < h; y++) Buffer.BlockCopy(img.Pixels, y * img.Stride, dst.Pixels, (h - 1 - y) * img.Stride, img.Stride);
        }
        return dst;
    }

    /// <summary>PIL's <c>img.crop((left, top, left + width, top + height))</c>: areas outside the image are zero.</summary>
    public static Image Crop(Image img, int top, int left, int height, int width)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"crop: size {height}x{width} must be positive.");
        int c = img.Channels;
        var dst = new Image(width, height, c);
        int x0 = Math.Max(0, left), x1 = Math.Min(img.Width, left + width);
        if (x1 <= x0) return dst;
        for (int y = 0; y < height; y++)
        {
            int sy = top + y;
            if (sy < 0 || sy >= img.Height) continue;
            Buffer.BlockCopy(img.Pixels, (sy * img.Width + x0) * c, dst.Pixels, (y * width + (x0 - left)) * c, (x1 - x0) * c);
        }
        return dst;
    }

    /// <summary>torchvision's <c>F.pad</c> on an image: constant (PIL ImageOps.expand) or numpy.pad's edge/reflect/symmetric.</summary>
    public static Image Pad(Image img, int left, int top, int right, int bottom, PaddingMode mode, byte[] fill)
    {
        if (left < 0 || top < 0 || right < 0 || bottom < 0) throw new ArgumentException("pad: negative padding is not supported.");
        int w = img.Width + left + right, h = img.Height + top + bottom, c = img.Channels;
        var dst = new Image(w, h, c);
        for (int y = 0; y < h; y++)
        {
            int sy = MapIndex(y - top, img.Height, mode);
            for (int x = 0; x < w; x++)
            {
                int sx = MapIndex(x - left, img.Width, mode);
                int o = (y * w + x) * c;
                if (sx < 0 || sy < 0)
                    for (int ch = 0; ch < c; ch++) dst.Pixels[o + ch] = fill[ch % fill.Length];
                else Buffer.BlockCopy(img.Pixels, (sy * img.Width + sx) * c, dst.Pixels, o, c);
            }
        }
        return dst;
    }

    /// <summary>The source index numpy.pad reads for position <paramref name="i"/> of an axis of length n, or −1 for constant.</summary>
    internal static int MapIndex(int i, int n, PaddingMode mode)
    {
        if (i >= 0 && i < n) return i;
        switch (mode)
        {
            case PaddingMode.Constant: return -1;
            case PaddingMode.Edge: return i < 0 ? 0 : n - 1;
            case PaddingMode.Reflect:
            {
                if (n == 1) return 0;
                int p = 2 * (n - 1);
                int m = ((i % p) + p) % p;
                return m < n ? m : p - m;
            }
            default:
            {
                int p = 2 * n;
                int m = ((i % p) + p) % p;
                return m < n ? m : p - 1 - m;
            }
        }
    }

    // ------------------------------------------------------------------ colour

    /// <summary>PIL's <c>convert("L")</c>: L = (19595 R + 38470 G + 7471 B + 0x8000) &gt;&gt; 16 (gray images are returned as is).</summary>
    public static Image ToGray(Image img)
    {
        if (img.Channels == 1) return Copy(img);
        if (img.Channels == 2)
        {
            var g = new Image(img.Width, img.Height, 1);
            for (int i = 0; i < g.Pixels.Length; i++) g.Pixels[i] = img.Pixels[i * 2];
            return g;
        }
        int c = img.Channels;
        var dst = new Image(img.Width, img.Height, 1);
        var s = img.Pixels;
        for (int i = 0, n = dst.Pixels.Length; i < n; i++)
            dst.Pixels[i] = (byte)((s[i * c] * 19595 + s[i * c + 1] * 38470 + s[i * c + 2] * 7471 + 0x8000) >> 16);
        return dst;
    }

    /// <summary>A gray image expanded to <paramref name="channels"/> channels (PIL's convert("RGB") from "L"); alpha, if any, is 255.</summary>
    public static Image GrayTo(Image gray, int channels)
    {
        if (channels == 1) return gray;
        var dst = new Image(gray.Width, gray.Height, channels);
        for (int i = 0; i < gray.Pixels.Length; i++)
        {
            byte v = gray.Pixels[i];
            int o = i * channels;
            if (channels == 2) { dst.Pixels[o] = v; dst.Pixels[o + 1] = 255; continue; }
            dst.Pixels[o] = v; dst.Pixels[o + 1] = v; dst.Pixels[o + 2] = v;
            if (channels == 4) dst.Pixels[o + 3] = 255;
        }
        return dst;
    }

    /// <summary>PIL's <c>Image.blend(a, b, alpha)</c>: a + alpha·(b − a) in single precision, truncated (clipped when
    /// extrapolating). Alpha channels are blended like the others, as PIL does.</summary>
    public static Image Blend(Image a, Image b, double alphaD)
    {
        float alpha = (float)alphaD;
        var dst = new Image(a.Width, a.Height, a.Channels);
        var pa = a.Pixels; var pb = b.Pixels; var pd = dst.Pixels;
        if (alpha >= 0 && alpha <= 1.0f)
        {
            for (int i = 0; i < pd.Length; i++)
            {
                float prod = alpha * (pb[i] - pa[i]);
                pd[i] = (byte)(int)(pa[i] + prod);
            }
        }
        else
        {
            for (int i = 0; i < pd.Length; i++)
            {
                float prod = alpha * (pb[i] - pa[i]);
                float t = pa[i] + prod;
                pd[i] = t <= 0.0f ? (byte)0 : t >= 255.0f ? (byte)255 : (byte)t;
            }
        }
        return dst;
    }

    /// <summary>PIL's RGB → HSV conversion of one pixel (Convert.c rgb2hsv_row).</summary>
    public static void RgbToHsv(byte r, byte g, byte b, out byte h, out byte s, out byte v)
    {
        byte maxc = Math.Max(r, Math.Max(g, b)), minc = Math.Min(r, Math.Min(g, b));
        v = maxc;
        if (minc == maxc) { h = 0; s = 0; return; }
        float cr = maxc - minc;
        float sf = cr / maxc;
        float rc = (maxc - r) / cr, gc = (maxc - g) / cr, bc = (maxc - b) / cr;
        float hf;
        if (r == maxc) hf = bc - gc;
        else if (g == maxc) hf = (float)(2.0 + rc - bc);
        else hf = (float)(4.0 + gc - rc);
        hf = (float)((hf / 6.0 + 1.0) % 1.0);
        h = Clip8Int((int)(hf * 255.0));
        s = Clip8Int((int)(sf * 255.0));
    }

    /// <summary>PIL's HSV → RGB conversion of one pixel (Convert.c hsv2rgb).</summary>
    public static void HsvToRgb(byte h, byte s, byte v, out byte r, out byte g, out byte b)
    {
        if (s == 0) { r = g = b = v; return; }
        int i = (int)Math.Floor(h * 6.0 / 255.0);
        float f = (float)(h * 6.0 / 255.0 - i);
        float fs = (float)(s / 255.0);
        byte up = Clip8Int((int)Math.Round(v * (1.0 - fs), MidpointRounding.AwayFromZero));
        byte uq = Clip8Int((int)Math.Round(v * (1.0 - (float)(fs * f)), MidpointRounding.AwayFromZero));
        byte ut = Clip8Int((int)Math.Round(v * (1.0 - fs * (1.0 - f)), MidpointRounding.AwayFromZero));
        switch (i % 6)
        {
            case 0: r = v; g = ut; b = up; break;
            case 1: r = uq; g = v; b = up; break;
            case 2: r = up; g = v; b = ut; break;
            case 3: r = up; g = uq; b = v; break;
            case 4: r = ut; g = up; b = v; break;
            default: r = v; g = up; b = uq; break;
        }
    }

    private static byte Clip8Int(int v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
}
