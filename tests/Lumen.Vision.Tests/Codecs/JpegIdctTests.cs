using Lumen.Vision.Codecs;
using Xunit;

namespace Lumen.Vision.Tests.Codecs;

public class JpegIdctTests
{
    [Fact]
    public void Vector_idct_equals_the_scalar_reference_on_random_blocks()
    {
        var rng = new Random(42);
        var coef = new short[64];
        var quant = new int[64];
        var a = new byte[8 * 16];
        var b = new byte[8 * 16];
        for (int trial = 0; trial < 5000; trial++)
        {
            int density = rng.Next(1, 64);
            for (int i = 0; i < 64; i++)
            {
                quant[i] = rng.Next(1, 256);
                // Dequantised values within the range a real 8-bit DCT produces (|F| ≤ 8160 or so).
                coef[i] = (short)(rng.Next(64) < density ? rng.Next(-8000, 8001) / quant[i] : 0);
            }
            JpegIdct.Transform(coef, quant, a, 16);
            JpegIdct.TransformScalar(coef, quant, b, 16);
            for (int r = 0; r < 8; r++)
                Assert.True(a.AsSpan(r * 16, 8).SequenceEqual(b.AsSpan(r * 16, 8)), $"trial {trial}, row {r}");
        }
    }

    [Fact]
    public void Dc_only_shortcut_equals_the_full_transform()
    {
        var coef = new short[64];
        var quant = Enumerable.Range(0, 64).Select(i => 1 + i * 3).ToArray();
        var a = new byte[8 * 8];
        var b = new byte[8 * 8];
        for (int dc = -1100; dc <= 1100; dc += 7)
        {
            coef[0] = (short)dc;
            JpegIdct.TransformScalar(coef, quant, a, 8);
            JpegIdct.TransformDcOnly((short)dc, quant[0], b, 8);
            Assert.Equal(a, b);
        }
    }
}
