using System.Buffers.Binary;
using System.IO.Compression;
using Lumen.Vision.Codecs;
using Xunit;

namespace Lumen.Vision.Tests.Codecs;

public class PngTests
{
    public static TheoryData<string> Cases => CodecFixtures.Names("png");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_gives_the_expected_8bit_pixels_for_every_colour_type_depth_filter_and_interlace(string name)
    {
        var c = CodecFixtures.Case("png", name);
        CodecFixtures.AssertPixelsEqual(c, Png.Decode(c.ReadFile(), c.FilePath));
    }

    public static TheoryData<int, int, int> RoundTripShapes => new()
    {
        { 1, 1, 1 }, { 1, 1, 4 }, { 7, 3, 1 }, { 16, 9, 2 }, { 33, 17, 3 }, { 64, 48, 4 }, { 3, 100, 3 },
    };

    [Theory]
    [MemberData(nameof(RoundTripShapes))]
    public void Encode_then_decode_round_trips_bit_exactly(int width, int height, int channels)
    {
        var rng = new Random(width * 1000 + height * 10 + channels);
        var pixels = new byte[width * height * channels];
        // Half noise, half smooth gradient, so that every filter type wins on some row.
        for (int y = 0; y < height; y++)
            for (int i = 0; i < width * channels; i++)
                pixels[y * width * channels + i] = y % 2 == 0 ? (byte)rng.Next(256) : (byte)(i * 3 + y);
        var image = new Image(width, height, channels, pixels);
        var bytes = Png.Encode(image);
        var back = Png.Decode(bytes);
        Assert.Equal((width, height, channels), (back.Width, back.Height, back.Channels));
        Assert.Equal(pixels, back.Pixels);
    }

    [Fact]
    public void Encoder_picks_more_than_one_filter_type_on_mixed_content()
    {
        var img = new Image(64, 64, 3);
        var rng = new Random(5);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64 * 3; x++)
                img.Pixels[y * 192 + x] = y < 32 ? (byte)rng.Next(256) : (byte)(x + 2 * y);
        var raw = InflateIdat(Png.Encode(img));
        var filters = Enumerable.Range(0, 64).Select(y => raw[y * (1 + 192)]).Distinct().ToArray();
        Assert.True(filters.Length >= 2, $"filters used: {string.Join(",", filters)}");
        Assert.All(filters, f => Assert.InRange(f, 0, 4));
    }

    [Fact]
    public void Save_writes_through_a_temporary_file_and_leaves_only_the_target()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-png-");
        try
        {
            var path = Path.Combine(dir.FullName, "out.png");
            var image = new Image(5, 4, 3, Enumerable.Range(0, 60).Select(i => (byte)(i * 4)).ToArray());
            File.WriteAllText(path, "old contents");
            Png.Save(image, path);
            Assert.Equal(new[] { "out.png" }, dir.GetFiles().Select(f => f.Name).ToArray());
            Assert.Equal(image.Pixels, ImageCodec.Load(path).Pixels);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Crc_mismatch_is_an_error_by_default_and_accepted_when_checking_is_off()
    {
        var c = CodecFixtures.Case("png", "rgb8");
        var data = c.ReadFile();
        data[8 + 8 + 13 + 2] ^= 0x55;  // inside the IHDR CRC
        var e = Assert.Throws<ImageFormatException>(() => Png.Decode(data, "x.png"));
        Assert.Contains("CRC mismatch in chunk 'IHDR'", e.Message);
        CodecFixtures.AssertPixelsEqual(c, Png.Decode(data, checkCrc: false));
    }

    [Fact]
    public void Truncated_png_raises_ImageFormatException_naming_path_and_problem()
    {
        var data = CodecFixtures.Case("png", "rgba8_adam7_37x29").ReadFile();
        var cut = data.AsSpan(0, data.Length / 2).ToArray();
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Decode(cut, "/tmp/cut.png"));
        Assert.StartsWith("/tmp/cut.png: PNG: ", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Header_claiming_more_than_2_pow_28_pixels_is_rejected_before_allocating()
    {
        var data = CodecFixtures.Case("png", "gray8").ReadFile();
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(16), 1 << 16);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(20), 1 << 16);
        var e = Assert.Throws<ImageFormatException>(() => Png.Decode(data, checkCrc: false));
        Assert.Contains("exceed the limit", e.Message);
    }

    private static byte[] InflateIdat(byte[] png)
    {
        var z = new MemoryStream();
        for (int pos = 8; pos < png.Length;)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (png[pos + 4] == 'I' && png[pos + 5] == 'D' && png[pos + 6] == 'A' && png[pos + 7] == 'T') z.Write(png, pos + 8, len);
            pos += 12 + len;
        }
        z.Position = 0;
        using var inflate = new ZLibStream(z, CompressionMode.Decompress);
        var outMs = new MemoryStream();
        inflate.CopyTo(outMs);
        return outMs.ToArray();
    }
}
