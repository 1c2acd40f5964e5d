using Lumen.Vision.Codecs;
using Lumen.Vision.Transforms;

namespace Lumen.Vision.Datasets;

/// <summary>The MNIST handwritten digits, torchvision's <c>datasets.MNIST(root, train, transform, target_transform, download)</c>:
/// 60,000 training or 10,000 test 28×28 gray images with labels 0–9, read from the IDX files (raw or .gz). Without a root,
/// the copy embedded in Lumen.Vision (this repository's data/mnist) is used. Samples are <c>(image (1, 28, 28) float32 in
/// [0, 1] unless a transform says otherwise, label)</c>.</summary>
public class MNIST : VisionDataset
{
    private readonly byte[] _images;
    private readonly byte[] _labels;
    private readonly int _rows, _cols;

    /// <summary>Where the files were found (a folder), or "embedded".</summary>
    public string Source { get; }

    /// <summary>Whether this is the training split.</summary>
    public bool Train { get; }

    /// <summary>Class names, torchvision's <c>classes</c>.</summary>
    public virtual IReadOnlyList<string> Classes { get; } =
        new[] { "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine" };

    /// <summary>Download mirrors, tried in order (torchvision's).</summary>
    protected virtual IReadOnlyList<string> Mirrors { get; } = new[] { "https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/" };

    /// <summary>The four .gz files and their MD5 checksums as published (torchvision's resources).</summary>
    protected virtual IReadOnlyList<(string File, string Md5)> Resources { get; } = new[]
    {
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    };

    /// <summary>Folder name under root (torchvision's <c>root/MNIST/raw</c>).</summary>
    protected virtual string FolderName => "MNIST";

    /// <summary>Whether a copy is embedded for root = null.</summary>
    protected virtual bool HasEmbeddedCopy => true;

    /// <param name="root">a folder holding the IDX files directly, or in <c>MNIST/raw</c> (torchvision's layout); null for the
    /// embedded copy.</param>
    /// <param name="train">the 60,000-image training split, else the 10,000-image test split.</param>
    /// <param name="transform">applied to each <see cref="Image"/> (ToTensor when null).</param>
    /// <param name="targetTransform">applied to each label.</param>
    /// <param name="download">download the files into <c>root/MNIST/raw</c> (checksums verified) when they are missing.</param>
    /// <exception cref="DatasetFormatException">a file is malformed (the message names it).</exception>
    public MNIST(string? root = null, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null, bool download = false)
    {
        Train = train;
        Transform = transform;
        TargetTransform = targetTransform;
        string imgName = train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";
        string lblName = train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte";
        byte[] imgBytes, lblBytes;
        string imgPath, lblPath;
        if (root is null)
        {
            if (!HasEmbeddedCopy) throw new ArgumentException($"{GetType().Name}: root is required (no embedded copy).", nameof(root));
            imgPath = "embedded:" + imgName + ".gz";
            lblPath = "embedded:" + lblName + ".gz";
            imgBytes = DatasetFiles.Gunzip(ReadEmbedded(imgName + ".gz"), imgPath, Idx.DeclaredLength);
            lblBytes = DatasetFiles.Gunzip(ReadEmbedded(lblName + ".gz"), lblPath, Idx.DeclaredLength);
            Source = "embedded";
        }
        else
        {
            var raw = Path.Combine(root, FolderName, "raw");
            string[] Candidates(string n) => new[] { Path.Combine(raw, n), Path.Combine(root, "raw", n), Path.Combine(root, n) };
            if (download && (DatasetFiles.Find(Candidates(imgName)) is null || DatasetFiles.Find(Candidates(lblName)) is null))
                Download(raw);
            imgPath = DatasetFiles.Find(Candidates(imgName)) ?? throw new FileNotFoundException(
                $"{GetType().Name}: {imgName}[.gz] not found in {string.Join(", ", Candidates(imgName).Select(Path.GetDirectoryName))}; pass download: true to fetch it.");
            lblPath = DatasetFiles.Find(Candidates(lblName)) ?? throw new FileNotFoundException(
                $"{GetType().Name}: {lblName}[.gz] not found in {string.Join(", ", Candidates(lblName).Select(Path.GetDirectoryName))}; pass download: true to fetch it.");
            imgBytes = DatasetFiles.Read(imgPath, Idx.DeclaredLength);
            lblBytes = DatasetFiles.Read(lblPath, Idx.DeclaredLength);
            Source = Path.GetDirectoryName(imgPath)!;
        }
        (_images, _labels, _rows, _cols) = Parse(imgBytes, imgPath, lblBytes, lblPath, Classes.Count);
    }

