using System.Runtime.Intrinsics;
using Xunit;

namespace Lumen.Tests.Rng;

public class CephesMathTests
{
    [Fact]
    public void Vector_log_and_sincos_equal_the_scalar_reference_bit_for_bit_on_the_normal_fill_domain()
    {
        var g = new Generator(5);
        var u = Torch.Rand(new[] { 80_000 }, g).ToArray();
        u[0] = 0f; u[1] = 1f - 1f / (1 << 24); u[2] = 1f / (1 << 24); // the ends of [0, 1)
        var twoPi = (float)(2.0f * Math.PI);
        for (int i = 0; i + 8 <= u.Length; i += 8)
        {
            var v = Vector256.Create(u.AsSpan(i, 8));
            var log = CephesMath.Log(Vector256<float>.One - v);
            CephesMath.SinCos(Vector256.Create(twoPi) * v, out var sin, out var cos);
            for (int k = 0; k < 8; k++)
            {
                float x = u[i + k];
                Assert.Equal(BitConverter.SingleToInt32Bits(CephesReference.Log(1f - x)), BitConverter.SingleToInt32Bits(log[k]));
                CephesReference.SinCos(twoPi * x, out var s, out var c);
                Assert.Equal(BitConverter.SingleToInt32Bits(s), BitConverter.SingleToInt32Bits(sin[k]));
                Assert.Equal(BitConverter.SingleToInt32Bits(c), BitConverter.SingleToInt32Bits(cos[k]));
            }
        }
    }

    [Fact]
    public void Cephes_log_and_sincos_are_accurate_to_a_few_ulps()
    {
        foreach (var x in new[] { 1e-7f, 0.001f, 0.3f, 0.70710677f, 0.9999f, 1f })
            Assert.Equal(Math.Log(x), CephesReference.Log(x), 6e-7 * Math.Max(1, Math.Abs(Math.Log(x))));
        foreach (var t in new[] { 0f, 0.5f, 1.5707964f, 3.1415927f, 4.5f, 6.2831850f })
        {
            CephesReference.SinCos(t, out var s, out var c);
            Assert.Equal(Math.Sin(t), s, 3e-7);
            Assert.Equal(Math.Cos(t), c, 3e-7);
        }
    }
}
