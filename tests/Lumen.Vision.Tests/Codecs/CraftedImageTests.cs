using System.Diagnostics;
using Lumen.ReaderProbe;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;
using Xunit;

namespace Lumen.Vision.Tests.Codecs;

/// <summary>Issue 16, point 5: headers that declare gigabytes over a few bytes of data. The decoders allocated the
/// declared size first (2.4 GB, 1 GB, 768 MB, 1.5 GB) and only then found the data missing; under a container's memory
/// limit that was an OutOfMemoryException. Each is now refused before the allocation, with a typed exception naming the
/// file, and the same inputs are read in a child process under <c>DOTNET_GCHeapHardLimit=1GiB</c>.</summary>
public class CraftedImageTests
{
    /// <summary>Runs <paramref name="load"/>, expects <typeparamref name="T"/>, and returns the bytes it allocated.</summary>
    private static (T Error, long Allocated) Refused<T>(Action load) where T : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<T>(load);
        return (ex, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_progressive_JPEG_whose_first_scan_is_AC_is_refused_before_allocating_16384_squared()
    {
        var data = CraftedFiles.AcFirstProgressiveJpeg(16384);
        Assert.True(data.Length < 2000);
        var (ex, allocated) = Refused<ImageFormatException>(() => ImageCodec.Decode(data, "ac_first.jpg"));
        Assert.Contains("ac_first.jpg", ex.Message);
        Assert.Contains("comes before its DC scan", ex.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_small_progressive_JPEG_whose_first_scan_is_AC_is_refused_too() =>
        Assert.Contains("comes before its DC scan",
            Assert.Throws<ImageFormatException>(() => ImageCodec.Decode(CraftedFiles.AcFirstProgressiveJpeg(16), "small.jpg")).Message);

    [Fact]
    public void A_69_byte_PNG_declaring_16384_squared_RGBA_is_refused_before_allocating_1_GB()
    {
        var data = CraftedFiles.HugePng();
        Assert.True(data.Length < 70);
        var (ex, allocated) = Refused<ImageFormatException>(() => ImageCodec.Decode(data, "huge.png"));
        Assert.Contains("more than its 12 bytes of IDAT can inflate to", ex.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_PNG_whose_zlib_data_stops_early_costs_what_it_inflated_not_what_it_declared()
    {
        // 4096 x 4096 RGBA (64 MiB of rows) declared, 12 KB of IDAT that is 1032:1-plausible but inflates to almost nothing.
        var png = CraftedFiles.HugePng(4096, 4096);
        int idat = 8 + 25;
        var body = new byte[64 << 10];
        new Random(5).NextBytes(body);
        var bigger = png[..idat].Concat(PngChunk("IDAT", png.AsSpan(idat + 8, png.Length - idat - 8 - 12 - 4).ToArray().Concat(body).ToArray()))
                                .Concat(png[^12..]).ToArray();
        var (ex, allocated) = Refused<ImageFormatException>(() => Png.Decode(bigger, "stops_early.png", checkCrc: true));
        Assert.Contains("stops_early.png", ex.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes for a 64 MiB declaration");
    }

    private static byte[] PngChunk(string type, byte[] body)
    {
        var ms = new MemoryStream();
        var t = System.Text.Encoding.ASCII.GetBytes(type);
        ms.Write(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)body.Length)));
        ms.Write(t);
        ms.Write(body);
        ms.Write(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(System.IO.Hashing.Crc32.HashToUInt32([.. t, .. body]))));
        return ms.ToArray();
    }

    [Theory]
    [InlineData("P6 16384 16384 255\n")]
    [InlineData("P5 16384 16384 65535\n")]
    [InlineData("P4 16384 16384\n")]
    [InlineData("P3 16384 16384 255\n1 2 3\n")]
    [InlineData("P1 16384 16384\n0 1")]
    public void A_PNM_header_without_its_pixels_is_refused_before_allocating(string file)
    {
        var data = System.Text.Encoding.ASCII.GetBytes(file);
        var (ex, allocated) = Refused<ImageFormatException>(() => ImageCodec.Decode(data, "header.pnm"));
        Assert.Contains("bytes of pixel data but only", ex.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void An_MNIST_gz_that_inflates_past_its_header_is_refused_after_the_declared_bytes()
    {
        // The header declares 1,000 images (784,016 bytes); the stream inflates to 64 MiB of zeros.
        var root = Directory.CreateTempSubdirectory("lumen-gz-bomb-").FullName;
        try
        {
            var bomb = CraftedFiles.IdxGzBomb(1000, 64 << 20);
            var (ex, allocated) = Refused<DatasetFormatException>(() => DatasetFiles.Gunzip(bomb, "bomb.gz", Idx.DeclaredLength));
            Assert.Contains("more than the 784016 bytes its header declares", ex.Message);
            Assert.Equal("bomb.gz", ex.Path);
            Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes");
            // Through the dataset: the header there declares 60,000 images, the stream inflates past them.
            CraftedFiles.WriteIdxGzBomb(root, 64 << 20);
            var gz = Path.Combine(root, "MNIST", "raw", "train-images-idx3-ubyte.gz");
            var mnist = Assert.Throws<DatasetFormatException>(() => new MNIST(root, train: true));
            Assert.Equal(gz, mnist.Path);
        }
        finally { Directory.Delete(root, true); }
    }
}
