using System.Buffers.Binary;
using System.IO.Compression;
using Lumen.Imaging;
using Xunit;

namespace Lumen.Tests.Imaging;

/// <summary>The core's PNG writer, read back by a naive reference reader written here from the PNG spec (chunk walk,
/// bytewise CRC-32, zlib inflate, the five row filters undone one byte at a time). Lumen.Vision's tests decode the same
/// bytes with its full decoder and compare with PIL's fixtures.</summary>
public class PngEncoderTests
{
    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    public void Encoded_pixels_read_back_exactly_with_valid_chunk_CRCs(int channels)
    {
        const int w = 7, h = 5;
        var px = new byte[w * h * channels];
        var rng = new Random(channels);
        for (int i = 0; i < px.Length; i++) px[i] = (byte)(i % 3 == 0 ? rng.Next(256) : (i * 37) & 0xFF); // noise and ramps: every filter wins somewhere
        var png = PngEncoder.Encode(px, w, h, channels);

        Assert.True(png.AsSpan(0, 8).SequenceEqual(PngEncoder.Signature));
        var (ihdr, idat, types) = ReadChunks(png);
        Assert.Equal(new[] { "IHDR", "IDAT", "IEND" }, types);
        Assert.Equal(w, BinaryPrimitives.ReadInt32BigEndian(ihdr));
        Assert.Equal(h, BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
        Assert.Equal(8, ihdr[8]);                                                  // bit depth
        Assert.Equal(channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 }, ihdr[9]); // colour type
        Assert.Equal(px, Unfilter(Inflate(idat), w * channels, h, channels));
    }

    [Fact]
    public void Bad_sizes_are_refused_with_the_numbers()
    {
        Assert.Contains("needs 12", Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[11], 2, 2, 3)).Message);
        Assert.Contains("channels (5)", Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[20], 2, 2, 5)).Message);
        Assert.Contains("width (0)", Assert.Throws<ArgumentException>(() => PngEncoder.Encode([], 0, 2, 1)).Message);
    }

    private static (byte[] Ihdr, byte[] Idat, List<string> Types) ReadChunks(byte[] png)
    {
        var types = new List<string>();
        byte[] ihdr = [];
        var idat = new MemoryStream();
        for (int pos = 8; pos < png.Length;)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var typeAndBody = png.AsSpan(pos + 4, 4 + len);
            Assert.Equal(BytewiseCrc(typeAndBody), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len)));
            if (type == "IHDR") ihdr = typeAndBody[4..].ToArray();
            if (type == "IDAT") idat.Write(typeAndBody[4..]);
            if (types.Count == 0 || types[^1] != type) types.Add(type);
            pos += 12 + len;
        }
        return (ihdr, idat.ToArray(), types);
    }

    private static byte[] Inflate(byte[] z)
    {
        using var s = new ZLibStream(new MemoryStream(z), CompressionMode.Decompress);
        var o = new MemoryStream();
        s.CopyTo(o);
        return o.ToArray();
    }

    private static byte[] Unfilter(byte[] raw, int stride, int h, int bpp)
    {
        Assert.Equal(h * (stride + 1), raw.Length);
        var o = new byte[h * stride];
        for (int y = 0; y < h; y++)
        {
            byte f = raw[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int x = raw[y * (stride + 1) + 1 + i];
                int a = i >= bpp ? o[y * stride + i - bpp] : 0, b = y > 0 ? o[(y - 1) * stride + i] : 0;
                int c = i >= bpp && y > 0 ? o[(y - 1) * stride + i - bpp] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int pred = f switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c, _ => throw new Xunit.Sdk.XunitException($"filter {f}") };
                o[y * stride + i] = (byte)(x + pred);
            }
        }
        return o;
    }

    private static uint BytewiseCrc(ReadOnlySpan<byte> d)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in d) { c ^= b; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1; }
        return ~c;
    }
}
