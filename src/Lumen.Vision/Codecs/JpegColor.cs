namespace Lumen.Vision.Codecs;

/// <summary>libjpeg's fancy (triangle-filter) upsampling and fixed-point YCbCr→RGB conversion, span in, span out.</summary>
internal static class JpegColor
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);
    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    // Per-chroma-value tables as jdcolor.c builds them (x = value - 128).
    private static readonly int[] CrR = new int[256], CbB = new int[256], CrG = new int[256], CbG = new int[256];

    static JpegColor()
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrR[i] = (Fix(1.40200) * x + OneHalf) >> ScaleBits;
            CbB[i] = (Fix(1.77200) * x + OneHalf) >> ScaleBits;
            CrG[i] = -Fix(0.71414) * x;
            CbG[i] = -Fix(0.34414) * x + OneHalf;
        }
    }

    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    /// <summary>JFIF YCbCr → interleaved RGB (R = Y + 1.402 Cr', G = Y − 0.34414 Cb' − 0.71414 Cr', B = Y + 1.772 Cb'), libjpeg's rounding.</summary>
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        var crr = CrR; var cbb = CbB; var crg = CrG; var cbg = CbG;
        int n = y.Length;
        rgb = rgb[..(3 * n)];
        cb = cb[..n];
        cr = cr[..n];
        for (int i = 0; i < n; i++)
        {
            int yy = y[i], b = cb[i], r = cr[i];
            rgb[3 * i] = Clamp(yy + crr[r]);
            rgb[3 * i + 1] = Clamp(yy + ((cbg[b] + crg[r]) >> ScaleBits));
            rgb[3 * i + 2] = Clamp(yy + cbb[b]);
        }
    }

    /// <summary>2:1 horizontal triangle filter (libjpeg h2v1_fancy_upsample): each output is ¾ the nearer input + ¼ the
    /// further one, alternately rounded down and up; the edge samples are copied.</summary>
    public static void FancyH2V1(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int n = src.Length;
        dst[0] = src[0];
        dst[1] = (byte)((src[0] * 3 + src[1] + 2) >> 2);
        for (int i = 1; i < n - 1; i++)
        {
            int v = src[i] * 3;
            dst[2 * i] = (byte)((v + src[i - 1] + 1) >> 2);
            dst[2 * i + 1] = (byte)((v + src[i + 1] + 2) >> 2);
        }
        dst[2 * n - 2] = (byte)((src[n - 1] * 3 + src[n - 2] + 1) >> 2);
        dst[2 * n - 1] = src[n - 1];
    }

    /// <summary>1:2 vertical triangle filter (libjpeg-turbo h1v2_fancy_upsample): ¾ the nearer row + ¼ the further one;
    /// bias 1 for the upper output row, 2 for the lower.</summary>
    public static void FancyH1V2(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<byte> dst, int bias)
    {
        for (int i = 0; i < near.Length; i++) dst[i] = (byte)((near[i] * 3 + far[i] + bias) >> 2);
    }

    /// <summary>2:1 × 2:1 triangle filter (libjpeg h2v2_fancy_upsample): vertical ¾/¼ column sums, then horizontal ¾/¼
    /// with biases 8 and 7; the first and last columns use their own column sum for the missing neighbour.</summary>
    public static void FancyH2V2(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<byte> dst, Span<int> colSums)
    {
        int n = near.Length;
        var s = colSums[..n];
        for (int i = 0; i < n; i++) s[i] = near[i] * 3 + far[i];
        dst[0] = (byte)((s[0] * 4 + 8) >> 4);
        dst[1] = (byte)((s[0] * 3 + s[1] + 7) >> 4);
        for (int i = 1; i < n - 1; i++)
        {
            int v = s[i] * 3;
            dst[2 * i] = (byte)((v + s[i - 1] + 8) >> 4);
            dst[2 * i + 1] = (byte)((v + s[i + 1] + 7) >> 4);
        }
        dst[2 * n - 2] = (byte)((s[n - 1] * 3 + s[n - 2] + 8) >> 4);
        dst[2 * n - 1] = (byte)((s[n - 1] * 4 + 7) >> 4);
    }
}
