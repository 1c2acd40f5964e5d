using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (Avx2.IsSupported && output.Length >= 7 * stride + 8)
        {
            TransformAvx2(coef, quant, output, stride);
            return;
        }
        TransformScalar(coef, quant, output, stride);
    }

    /// <summary>A block whose AC coefficients are all zero: every sample is the same (libjpeg's shortcuts give
    /// exactly this value).</summary>
    public static void TransformDcOnly(short dc, int quant0, Span<byte> output, int stride)
    {
        byte v = RangeLimit(((dc * quant0 << Pass1Bits) + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3));
        for (int r = 0; r < 8; r++) output.Slice(r * stride, 8).Fill(v);
    }

    /// <summary>The same arithmetic on eight columns (pass 1) and then eight rows (pass 2) at once, in 32-bit lanes as
    /// libjpeg-turbo's own AVX2 islow IDCT does (valid JPEG data never leaves 32 bits).</summary>
    [SkipLocalsInit]
    private static void TransformAvx2(ReadOnlySpan<short> coef, ReadOnlySpan<int> quant, Span<byte> output, int stride)
    {
        ref short c = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(coef[..64]);
        ref int q = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(quant[..64]);
        Vector256<int> r0 = Row(ref c, ref q, 0), r1 = Row(ref c, ref q, 1), r2 = Row(ref c, ref q, 2), r3 = Row(ref c, ref q, 3),
            r4 = Row(ref c, ref q, 4), r5 = Row(ref c, ref q, 5), r6 = Row(ref c, ref q, 6), r7 = Row(ref c, ref q, 7);
        // Pass 1: vertical 1-D IDCTs of the eight columns (lane = column).
        ButterflyV(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        var round1 = Vector256.Create(1 << (ConstBits - Pass1Bits - 1));
        r0 = Avx2.ShiftRightArithmetic(r0 + round1, ConstBits - Pass1Bits); r1 = Avx2.ShiftRightArithmetic(r1 + round1, ConstBits - Pass1Bits);
        r2 = Avx2.ShiftRightArithmetic(r2 + round1, ConstBits - Pass1Bits); r3 = Avx2.ShiftRightArithmetic(r3 + round1, ConstBits - Pass1Bits);
        r4 = Avx2.ShiftRightArithmetic(r4 + round1, ConstBits - Pass1Bits); r5 = Avx2.ShiftRightArithmetic(r5 + round1, ConstBits - Pass1Bits);
        r6 = Avx2.ShiftRightArithmetic(r6 + round1, ConstBits - Pass1Bits); r7 = Avx2.ShiftRightArithmetic(r7 + round1, ConstBits - Pass1Bits);
        // Pass 2: horizontal 1-D IDCTs of the eight rows (after the transpose, lane = row).
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        ButterflyV(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        const int s2 = ConstBits + Pass1Bits + 3;
        var round2 = Vector256.Create(1 << (s2 - 1));
        r0 = Limit(Avx2.ShiftRightArithmetic(r0 + round2, s2)); r1 = Limit(Avx2.ShiftRightArithmetic(r1 + round2, s2));
        r2 = Limit(Avx2.ShiftRightArithmetic(r2 + round2, s2)); r3 = Limit(Avx2.ShiftRightArithmetic(r3 + round2, s2));
        r4 = Limit(Avx2.ShiftRightArithmetic(r4 + round2, s2)); r5 = Limit(Avx2.ShiftRightArithmetic(r5 + round2, s2));
        r6 = Limit(Avx2.ShiftRightArithmetic(r6 + round2, s2)); r7 = Limit(Avx2.ShiftRightArithmetic(r7 + round2, s2));
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        var b0123 = Vector256.Narrow(Vector256.Narrow(r0, r1), Vector256.Narrow(r2, r3)).AsUInt64();
        var b4567 = Vector256.Narrow(Vector256.Narrow(r4, r5), Vector256.Narrow(r6, r7)).AsUInt64();
        ref byte o = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output);
        Unsafe.WriteUnaligned(ref o, b0123.GetElement(0));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, stride), b0123.GetElement(1));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 2 * stride), b0123.GetElement(2));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 3 * stride), b0123.GetElement(3));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 4 * stride), b4567.GetElement(0));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 5 * stride), b4567.GetElement(1));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 6 * stride), b4567.GetElement(2));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 7 * stride), b4567.GetElement(3));
    }

    /// <summary>Row <paramref name="r"/> of the block, widened to 32 bits and dequantised.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Row(ref short c, ref int q, int r) =>
        Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref c, (nuint)(8 * r))) * Vector256.LoadUnsafe(ref q, (nuint)(8 * r));

    /// <summary>Vector form of <see cref="RangeLimit"/>: signed 10-bit wrap, +128, clamp to 0–255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Limit(Vector256<int> x)
    {
        var s = ((x & Vector256.Create(1023)) ^ Vector256.Create(512)) - Vector256.Create(512 - 128);
        return Vector256.Min(Vector256.Max(s, Vector256<int>.Zero), Vector256.Create(255));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ButterflyV(ref Vector256<int> i0, ref Vector256<int> i1, ref Vector256<int> i2, ref Vector256<int> i3,
        ref Vector256<int> i4, ref Vector256<int> i5, ref Vector256<int> i6, ref Vector256<int> i7)
    {
        var z1 = (i2 + i6) * (int)Fix0_541196100;
        var t2 = z1 - i6 * (int)Fix1_847759065;
        var t3 = z1 + i2 * (int)Fix0_765366865;
        var t0 = Avx2.ShiftLeftLogical(i0 + i4, ConstBits);
        var t1 = Avx2.ShiftLeftLogical(i0 - i4, ConstBits);
        Vector256<int> t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
        Vector256<int> a0 = i7, a1 = i5, a2 = i3, a3 = i1;
        Vector256<int> za = a0 + a3, zb = a1 + a2, zc = a0 + a2, zd = a1 + a3;
        var z5 = (zc + zd) * (int)Fix1_175875602;
        a0 *= (int)Fix0_298631336; a1 *= (int)Fix2_053119869; a2 *= (int)Fix3_072711026; a3 *= (int)Fix1_501321110;
        za *= -(int)Fix0_899976223; zb *= -(int)Fix2_562915447; zc = zc * -(int)Fix1_961570560 + z5; zd = zd * -(int)Fix0_390180644 + z5;
        a0 += za + zc; a1 += zb + zd; a2 += zb + zc; a3 += za + zd;
        i0 = t10 + a3; i7 = t10 - a3;
        i1 = t11 + a2; i6 = t11 - a2;
        i2 = t12 + a1; i5 = t12 - a1;
        i3 = t13 + a0; i4 = t13 - a0;
    }

    /// <summary>8×8 transpose of 32-bit lanes (unpack 32, unpack 64, swap 128-bit halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<int> r0, ref Vector256<int> r1, ref Vector256<int> r2, ref Vector256<int> r3,
        ref Vector256<int> r4, ref Vector256<int> r5, ref Vector256<int> r6, ref Vector256<int> r7)
    {
        var t0 = Avx2.UnpackLow(r0, r1).AsInt64(); var t1 = Avx2.UnpackHigh(r0, r1).AsInt64();
        var t2 = Avx2.UnpackLow(r2, r3).AsInt64(); var t3 = Avx2.UnpackHigh(r2, r3).AsInt64();
        var t4 = Avx2.UnpackLow(r4, r5).AsInt64(); var t5 = Avx2.UnpackHigh(r4, r5).AsInt64();
        var t6 = Avx2.UnpackLow(r6, r7).AsInt64(); var t7 = Avx2.UnpackHigh(r6, r7).AsInt64();
        var u0 = Avx2.UnpackLow(t0, t2).AsInt32(); var u1 = Avx2.UnpackHigh(t0, t2).AsInt32();
        var u2 = Avx2.UnpackLow(t1, t3).AsInt32(); var u3 = Avx2.UnpackHigh(t1, t3).AsInt32();
        var u4 = Avx2.UnpackLow(t4, t6).AsInt32(); var u5 = Avx2.UnpackHigh(t4, t6).AsInt32();
        var u6 = Avx2.UnpackLow(t5, t7).AsInt32(); var u7 = Avx2.UnpackHigh(t5, t7).AsInt32();
        r0 = Avx2.Permute2x128(u0, u4, 0x20); r1 = Avx2.Permute2x128(u1, u5, 0x20);
        r2 = Avx2.Permute2x128(u2, u6, 0x20); r3 = Avx2.Permute2x128(u3, u7, 0x20);
        r4 = Avx2.Permute2x128(u0, u4, 0x31); r5 = Avx2.Permute2x128(u1, u5, 0x31);
        r6 = Avx2.Permute2x128(u2, u6, 0x31); r7 = Avx2.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>Reference scalar form (64-bit intermediates, libjpeg's zero-column/zero-row shortcuts).</summary>
    internal static void TransformScalar(ReadOnlySpan<short> coef, ReadOnlySpan<int> quant, Span<byte> output, int stride)
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
