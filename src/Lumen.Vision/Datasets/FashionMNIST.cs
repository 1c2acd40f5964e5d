namespace Lumen.Vision.Datasets;

/// <summary>Zalando's Fashion-MNIST, torchvision's <c>datasets.FashionMNIST</c>: MNIST's format and sizes with ten clothing
/// classes. A root is required (<c>root/FashionMNIST/raw</c>, or the files directly in root); download: true fetches them.</summary>
public sealed class FashionMNIST : MNIST
{
    public FashionMNIST(string root, bool train = true, Transforms.Transform? transform = null, Func<long, long>? targetTransform = null, bool download = false)
        : base(root ?? throw new ArgumentNullException(nameof(root)), train, transform, targetTransform, download) { }

    public override IReadOnlyList<string> Classes { get; } =
        new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    protected override IReadOnlyList<string> Mirrors { get; } = new[] { "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/" };

    protected override IReadOnlyList<(string File, string Md5)> Resources { get; } = new[]
    {
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    };

    protected override string FolderName => "FashionMNIST";
    protected override bool HasEmbeddedCopy => false;
}
