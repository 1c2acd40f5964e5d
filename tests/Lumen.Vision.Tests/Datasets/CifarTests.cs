using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;
using Xunit;

namespace Lumen.Vision.Tests.Datasets;

/// <summary>CIFAR-10/100 binary loaders over small files written here in the exact binary format.</summary>
public class CifarTests
{
    /// <summary>One record: label byte(s) then planes R, G, B of 32×32, pixel (y, x) of plane c = (c·50 + y·3 + x + seed) mod 256.</summary>
    internal static byte[] Record(byte[] labels, int seed)
    {
        var r = new byte[labels.Length + 3072];
        labels.CopyTo(r, 0);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    r[labels.Length + c * 1024 + y * 32 + x] = (byte)((c * 50 + y * 3 + x + seed) % 256);
        return r;
    }

    private static string MakeCifar10(int perBatch)
    {
        var root = Directory.CreateTempSubdirectory("lumen-cifar10-").FullName;
        var dir = Path.Combine(root, "cifar-10-batches-bin");
        Directory.CreateDirectory(dir);
        int k = 0;
        foreach (var f in new[] { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" })
        {
            var bytes = new List<byte>();
            for (int i = 0; i < perBatch; i++, k++) bytes.AddRange(Record(new[] { (byte)(k % 10) }, k));
            File.WriteAllBytes(Path.Combine(dir, f), bytes.ToArray());
        }
        return root;
    }

    [Fact]
    public void CIFAR10_reads_the_five_training_batches_and_the_test_batch_in_HWC_order()
    {
        var root = MakeCifar10(3);
        try
        {
            var train = new CIFAR10(root, train: true, transform: new PILToTensor());
            Assert.Equal(15, train.Count);
            Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)(i % 10)), train.Targets.ToArray<long>());
            var img = train.GetImage(4);
            Assert.Equal((32, 32, 3), (img.Width, img.Height, img.Channels));
            // pixel (y=2, x=5), green plane: (50 + 6 + 5 + 4) % 256
            Assert.Equal((byte)65, img.Pixels[(2 * 32 + 5) * 3 + 1]);
            var (t, label) = train[4];
            Assert.Equal(new Shape(3, 32, 32), t.Shape);
            Assert.Equal(4, label);
            Assert.Equal(65f, t[1, 2, 5].Item());
            Assert.Equal(new Shape(15, 32, 32, 3), train.Data.Shape);
            var test = new CIFAR10(Path.Combine(root, "cifar-10-batches-bin"), train: false);
            Assert.Equal(3, test.Count);
            Assert.Equal(new long[] { 5, 6, 7 }, test.Targets.ToArray<long>());
            Assert.Equal(15f / 255f, test[0].Image[0, 0, 0].Item()); // seed 15 → plane R at (0, 0) = 15
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void CIFAR100_keeps_fine_labels_as_targets_and_coarse_labels_beside_them()
    {
        var root = Directory.CreateTempSubdirectory("lumen-cifar100-").FullName;
        try
        {
            var dir = Path.Combine(root, "cifar-100-binary");
            Directory.CreateDirectory(dir);
            var bytes = new List<byte>();
            bytes.AddRange(Record(new byte[] { 19, 99 }, 0));
            bytes.AddRange(Record(new byte[] { 3, 42 }, 1));
            File.WriteAllBytes(Path.Combine(dir, "test.bin"), bytes.ToArray());
            var ds = new CIFAR100(root, train: false);
            Assert.Equal(2, ds.Count);
            Assert.Equal(new long[] { 99, 42 }, ds.Targets.ToArray<long>());
            Assert.Equal(new long[] { 19, 3 }, ds.CoarseTargets.ToArray<long>());
            Assert.Equal(1f / 255f, ds[1].Image[0, 0, 0].Item());
            File.WriteAllBytes(Path.Combine(dir, "test.bin"), Record(new byte[] { 20, 1 }, 0));
            var e = Assert.Throws<DatasetFormatException>(() => new CIFAR100(root, train: false));
            Assert.Contains("test.bin", e.Message);
            Assert.Contains("coarse label 20", e.Message);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void A_truncated_batch_is_a_DatasetFormatException_naming_the_file()
    {
        var root = MakeCifar10(1);
        try
        {
            var path = Path.Combine(root, "cifar-10-batches-bin", "data_batch_3.bin");
            File.WriteAllBytes(path, File.ReadAllBytes(path)[..3000]);
            var e = Assert.Throws<DatasetFormatException>(() => new CIFAR10(root));
            Assert.Equal(path, e.Path);
            Assert.Contains("3073-byte records", e.Message);
        }
        finally { Directory.Delete(root, true); }
    }
}
