using System.IO.Compression;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;
using Xunit;

namespace Lumen.Vision.Tests.Datasets;

/// <summary>MNIST from the embedded copy of data/mnist, checked against sums gen_transforms.py computed from the .gz files
/// with gzip + numpy.</summary>
public class MnistTests
{
    private static readonly Lazy<MNIST> TrainSet = new(() => new MNIST(train: true));
    private static readonly Lazy<MNIST> TestSet = new(() => new MNIST(train: false));

    [Theory]
    [InlineData("train")]
    [InlineData("test")]
    public void Embedded_MNIST_loads_with_the_counts_labels_and_pixel_sums_of_the_raw_files(string split)
    {
        var e = TransformFixtures.Case("mnist").GetProperty(split);
        var ds = split == "train" ? TrainSet.Value : TestSet.Value;
        Assert.Equal(e.GetProperty("count").GetInt32(), ds.Count);
        Assert.Equal(split == "train" ? 60_000 : 10_000, ds.Count);
        var data = ds.Data;
        Assert.Equal(new Shape(ds.Count, 28, 28), data.Shape);
        Assert.Equal(DType.UInt8, data.DType);
        long sum = 0;
        foreach (var b in data.ToArray<byte>()) sum += b;
        Assert.Equal(e.GetProperty("pixel_sum").GetInt64(), sum);
        var labels = ds.Targets.ToArray<long>();
        Assert.Equal(e.GetProperty("first_labels").EnumerateArray().Select(x => x.GetInt64()), labels.Take(10));
        Assert.Equal(e.GetProperty("label_counts").EnumerateArray().Select(x => x.GetInt32()), Enumerable.Range(0, 10).Select(k => labels.Count(l => l == k)));
        var firsts = e.GetProperty("first_image_sums").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        for (int i = 0; i < firsts.Length; i++) Assert.Equal(firsts[i], ds.GetImage(i).Pixels.Sum(b => (long)b));
        Assert.Equal(e.GetProperty("last_image_sum").GetInt64(), ds.GetImage(ds.Count - 1).Pixels.Sum(b => (long)b));
    }

    [Fact]
    public void First_ten_training_labels_are_5_0_4_1_9_2_1_3_1_4()
    {
        Assert.Equal(new long[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, Enumerable.Range(0, 10).Select(i => TrainSet.Value[i].Label));
    }

    [Fact]
    public void Samples_are_1x28x28_tensors_in_0_1_after_ToTensor()
    {
        var (img, label) = TrainSet.Value[0];
        Assert.Equal(new Shape(1, 28, 28), img.Shape);
        Assert.Equal(5, label);
        var v = img.ToArray();
        Assert.Equal(TransformFixtures.Case("mnist").GetProperty("train").GetProperty("first_image_sums")[0].GetInt64(),
            (long)Math.Round(v.Sum(x => (double)x) * 255));
    }

    [Fact]
    public void Loads_raw_and_gz_files_from_a_torchvision_root_layout()
    {
        var root = Directory.CreateTempSubdirectory("lumen-mnist-").FullName;
        try
        {
            var raw = Path.Combine(root, "MNIST", "raw");
            Directory.CreateDirectory(raw);
            var (img, lbl) = MakeIdx(3, new byte[] { 7, 2, 9 });
            File.WriteAllBytes(Path.Combine(raw, "t10k-images-idx3-ubyte"), img);
            using (var f = File.Create(Path.Combine(raw, "t10k-labels-idx1-ubyte.gz")))
            using (var gz = new GZipStream(f, CompressionLevel.Fastest)) gz.Write(lbl);
            var ds = new MNIST(root, train: false, transform: new PILToTensor());
            Assert.Equal(3, ds.Count);
            Assert.Equal(new long[] { 7, 2, 9 }, ds.Targets.ToArray<long>());
            Assert.Equal(1f, ds[1].Image.ToArray()[5]); // image i is filled with i
            Assert.Throws<FileNotFoundException>(() => new MNIST(root, train: true));
            Assert.Throws<FileNotFoundException>(() => new FashionMNIST(root, train: false));
        }
        finally { Directory.Delete(root, true); }
    }

    /// <summary>An IDX image file of n 28×28 images (image i filled with its index's low byte) and a label file.</summary>
    internal static (byte[] Images, byte[] Labels) MakeIdx(int n, byte[] labels)
    {
        var img = new byte[16 + n * 784];
        img[2] = 8; img[3] = 3;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(4), n);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(8), 28);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(12), 28);
        for (int i = 0; i < n; i++) img.AsSpan(16 + i * 784, 784).Fill((byte)i);
        var lbl = new byte[8 + n];
        lbl[2] = 8; lbl[3] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(lbl.AsSpan(4), n);
        labels.CopyTo(lbl, 8);
        return (img, lbl);
    }
}