    /// <summary>Parses an IDX image file (N, rows, cols) and an IDX label file (N) with labels below <paramref name="numClasses"/>.</summary>
    internal static (byte[] Images, byte[] Labels, int Rows, int Cols) Parse(byte[] imgBytes, string imgPath, byte[] lblBytes, string lblPath, int numClasses)
    {
        var (idims, idata) = Idx.ReadUBytes(imgBytes, imgPath);
        if (idims.Length != 3) throw new DatasetFormatException($"expected a rank-3 image file (N, rows, cols), got dimensions [{string.Join(", ", idims)}].", imgPath);
        if (idims[1] == 0 || idims[2] == 0) throw new DatasetFormatException($"images of {idims[1]}x{idims[2]} pixels are empty.", imgPath);
        var (ldims, ldata) = Idx.ReadUBytes(lblBytes, lblPath);
        if (ldims.Length != 1) throw new DatasetFormatException($"expected a rank-1 label file (N), got dimensions [{string.Join(", ", ldims)}].", lblPath);
        if (ldims[0] != idims[0]) throw new DatasetFormatException($"holds {ldims[0]} labels but {imgPath} holds {idims[0]} images.", lblPath);
        var labels = ldata.ToArray();
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= numClasses) throw new DatasetFormatException($"label {labels[i]} at index {i} is not below the {numClasses} classes.", lblPath);
        return (idata.ToArray(), labels, idims[1], idims[2]);
    }

    private static byte[] ReadEmbedded(string name)
    {
        var asm = typeof(MNIST).Assembly;
        using var s = asm.GetManifestResourceStream("Lumen.Vision.mnist." + name)
            ?? throw new FileNotFoundException($"MNIST: embedded resource {name} is missing from {asm.GetName().Name}.");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private void Download(string rawFolder)
    {
        foreach (var (file, md5) in Resources)
        {
            var dest = Path.Combine(rawFolder, file);
            if (File.Exists(dest)) continue;
            Exception? last = null;
            foreach (var mirror in Mirrors)
            {
                try { DatasetDownload.DownloadFile(new Uri(mirror + file), dest, md5); last = null; break; }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException) { last = e; }
            }
            if (last is not null) throw new IOException($"{GetType().Name}: could not download {file} from {string.Join(", ", Mirrors)}: {last.Message}", last);
        }
    }

    public override int Count => _labels.Length;

    /// <summary>Image height and width in pixels (28 for MNIST).</summary>
    public (int Rows, int Cols) ImageSize => (_rows, _cols);

    /// <summary>All images as a uint8 tensor (N, rows, cols), torchvision's <c>data</c>.</summary>
    public Tensor Data => Torch.FromArray((byte[])_images.Clone(), Count, _rows, _cols);

    /// <summary>All labels as an int64 tensor (N), torchvision's <c>targets</c>.</summary>
    public Tensor Targets => Torch.FromArray(_labels.Select(b => (long)b).ToArray(), Count);

    public override Image GetImage(int index)
    {
        CheckIndex(index);
        int n = _rows * _cols;
        return new Image(_cols, _rows, 1, _images.AsSpan(index * n, n).ToArray());
    }

    public override long GetLabel(int index)
    {
        CheckIndex(index);
        return _labels[index];
    }

    public override string ToString() =>
        $"Dataset {GetType().Name}\n    Number of datapoints: {Count}\n    Root location: {Source}\n    Split: {(Train ? "Train" : "Test")}" +
        (Transform is null ? "" : $"\n    StandardTransform\nTransform: {Transform}");
}
