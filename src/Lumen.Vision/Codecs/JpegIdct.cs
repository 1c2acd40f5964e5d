namespace Lumen.Vision.Codecs;

/// <summary>The 8×8 inverse DCT of libjpeg's "slow integer" method (jidctint.c, JDCT_ISLOW, the default of libjpeg-turbo
/// and so of PIL): the Loeffler–Ligtenberg–Moschytz factorisation in 13-bit fixed point with 2 extra bits between the
/// column and row passes. Re-derived here from the published constants; the outputs match libjpeg-turbo bit for bit.</summary>
internal static class JpegIdct
{
    private const int ConstBits = 13, Pass1Bits = 2;
    // FIX(x) = round(x * 2^13)
    private const long Fix0_298631336 = 2446, Fix0_390180644 = 3196, Fix0_541196100 = 4433, Fix0_765366865 = 6270,
        Fix0_899976223 = 7373, Fix1_175875602 = 9633, Fix1_501321110 = 12299, Fix1_847759065 = 15137,
        Fix1_961570560 = 16069, Fix2_053119869 = 16819, Fix2_562915447 = 20995, Fix3_072711026 = 25172;

    /// <summary>Dequantises <paramref name="coef"/> (natural order) by <paramref name="quant"/> and writes the
    /// 8×8 samples to <paramref name="output"/> (row stride <paramref name="stride"/>), level-shifted and clamped to 0–255.</summary>
    public static void Transform(ReadOnlySpan<short> coef, ReadOnlySpan<int> quant, Span<byte> output, int stride)
    {
        Span<int> ws = stackalloc int[64];
        // Pass 1: columns, results scaled up by 2^Pass1Bits.
        for (int c = 0; c < 8; c++)
        {
            if (coef[8 + c] == 0 && coef[16 + c] == 0 && coef[24 + c] == 0 && coef[32 + c] == 0 &&
                coef[40 + c] == 0 && coef[48 + c] == 0 && coef[56 + c] == 0)
            {
                int dc = (coef[c] * quant[c]) << Pass1Bits;
                for (int r = 0; r < 8; r++) ws[r * 8 + c] = dc;
                continue;
            }
            Butterfly((long)coef[c] * quant[c], (long)coef[8 + c] * quant[8 + c], (long)coef[16 + c] * quant[16 + c],
                (long)coef[24 + c] * quant[24 + c], (long)coef[32 + c] * quant[32 + c], (long)coef[40 + c] * quant[40 + c],
                (long)coef[48 + c] * quant[48 + c], (long)coef[56 + c] * quant[56 + c],
                out long o0, out long o1, out long o2, out long o3, out long o4, out long o5, out long o6, out long o7);
            const int s = ConstBits - Pass1Bits;
            const long round = 1L << (s - 1);
            ws[c] = (int)((o0 + round) >> s); ws[8 + c] = (int)((o1 + round) >> s);
            ws[16 + c] = (int)((o2 + round) >> s); ws[24 + c] = (int)((o3 + round) >> s);
            ws[32 + c] = (int)((o4 + round) >> s); ws[40 + c] = (int)((o5 + round) >> s);
            ws[48 + c] = (int)((o6 + round) >> s); ws[56 + c] = (int)((o7 + round) >> s);
        }
        // Pass 2: rows; remove the Pass1Bits scale and the factor 8 of the 2-D transform, add 128, clamp.
        for (int r = 0; r < 8; r++)
        {
            var row = ws.Slice(r * 8, 8);
            var dst = output.Slice(r * stride, 8);
            if (row[1] == 0 && row[2] == 0 && row[3] == 0 && row[4] == 0 && row[5] == 0 && row[6] == 0 && row[7] == 0)
            {
                byte v = RangeLimit((row[0] + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3));
                dst.Fill(v);
                continue;
            }
            Butterfly(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                out long o0, out long o1, out long o2, out long o3, out long o4, out long o5, out long o6, out long o7);
            const int s = ConstBits + Pass1Bits + 3;
            const long round = 1L << (s - 1);
            dst[0] = RangeLimit((int)((o0 + round) >> s)); dst[1] = RangeLimit((int)((o1 + round) >> s));
            dst[2] = RangeLimit((int)((o2 + round) >> s)); dst[3] = RangeLimit((int)((o3 + round) >> s));
            dst[4] = RangeLimit((int)((o4 + round) >> s)); dst[5] = RangeLimit((int)((o5 + round) >> s));
            dst[6] = RangeLimit((int)((o6 + round) >> s)); dst[7] = RangeLimit((int)((o7 + round) >> s));
        }
    }

    /// <summary>One 8-point IDCT, outputs scaled by 2^ConstBits.</summary>
    private static void Butterfly(long i0, long i1, long i2, long i3, long i4, long i5, long i6, long i7,
        out long o0, out long o1, out long o2, out long o3, out long o4, out long o5, out long o6, out long o7)
    {
        // Even part: inputs 0, 2, 4, 6.
        long z1 = (i2 + i6) * Fix0_541196100;
        long t2 = z1 - i6 * Fix1_847759065;
        long t3 = z1 + i2 * Fix0_765366865;
        long t0 = (i0 + i4) << ConstBits;
        long t1 = (i0 - i4) << ConstBits;
        long t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
        // Odd part: inputs 7, 5, 3, 1.
        long a0 = i7, a1 = i5, a2 = i3, a3 = i1;
        long za = a0 + a3, zb = a1 + a2, zc = a0 + a2, zd = a1 + a3;
        long z5 = (zc + zd) * Fix1_175875602;
        a0 *= Fix0_298631336; a1 *= Fix2_053119869; a2 *= Fix3_072711026; a3 *= Fix1_501321110;
        za *= -Fix0_899976223; zb *= -Fix2_562915447; zc = zc * -Fix1_961570560 + z5; zd = zd * -Fix0_390180644 + z5;
        a0 += za + zc; a1 += zb + zd; a2 += zb + zc; a3 += za + zd;
        o0 = t10 + a3; o7 = t10 - a3;
        o1 = t11 + a2; o6 = t11 - a2;
        o2 = t12 + a1; o5 = t12 - a1;
        o3 = t13 + a0; o4 = t13 - a0;
    }

    /// <summary>libjpeg's post-IDCT range limit: the value is taken modulo 1024 as a signed 10-bit number, shifted
    /// by +128 and clamped to 0–255 (so wild overflow from corrupt data wraps the way libjpeg's table does).</summary>
    private static byte RangeLimit(int x)
    {
        int s = ((x & 1023) ^ 512) - 512 + 128;
        return (byte)(s < 0 ? 0 : s > 255 ? 255 : s);
    }
}
