using Lumen.Vision.Datasets;
using Xunit;

namespace Lumen.Vision.Tests.Datasets;

/// <summary>Seeded corruptions of IDX (raw and .gz) and CIFAR files: each must parse or raise DatasetFormatException
/// naming the file — never another exception type, a crash or a hang.</summary>
public class DatasetFuzzTests
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

    [Fact]
    public void Corrupt_IDX_files_raise_only_DatasetFormatException()
    {
        var (img, lbl) = MnistTests.MakeIdx(4, new byte[] { 1, 2, 3, 4 });
        var imgGz = Gzip(img);
        var rng = new Random(1234);
        int typed = 0, parsed = 0;
        for (int i = 0; i < 1500; i++)
        {
            bool gz = i % 3 == 0, corruptImages = i % 2 == 0;
            var a = corruptImages ? Mutate(gz ? imgGz : img, rng) : img;
            var b = corruptImages ? lbl : Mutate(lbl, rng);
            string pa = gz && corruptImages ? "images.gz" : "images", pb = "labels";
            try
            {
                var ia = gz && corruptImages ? DatasetFiles.Gunzip(a, pa) : a;
                MNIST.Parse(ia, pa, b, pb, 10);
                parsed++;
            }
            catch (DatasetFormatException e)
            {
                Assert.True(e.Path is "images" or "images.gz" or "labels", $"case {i}: exception names no file: {e.Message}");
                typed++;
            }
        }
        Assert.True(typed >= 1000, $"only {typed} of 1500 corruptions were rejected ({parsed} parsed)");
    }

    [Fact]
    public void Corrupt_CIFAR_batches_raise_only_DatasetFormatException()
    {
        var good = CifarTests.Record(new byte[] { 3 }, 1).Concat(CifarTests.Record(new byte[] { 9 }, 2)).ToArray();
        var root = Directory.CreateTempSubdirectory("lumen-cifar-fuzz-").FullName;
        try
        {
            var path = Path.Combine(root, "test_batch.bin");
            var rng = new Random(99);
            int typed = 0;
            for (int i = 0; i < 2000; i++)
            {
                var bad = Mutate(good, rng);
                if (rng.Next(4) == 0 && bad.Length > 0) bad[rng.Next(Math.Min(bad.Length, 2)) * 3073 % Math.Max(1, bad.Length)] = (byte)rng.Next(10, 256); // bad label
                File.WriteAllBytes(path, bad);
                try { _ = new CIFAR10(root, train: false); }
                catch (DatasetFormatException e)
                {
                    Assert.Equal(path, e.Path);
                    typed++;
                }
            }
            Assert.True(typed >= 1000, $"only {typed} of 2000 corruptions were rejected");
        }
        finally { Directory.Delete(root, true); }
    }
}
