using Lumen.Vision.Codecs;
using Lumen.Vision.Tests.Utils;
using Lumen.Vision.Transforms;
using Xunit;

namespace Lumen.Vision.Tests.Codecs;

/// <summary><c>Image.open(p).convert('RGB')</c> → <c>Image.Open(p).Convert("RGB")</c>: every conversion between L, LA,
/// RGB and RGBA against PIL 9.4 (gen_api.py → make_grid.json "convert").</summary>
public class ImageConvertTests
{
    private static Image Rgba()
    {
        var t = MakeGridTests.Read("convert", "rgba");
        return new Image(4, 3, 4, t.ToArray<float>().Select(v => (byte)v).ToArray());
    }

    [Theory]
    [InlineData("RGBA"), InlineData("RGB"), InlineData("L"), InlineData("LA")]
    public void Convert_matches_PIL_from_every_mode_to_every_mode(string source)
    {
        var src = Rgba().Convert(source);
        foreach (var target in new[] { "RGB", "L", "RGBA", "LA" })
        {
            var expected = MakeGridTests.Read("convert", $"{source}->{target}").ToArray<float>().Select(v => (byte)v).ToArray();
            Assert.True(expected.AsSpan().SequenceEqual(src.Convert(target).Pixels), $"{source} -> {target}");
            Assert.Equal(target, src.Convert(target).Mode);
        }
    }

    [Fact]
    public void Open_then_Convert_reads_a_file_as_PIL_does()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lumen-open-{Guid.NewGuid():N}.png");
        Png.Save(Rgba(), path);
        try
        {
            var img = Image.Open(path).Convert("RGB");   // Image.open(p).convert('RGB')
            Assert.Equal("RGB", img.Mode);
            Assert.Equal(Rgba().Convert("RGB").Pixels, img.Pixels);
        }
        finally { File.Delete(path); }
        Assert.Throws<ArgumentException>(() => Rgba().Convert("CMYK"));
    }

    [Fact]
    public void Transforms_are_called_with_the_word_modules_use()
    {
        var toTensor = new ToTensor();
        var x = (Tensor)toTensor.Call(Rgba().Convert("RGB"));   // transform(img)
        Assert.Equal(new Shape(3, 3, 4), x.Shape);
        Assert.Equal(x.ToArray<float>(), toTensor.Call<Tensor>(Rgba().Convert("RGB")).ToArray<float>());
    }
}
