using Xunit;
using Lumen.Vision.Codecs;

namespace Lumen.Vision.Tests.Codecs;

public class JpegTests
{
    public static TheoryData<string> Cases => CodecFixtures.Names("jpeg");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_matches_PIL_libjpeg_turbo_bit_for_bit(string name)
    {
        var c = CodecFixtures.Case("jpeg", name);
        var image = Jpeg.Decode(c.ReadFile(), c.FilePath);
        CodecFixtures.AssertPixelsEqual(c, image);
    }

    [Fact]
    public void Load_sniffs_a_jpeg_by_its_magic_bytes_not_its_extension()
    {
        var c = CodecFixtures.Case("jpeg", "baseline_420_q75");
        var tmp = Path.Combine(Path.GetTempPath(), $"lumen-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(tmp, c.ReadFile());
        try
        {
            Assert.Equal(ImageFormat.Jpeg, ImageCodec.Detect(c.ReadFile()));
            CodecFixtures.AssertPixelsEqual(c, ImageCodec.Load(tmp));
        }
        finally { File.Delete(tmp); }
    }

    [Fact]
    public void Truncated_jpeg_raises_ImageFormatException_naming_the_path()
    {
        var data = CodecFixtures.Case("jpeg", "baseline_420_q75").ReadFile();
        var cut = data.AsSpan(0, data.Length * 2 / 3).ToArray();
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Decode(cut, "/data/cut.jpg"));
        Assert.Contains("/data/cut.jpg", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Equal("/data/cut.jpg", e.Path);
    }

    [Fact]
    public void Arithmetic_coded_jpeg_is_rejected_with_a_message_naming_the_feature()
    {
        var data = CodecFixtures.Case("jpeg", "baseline_444_q75").ReadFile();
        int sof = data.AsSpan().IndexOf(new byte[] { 0xFF, 0xC0 });
        data[sof + 1] = 0xC9;  // SOF9: extended sequential, arithmetic
        var e = Assert.Throws<ImageFormatException>(() => Jpeg.Decode(data));
        Assert.Contains("arithmetic", e.Message);
    }
}
