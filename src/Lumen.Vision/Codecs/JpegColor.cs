using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);

    /// <summary>JFIF YCbCr → interleaved RGB (R = Y + 1.402 Cr', G = Y − 0.34414 Cb' − 0.71414 Cr', B = Y + 1.772 Cb'), libjpeg's rounding.</summary>
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        int n = y.Length;
        if (cb.Length < n || cr.Length < n || rgb.Length < 3 * n) throw new ArgumentException("YCbCrToRgb: span lengths disagree.");
        ref int crr = ref MemoryMarshal.GetArrayDataReference(CrR);
        ref int cbb = ref MemoryMarshal.GetArrayDataReference(CbB);
        ref int crg = ref MemoryMarshal.GetArrayDataReference(CrG);
        ref int cbg = ref MemoryMarshal.GetArrayDataReference(CbG);
        ref byte py = ref MemoryMarshal.GetReference(y);
        ref byte pb = ref MemoryMarshal.GetReference(cb);
        ref byte pr = ref MemoryMarshal.GetReference(cr);
        ref byte o = ref MemoryMarshal.GetReference(rgb);
        for (int i = 0; i < n; i++)
        {
            int yy = Unsafe.Add(ref py, i), b = Unsafe.Add(ref pb, i), r = Unsafe.Add(ref pr, i);
            Unsafe.Add(ref o, 3 * i) = Clamp(yy + Unsafe.Add(ref crr, r));
            Unsafe.Add(ref o, 3 * i + 1) = Clamp(yy + ((Unsafe.Add(ref cbg, b) + Unsafe.Add(ref crg, r)) >> ScaleBits));
            Unsafe.Add(ref o, 3 * i + 2) = Clamp(yy + Unsafe.Add(ref cbb, b));
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
        if (n < 2 || far.Length < n || colSums.Length < n || dst.Length < 2 * n) throw new ArgumentException("FancyH2V2: span lengths disagree.");
        ref int s = ref MemoryMarshal.GetReference(colSums);
        ref byte pn = ref MemoryMarshal.GetReference(near);
        ref byte pf = ref MemoryMarshal.GetReference(far);
        ref byte o = ref MemoryMarshal.GetReference(dst);
        for (int i = 0; i < n; i++) Unsafe.Add(ref s, i) = Unsafe.Add(ref pn, i) * 3 + Unsafe.Add(ref pf, i);
        o = (byte)((s * 4 + 8) >> 4);
        Unsafe.Add(ref o, 1) = (byte)((s * 3 + Unsafe.Add(ref s, 1) + 7) >> 4);
        for (int i = 1; i < n - 1; i++)
        {
            int v = Unsafe.Add(ref s, i) * 3;
            Unsafe.Add(ref o, 2 * i) = (byte)((v + Unsafe.Add(ref s, i - 1) + 8) >> 4);
            Unsafe.Add(ref o, 2 * i + 1) = (byte)((v + Unsafe.Add(ref s, i + 1) + 7) >> 4);
        }
        int last = Unsafe.Add(ref s, n - 1);
        Unsafe.Add(ref o, 2 * n - 2) = (byte)((last * 3 + Unsafe.Add(ref s, n - 2) + 8) >> 4);
        Unsafe.Add(ref o, 2 * n - 1) = (byte)((last * 4 + 7) >> 4);
    }
}
