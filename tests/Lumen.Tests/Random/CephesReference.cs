namespace Lumen.Tests.Rng;

/// <summary>
/// The naive reference twin of <c>Lumen.CephesMath</c>: lane-for-lane scalar twins of the AVX2 <c>log256_ps</c> and <c>sincos256_ps</c> (Cephes polynomials, by way of
/// Pommier's sse_mathfun and Garberoglio's avx_mathfun) that PyTorch's <c>normal_fill_AVX2</c> calls. They reproduce that
/// code's float32 results bit for bit, including the multiply-adds GCC fuses in PyTorch's AVX2 build; they are not
/// general-purpose math (no denormal, infinity or large-argument care beyond what the original has).
/// </summary>
internal static class CephesReference
{
    // GCC contracts each multiply whose only use is an add into a fused multiply-add (first multiply in statement
    // order wins); Fma marks those places. Checked bit for bit against PyTorch on millions of samples.
    private static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    private const float SqrtHalf = (float)0.707106781186547524;
    private const float LogP0 = 7.0376836292E-2f, LogP1 = -1.1514610310E-1f, LogP2 = 1.1676998740E-1f;
    private const float LogP3 = -1.2420140846E-1f, LogP4 = 1.4249322787E-1f, LogP5 = -1.6668057665E-1f;
    private const float LogP6 = 2.0000714765E-1f, LogP7 = -2.4999993993E-1f, LogP8 = 3.3333331174E-1f;
    private const float LogQ1 = -2.12194440e-4f, LogQ2 = 0.693359375f;

    /// <summary>Natural logarithm as <c>log256_ps</c> computes it (NaN for x ≤ 0).</summary>
    public static float Log(float x)
    {
        bool invalid = x <= 0f;
        x = MathF.Max(x, BitConverter.Int32BitsToSingle(0x00800000));
        int bits = BitConverter.SingleToInt32Bits(x);
        int exponent = (int)((uint)bits >> 23) - 0x7f;
        x = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | BitConverter.SingleToInt32Bits(0.5f));
        float e = exponent + 1f;
        bool lt = x < SqrtHalf;
        float tmp = lt ? x : 0f;
        x -= 1f;
        e -= lt ? 1f : 0f;
        x += tmp;
        float z = x * x;
        float y = Fma(LogP0, x, LogP1);
        y = Fma(y, x, LogP2);
        y = Fma(y, x, LogP3);
        y = Fma(y, x, LogP4);
        y = Fma(y, x, LogP5);
        y = Fma(y, x, LogP6);
        y = Fma(y, x, LogP7);
        y = Fma(y, x, LogP8);
        y *= x;
        y = Fma(y, z, e * LogQ1);
        y -= z * 0.5f;
        x += y;
        x = Fma(e, LogQ2, x);
        return invalid ? float.NaN : x;
    }

    private const float MinusDP1 = -0.78515625f, MinusDP2 = -2.4187564849853515625e-4f, MinusDP3 = -3.77489497744594108e-8f;
    private const float SinP0 = -1.9515295891E-4f, SinP1 = 8.3321608736E-3f, SinP2 = -1.6666654611E-1f;
    private const float CosP0 = 2.443315711809948E-005f, CosP1 = -1.388731625493765E-003f, CosP2 = 4.166664568298827E-002f;
    private const float FourOverPi = (float)1.27323954473516;

    /// <summary>Sine and cosine together as <c>sincos256_ps</c> computes them.</summary>
    public static void SinCos(float x, out float sin, out float cos)
    {
        uint signSin = BitConverter.SingleToUInt32Bits(x) & 0x80000000;
        x = MathF.Abs(x);
        int j = (int)(x * FourOverPi); // cvttps: truncation
        j = (j + 1) & ~1;
        float y = j;
        uint swapSignSin = (uint)(j & 4) << 29;
        bool polyMask = (j & 2) == 0;
        x = Fma(y, MinusDP1, x);
        x = Fma(y, MinusDP2, x);
        x = Fma(y, MinusDP3, x);
        uint signCos = (uint)(~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;

        float z = x * x;
        float yc = Fma(CosP0, z, CosP1);
        yc = Fma(yc, z, CosP2);
        yc *= z;
        yc = Fma(yc, z, -(z * 0.5f));
        yc += 1f;

        float ys = Fma(SinP0, z, SinP1);
        ys = Fma(ys, z, SinP2);
        ys *= z;
        ys = Fma(ys, x, x);

        float ysin2 = polyMask ? ys : 0f;
        float ysin1 = polyMask ? 0f : yc;
        ys -= ysin2;
        yc -= ysin1;
        sin = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(ysin1 + ysin2) ^ signSin);
        cos = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(yc + ys) ^ signCos);
    }
}
