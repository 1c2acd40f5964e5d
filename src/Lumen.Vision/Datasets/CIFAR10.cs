using Lumen.Vision.Codecs;
using Lumen.Vision.Transforms;

namespace Lumen.Vision.Datasets;

/// <summary>CIFAR-10 from its binary version, torchvision's <c>datasets.CIFAR10</c> (which reads the Python version; the
/// images and labels are the same): <c>cifar-10-batches-bin/data_batch_1.bin … data_batch_5.bin</c> (50,000 training
/// images) or <c>test_batch.bin</c> (10,000), each record one label byte then 3,072 bytes of 32×32 red, green and blue
/// planes. Samples are (image (3, 32, 32) float32 in [0, 1] unless a transform says otherwise, label 0–9).</summary>
public class CIFAR10 : VisionDataset
{
    /// <summary>Bytes per image: 3 planes of 32×32.</summary>
    public const int ImageBytes = 3 * 32 * 32;

    private protected byte[] _images = Array.Empty<byte>(); // N × 32 × 32 × 3 (HWC, torchvision's data layout)
    private protected byte[] _labels = Array.Empty<byte>();

    /// <summary>Whether this is the training split.</summary>
    public bool Train { get; }

    /// <summary>The folder the batch files were read from.</summary>
    public string Folder { get; }

    /// <summary>Class names, torchvision's <c>classes</c>.</summary>
    public virtual IReadOnlyList<string> Classes { get; } =
        new[] { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" };

    /// <summary>The binary archive's URL and MD5.</summary>
    protected virtual (string Url, string Md5, string Folder) Archive { get; } =
        ("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin");

    /// <summary>The batch files of a split.</summary>
    protected virtual string[] Files(bool train) => train
        ? new[] { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin" }
        : new[] { "test_batch.bin" };

    /// <summary>Label bytes before each image (1 for CIFAR-10; coarse + fine for CIFAR-100).</summary>
    protected virtual int LabelBytes => 1;

    /// <param name="root">a folder holding <c>cifar-10-batches-bin/</c>, or that folder itself.</param>
    /// <param name="train">the training batches, else the test batch.</param>
    /// <param name="transform">applied to each <see cref="Image"/> (ToTensor when null).</param>
    /// <param name="targetTransform">applied to each label.</param>
    /// <param name="download">download and extract the binary archive (MD5 verified) when the files are missing.</param>
    /// <exception cref="DatasetFormatException">a batch file is malformed (the message names it).</exception>
    public CIFAR10(string root, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null, bool download = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        Train = train;
        Transform = transform;
        TargetTransform = targetTransform;
        var files = Files(train);
        string folder = Path.Combine(root, Archive.Folder);
        if (!File.Exists(Path.Combine(folder, files[0])) && File.Exists(Path.Combine(root, files[0]))) folder = root;
        if (download && !files.All(f => File.Exists(Path.Combine(folder, f))))
        {
            var archive = Path.Combine(root, Path.GetFileName(Archive.Url));
            if (!File.Exists(archive) || DatasetDownload.Md5(archive) != Archive.Md5) DatasetDownload.DownloadFile(new Uri(Archive.Url), archive, Archive.Md5);
            DatasetDownload.ExtractTarGz(archive, root);
            folder = Path.Combine(root, Archive.Folder);
        }
        Folder = folder;
        var images = new List<byte[]>();
        var labels = new List<byte[]>();
        foreach (var f in files)
        {
            var path = Path.Combine(folder, f);
            if (!File.Exists(path)) throw new FileNotFoundException($"{GetType().Name}: {path} not found; pass download: true to fetch the binary version.", path);
            var (img, lbl) = ParseBatch(File.ReadAllBytes(path), path);
            images.Add(img);
            labels.Add(lbl);
        }
        _images = images.SelectMany(x => x).ToArray();
        _labels = labels.SelectMany(x => x).ToArray();
    }

    /// <summary>Parses one binary batch: records of <see cref="LabelBytes"/> label bytes and 3,072 image bytes (planar RGB);
    /// returns HWC images and the (fine) labels.</summary>
    internal (byte[] Images, byte[] Labels) ParseBatch(byte[] data, string path)
    {
        int rec = LabelBytes + ImageBytes;
        if (data.Length == 0 || data.Length % rec != 0)
            throw new DatasetFormatException($"{data.Length} bytes is not a whole number of {rec}-byte records ({LabelBytes} label byte(s) + {ImageBytes} pixel bytes).", path);
        int n = data.Length / rec;
        var images = new byte[n * ImageBytes];
        var labels = new byte[n];
        StoreExtra(n);
        for (int r = 0; r < n; r++)
        {
            int o = r * rec;
            CheckLabels(data.AsSpan(o, LabelBytes), r, path, out labels[r]);
            for (int p = 0; p < 1024; p++)
            {
                images[r * ImageBytes + p * 3] = data[o + LabelBytes + p];
                images[r * ImageBytes + p * 3 + 1] = data[o + LabelBytes + 1024 + p];
                images[r * ImageBytes + p * 3 + 2] = data[o + LabelBytes + 2048 + p];
            }
        }
        return (images, labels);
    }

    /// <summary>Called before a batch of <paramref name="records"/> is parsed (CIFAR-100 grows its coarse-label list).</summary>
    private protected virtual void StoreExtra(int records) { }

    /// <summary>Validates a record's label bytes and returns the label the dataset yields.</summary>
    private protected virtual void CheckLabels(ReadOnlySpan<byte> labelBytes, int record, string path, out byte label)
    {
        label = labelBytes[0];
        if (label >= 10) throw new DatasetFormatException($"record {record} has label {label}; CIFAR-10 labels are 0 to 9.", path);
    }

    public override int Count => _labels.Length;

    /// <summary>All images as a uint8 tensor (N, 32, 32, 3), torchvision's <c>data</c>.</summary>
    public Tensor Data => Torch.FromArray((byte[])_images.Clone(), Count, 32, 32, 3);

    /// <summary>All labels as an int64 tensor (N), torchvision's <c>targets</c>.</summary>
    public Tensor Targets => Torch.FromArray(_labels.Select(b => (long)b).ToArray(), Count);

    public override Image GetImage(int index)
    {
        CheckIndex(index);
        return new Image(32, 32, 3, _images.AsSpan(index * ImageBytes, ImageBytes).ToArray());
    }

    public override long GetLabel(int index)
    {
        CheckIndex(index);
        return _labels[index];
    }
}
