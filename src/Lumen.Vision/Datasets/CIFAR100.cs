using Lumen.Vision.Transforms;

namespace Lumen.Vision.Datasets;

/// <summary>CIFAR-100 from its binary version, torchvision's <c>datasets.CIFAR100</c>: <c>cifar-100-binary/train.bin</c> (50,000
/// images) or <c>test.bin</c> (10,000), each record a coarse label byte (0–19), a fine label byte (0–99), then 3,072 bytes of
/// planar RGB. Samples carry the fine label, as torchvision's; <see cref="CoarseTargets"/> holds the superclasses.</summary>
public sealed class CIFAR100 : CIFAR10
{
    private List<byte>? _coarse;

    public CIFAR100(string root, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null, bool download = false)
        : base(root, train, transform, targetTransform, download) { }

    protected override (string Url, string Md5, string Folder) Archive { get; } =
        ("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary");

    protected override string[] Files(bool train) => new[] { train ? "train.bin" : "test.bin" };

    protected override int LabelBytes => 2;

    /// <summary>CIFAR-100 has 100 fine classes; their names are in the archive's fine_label_names.txt, so here they are "0" … "99".</summary>
    public override IReadOnlyList<string> Classes { get; } = Enumerable.Range(0, 100).Select(i => i.ToString()).ToArray();

    /// <summary>The coarse (superclass, 0–19) labels as an int64 tensor (N).</summary>
    public Tensor CoarseTargets => Torch.FromArray(_coarse!.Select(b => (long)b).ToArray(), Count);

    private protected override void StoreExtra(int records) => (_coarse ??= new List<byte>()).Capacity += records;

    private protected override void CheckLabels(ReadOnlySpan<byte> labelBytes, int record, string path, out byte label)
    {
        byte coarse = labelBytes[0], fine = labelBytes[1];
        if (coarse >= 20) throw new DatasetFormatException($"record {record} has coarse label {coarse}; CIFAR-100 coarse labels are 0 to 19.", path);
        if (fine >= 100) throw new DatasetFormatException($"record {record} has fine label {fine}; CIFAR-100 fine labels are 0 to 99.", path);
        _coarse!.Add(coarse);
        label = fine;
    }
}
