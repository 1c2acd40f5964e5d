using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lumen;

/// <summary>
/// PyTorch 1.13's CPU sampling formulas (ATen <c>TransformationHelper.h</c>, <c>DistributionsHelper.h</c> and
/// <c>native/cpu/DistributionTemplates.h</c>), draw for draw. Every method takes the generator whose lock the caller holds.
/// PyTorch's x86-64 kernels are compiled for AVX2 with FMA, and GCC fuses a multiply into the add that consumes it;
/// the fused multiply-adds below sit exactly where those fused instructions are.
/// </summary>
internal static class Distributions
{
    private const float Float24 = 1f / (1 << 24);
    private const double Double53 = 1.0 / (1UL << 53);

    /// <summary>A float in [0, 1) from the low 24 bits of one 32-bit draw, <c>uniform_real_distribution&lt;float&gt;(0, 1)</c>.</summary>
    public static float Uniform01F(Generator g) => (g.Random32() & 0xFFFFFF) * Float24;

    /// <summary>A double in [0, 1) from the low 53 bits of a 64-bit draw, <c>uniform_real_distribution&lt;double&gt;(0, 1)</c>.</summary>
    public static double Uniform01D(Generator g) => (g.Random64() & ((1UL << 53) - 1)) * Double53;

    /// <summary>Fills <paramref name="dst"/> with <c>uniform_real_distribution&lt;float&gt;(from, to)</c> draws, one 32-bit
    /// draw each: x = (bits &amp; 0xFFFFFF)·2⁻²⁴, then x·(to − from) + from with one rounding (fused, as in PyTorch's build).</summary>
    public static void UniformFill(Generator g, Span<float> dst, float from, float to)
    {
        var bits = MemoryMarshal.Cast<float, uint>(dst);
        g.Fill32(bits);
        float range = to - from;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create(0xFFFFFFu);
            var scale = Vector256.Create(Float24);
            var r = Vector256.Create(range);
            var f = Vector256.Create(from);
            for (; i + 8 <= dst.Length; i += 8)
            {
                var u = Vector256.ConvertToSingle((Vector256.Create((ReadOnlySpan<uint>)bits.Slice(i, 8)) & mask).AsInt32()) * scale;
                Vector256.FusedMultiplyAdd(u, r, f).CopyTo(dst.Slice(i, 8));
            }
        }
        for (; i < dst.Length; i++) dst[i] = MathF.FusedMultiplyAdd((bits[i] & 0xFFFFFF) * Float24, range, from);
    }

    /// <summary><c>normal_distribution&lt;double&gt;</c>: Box–Muller on two 53-bit uniforms; the sine half is cached in the
    /// generator and returned by the next call.</summary>
    public static double NormalD(Generator g, double mean, double std)
    {
        if (g.NextDoubleNormal is double cached)
        {
            g.NextDoubleNormal = null;
            return Math.FusedMultiplyAdd(cached, std, mean);
        }
        double u1 = Uniform01D(g);
        double u2 = Uniform01D(g);
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        g.NextDoubleNormal = r * Math.Sin(theta);
        return Math.FusedMultiplyAdd(r * Math.Cos(theta), std, mean);
    }

    /// <summary>
    /// PyTorch's <c>normal_fill_AVX2</c> for a contiguous float32 buffer of at least 16 elements: fill every slot with a
    /// 24-bit uniform, transform each block of 16 (radius from the first 8 uniforms, angle from the last 8; cosines go to
    /// the first 8 slots, sines to the last 8) with the Cephes-style <c>log256_ps</c>/<c>sincos256_ps</c>, and, when the
    /// length is not a multiple of 16, redraw the last 16 slots and transform them again.
    /// </summary>
    public static void NormalFill(Generator g, Span<float> data, float mean, float std)
    {
        int n = data.Length;
        UniformFill(g, data, 0f, 1f);
        for (int i = 0; i + 16 <= n; i += 16) NormalFill16(data.Slice(i, 16), mean, std);
        if (n % 16 != 0)
        {
            var tail = data.Slice(n - 16, 16);
            UniformFill(g, tail, 0f, 1f);
            NormalFill16(tail, mean, std);
        }
    }

    private static readonly Vector256<float> TwoPi = Vector256.Create((float)(2.0f * Math.PI));

    private static void NormalFill16(Span<float> d, float mean, float std)
    {
        var u1 = Vector256<float>.One - Vector256.Create((ReadOnlySpan<float>)d.Slice(0, 8));
        var u2 = Vector256.Create((ReadOnlySpan<float>)d.Slice(8, 8));
        var radius = Vector256.Sqrt(Vector256.Create(-2f) * CephesMath.Log(u1));
        CephesMath.SinCos(TwoPi * u2, out var sin, out var cos);
        var m = Vector256.Create(mean);
        var s = Vector256.Create(std);
        Vector256.FusedMultiplyAdd(radius * cos, s, m).CopyTo(d.Slice(0, 8));
        Vector256.FusedMultiplyAdd(radius * sin, s, m).CopyTo(d.Slice(8, 8));
    }

    /// <summary><c>exponential_distribution&lt;double&gt;</c>: −1/λ · log(1 − u) with a 53-bit uniform u.</summary>
    public static double ExponentialD(Generator g, double lambda) => -1.0 / lambda * Math.Log(1.0 - Uniform01D(g));

    /// <summary><c>uniform_int_from_to_distribution</c>: base + (bits mod range), with 32 bits when range &lt; 2³² else 64.</summary>
    public static long IntFromTo(Generator g, ulong range, long @base)
    {
        ulong v = range >= 1UL << 32 ? g.Random64() : g.Random32();
        return unchecked((long)(v % range + (ulong)@base));
    }

    /// <summary>PyTorch's CPU <c>randperm</c>: 0…n−1, then for i = 0…n−2 swap slot i with slot i + (32 bits mod (n − i)).</summary>
    public static void RandPerm(Generator g, Span<long> r)
    {
        long n = r.Length;
        for (int i = 0; i < r.Length; i++) r[i] = i;
        for (long i = 0; i < n - 1; i++)
        {
            long z = g.Random32() % (n - i);
            (r[(int)i], r[(int)(z + i)]) = (r[(int)(z + i)], r[(int)i]);
        }
    }
}
