using Lumen.Vision.Datasets;
using Lumen.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Vision.Tests.Datasets;

/// <summary>Seeded corruptions of IDX (raw and .gz) and CIFAR files: each must parse or raise DatasetFormatException
/// naming the file — never another exception type, a crash or a hang.</summary>
public class DatasetFuzzTests(ITestOutputHelper output)
{
    private static byte[] Mutate(byte[] src, Random rng)
    {
        var d = (byte[])src.Clone();
        switch (rng.Next(5))
        {
            case 0: // flip random bytes, biased to the header
                for (int k = rng.Next(1, 6); k > 0; k--) { int i = rng.Next(2) == 0 ? rng.Next(Math.Min(24, d.Length)) : rng.Next(d.Length); d[i] = (byte)rng.Next(256); }
                return d;
            case 1: return d[..rng.Next(d.Length)]; // truncate
            case 2: { var e = new byte[d.Length + rng.Next(1, 5000)]; d.CopyTo(e, 0); rng.NextBytes(e.AsSpan(d.Length)); return e; } // extend
            case 3: { var r = new byte[rng.Next(0, 64)]; rng.NextBytes(r); return r; } // garbage
            default: // overwrite a dimension with a random 32-bit value
                if (d.Length >= 8) rng.NextBytes(d.AsSpan(4 + 4 * rng.Next(Math.Min(3, (d.Length - 4) / 4)), 4));
                return d;
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>Allocation bounds per input byte (docs/readers.md): a raw IDX file is copied at most twice (images and
    /// labels out of the file); a .gz inflates at most 1032:1, buffered once in chunks and once whole, then copied;
    /// a CIFAR batch is read, reordered to HWC and concatenated.</summary>
    private const long IdxMultiple = 4, IdxGzMultiple = 3 * 1032 + 4, CifarMultiple = 8;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Corrupt_IDX_files_raise_only_DatasetFormatException(bool gz)
    {
        var (img, lbl) = MnistTests.MakeIdx(4, new byte[] { 1, 2, 3, 4 });
        var imgGz = Gzip(img);
        var report = ReaderFuzz.Run(gz ? "idx.gz" : "idx", gz ? 1235 : 1234, ReaderFuzz.Cases(1200),
            (rng, i) => i % 2 == 0 ? Mutate(gz ? imgGz : img, rng) : Mutate(lbl, rng),
            (bytes, i) =>
            {
                // Even cases corrupt the images (raw or .gz), odd ones the labels.
                if (i % 2 == 0) MNIST.Parse(gz ? DatasetFiles.Gunzip(bytes, "images.gz", Idx.DeclaredLength) : bytes, gz ? "images.gz" : "images", lbl, "labels", 10);
                else MNIST.Parse(img, "images", bytes, "labels", 10);
            },
            e => e is DatasetFormatException d ? (d.Path is "images" or "images.gz" or "labels" ? null : $"names no file: {d.Message}") : "not a DatasetFormatException",
            gz ? IdxGzMultiple : IdxMultiple);
        output.WriteLine(report.ToString());
        Assert.True(report.Rejected >= report.Cases * 2 / 3, $"only {report}");
    }

    [Fact]
    public void Corrupt_CIFAR_batches_raise_only_DatasetFormatException()
    {
        var good = CifarTests.Record(new byte[] { 3 }, 1).Concat(CifarTests.Record(new byte[] { 9 }, 2)).ToArray();
        var root = Directory.CreateTempSubdirectory("lumen-cifar-fuzz-").FullName;
        try
        {
            var path = Path.Combine(root, "test_batch.bin");
            var report = ReaderFuzz.Run("cifar", 99, ReaderFuzz.Cases(1200),
                (rng, _) =>
                {
                    var bad = Mutate(good, rng);
                    if (rng.Next(4) == 0 && bad.Length > 0) bad[rng.Next(Math.Min(bad.Length, 2)) * 3073 % Math.Max(1, bad.Length)] = (byte)rng.Next(10, 256); // bad label
                    return bad;
                },
                (bytes, _) => { File.WriteAllBytes(path, bytes); Assert.True(new CIFAR10(root, train: false).Count > 0); },
                e => e is DatasetFormatException d ? (d.Path == path ? null : $"names {d.Path}") : "not a DatasetFormatException",
                CifarMultiple);
            output.WriteLine(report.ToString());
            Assert.True(report.Rejected >= report.Cases / 2, $"only {report}");
        }
        finally { Directory.Delete(root, true); }
    }
}
