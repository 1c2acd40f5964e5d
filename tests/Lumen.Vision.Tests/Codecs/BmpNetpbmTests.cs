using Lumen.Vision.Codecs;
using Xunit;

namespace Lumen.Vision.Tests.Codecs;

public class BmpNetpbmTests
{
    public static TheoryData<string> Cases => CodecFixtures.Names("other");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_matches_PIL(string name)
    {
        var c = CodecFixtures.Case("other", name);
        CodecFixtures.AssertPixelsEqual(c, ImageCodec.Load(c.FilePath));
    }

    [Fact]
    public void Unknown_format_is_an_ImageFormatException_listing_the_first_bytes()
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Decode("GIF89a.."u8.ToArray(), "a.gif"));
        Assert.Contains("a.gif", e.Message);
        Assert.Contains("474946383961", e.Message);
    }

    [Fact]
    public void Decode_from_a_stream_equals_decode_from_bytes()
    {
        var c = CodecFixtures.Case("other", "ppm_p6");
        using var s = File.OpenRead(c.FilePath);
        CodecFixtures.AssertPixelsEqual(c, ImageCodec.Decode(s, c.FilePath));
    }
}
