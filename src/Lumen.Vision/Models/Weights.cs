using Lumen.Vision.Transforms;

namespace Lumen.Vision.Models;

/// <summary>
/// One set of pretrained weights torchvision publishes for a model, a member of torchvision 0.14's weights enums
/// (<c>ResNet18_Weights.IMAGENET1K_V1</c> → <see cref="ResNet18Weights.IMAGENET1K_V1"/>): where the file is, how many
/// classes it was trained on, and the preprocessing it expects. Pass it to a builder,
/// <c>Models.ResNet18(weights: ResNet18Weights.IMAGENET1K_V1)</c>, or pass the member's name as a string as torchvision
/// accepts (<c>weights: "DEFAULT"</c>, <c>"IMAGENET1K_V1"</c> or <c>"ResNet18_Weights.IMAGENET1K_V1"</c>).
/// <para>The builder downloads the file into torch.hub's cache (<see cref="Torch.Hub.GetDir"/>/checkpoints, so a file
/// that PyTorch already fetched is reused), checks the SHA-256 prefix in its name and loads it. Set the environment
/// variable <c>LUMEN_WEIGHTS_URL</c> to fetch the files from a mirror instead of <see cref="TorchvisionBaseUrl"/>
/// (the file names stay the same).</para>
/// </summary>
public sealed class Weights
{
    /// <summary>Where torchvision publishes its weights.</summary>
    public const string TorchvisionBaseUrl = "https://download.pytorch.org/models/";

    /// <summary>The environment variable that replaces <see cref="TorchvisionBaseUrl"/> (a mirror, or a test server).</summary>
    public const string BaseUrlVariable = "LUMEN_WEIGHTS_URL";

    private static readonly float[] ImageNetMean = { 0.485f, 0.456f, 0.406f }, ImageNetStd = { 0.229f, 0.224f, 0.225f };

    /// <summary>The member's name, e.g. <c>IMAGENET1K_V1</c>.</summary>
    public string Name { get; }
    /// <summary>torchvision's enum, e.g. <c>ResNet18_Weights</c>; null for a name not yet matched to a model.</summary>
    public string? EnumName { get; }
    /// <summary>torchvision's URL for the file (the name ends in the first digits of its SHA-256).</summary>
    public string? Url { get; }
    /// <summary>Classes of the head the file holds (1000 for ImageNet, 400 for Kinetics), null when the file's head is
    /// not for classification (VGG-16's IMAGENET1K_FEATURES).</summary>
    public int? NumClasses { get; }
    /// <summary>Parameters of the model the file fits.</summary>
    public long NumParams { get; }
    /// <summary>Preprocessing: the resize (one value: the shorter side; two: height and width), then the center crop.</summary>
    public IReadOnlyList<int> ResizeSize { get; }
    /// <inheritdoc cref="ResizeSize"/>
    public IReadOnlyList<int> CropSize { get; }
    /// <summary>Per-channel normalisation the weights were trained with.</summary>
    public IReadOnlyList<float> Mean { get; }
    /// <inheritdoc cref="Mean"/>
    public IReadOnlyList<float> Std { get; }

    private Weights(string name) { Name = name; ResizeSize = CropSize = Array.Empty<int>(); Mean = Std = Array.Empty<float>(); }

    /// <summary>A published weights file (the tables in <see cref="ResNet18Weights"/> and its siblings use this; build one
    /// yourself for a file torchvision does not list).</summary>
    public Weights(string enumName, string name, string url, int? numClasses, long numParams, int[]? resizeSize = null, int[]? cropSize = null,
                   float[]? mean = null, float[]? std = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(enumName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(url);
        EnumName = enumName;
        Name = name;
        Url = url;
        NumClasses = numClasses;
        NumParams = numParams;
        ResizeSize = resizeSize ?? new[] { 256 };
        CropSize = cropSize ?? new[] { 224 };
        Mean = mean ?? ImageNetMean;
        Std = std ?? ImageNetStd;
    }

    /// <summary>Names a member by string, as torchvision's builders accept: <c>"DEFAULT"</c>, <c>"IMAGENET1K_V1"</c> or
    /// <c>"ResNet18_Weights.IMAGENET1K_V1"</c>. The builder resolves it against its own enum.</summary>
    public static implicit operator Weights(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new Weights(name);
    }

    /// <summary>Where the file is fetched from: <see cref="Url"/>, with <see cref="TorchvisionBaseUrl"/> replaced by
    /// <paramref name="baseUrl"/>, else by <c>$LUMEN_WEIGHTS_URL</c> when set.</summary>
    public string DownloadUrl(string? baseUrl = null)
    {
        var url = Url ?? throw new InvalidOperationException($"weights '{Name}' are not matched to a model yet; pass them to a model builder.");
        baseUrl ??= Environment.GetEnvironmentVariable(BaseUrlVariable);
        if (string.IsNullOrEmpty(baseUrl) || !url.StartsWith(TorchvisionBaseUrl, StringComparison.Ordinal)) return url;
        return baseUrl.TrimEnd('/') + "/" + url[TorchvisionBaseUrl.Length..];
    }

    /// <summary>The state dict, downloaded into the hub cache on first use (SHA-256 prefix of the file name checked) and
    /// read from there afterwards, torchvision's <c>weights.get_state_dict(progress)</c>.</summary>
    /// <param name="progress">Draw a progress bar on stderr while downloading (false: quiet).</param>
    /// <param name="baseUrl">Fetch from this folder instead of torchvision's (see <see cref="DownloadUrl"/>).</param>
    /// <param name="modelDir">Cache folder; <see cref="Torch.Hub.GetDir"/>/checkpoints when null.</param>
    public OrderedDictionary<string, Tensor> GetStateDict(bool progress = true, string? baseUrl = null, string? modelDir = null)
    {
        var url = DownloadUrl(baseUrl);
        return Torch.Hub.LoadStateDictFromUrl(url, modelDir, progress, checkHash: true, fileName: Path.GetFileName(new Uri(Url!).AbsolutePath));
    }

    /// <summary>The inference preprocessing of these weights, torchvision's <c>weights.transforms()</c> for image
    /// classification: resize (bilinear), center crop, to a tensor in [0, 1], normalise.</summary>
    public Transform Transforms()
    {
        if (Url == null) throw new InvalidOperationException($"weights '{Name}' are not matched to a model yet.");
        if (ResizeSize.Count != 1 || CropSize.Count != 1)
            throw new NotSupportedException($"{this}: video preprocessing (resize {string.Join("x", ResizeSize)}, crop {string.Join("x", CropSize)}) is not an image transform.");
        return new Compose(new Resize(ResizeSize[0]), new CenterCrop(CropSize[0]), new ToTensor(), new Normalize(Mean, Std));
    }

    /// <summary>Matches <paramref name="weights"/> to one of <paramref name="members"/> (a string name is looked up, with or
    /// without the enum prefix; "DEFAULT" is <paramref name="defaultMember"/>) and checks <paramref name="numClasses"/> against
    /// it, torchvision's <c>Weights.verify</c> and <c>_ovewrite_named_param</c>.</summary>
    /// <exception cref="ArgumentException">an unknown name, weights of another model, or a class count the file's head
    /// does not have.</exception>
    public static Weights Verify(Weights weights, string enumName, IReadOnlyList<Weights> members, Weights defaultMember, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Weights resolved;
        if (weights.Url == null)
        {
            var name = weights.Name.StartsWith(enumName + ".", StringComparison.Ordinal) ? weights.Name[(enumName.Length + 1)..] : weights.Name;
            resolved = name == "DEFAULT" ? defaultMember
                : members.FirstOrDefault(m => m.Name == name)
                  ?? throw new ArgumentException($"Unknown weights '{weights.Name}' for {enumName}; known: DEFAULT, {string.Join(", ", members.Select(m => m.Name))}.", nameof(weights));
        }
        else if (weights.EnumName != enumName && members.All(m => !ReferenceEquals(m, weights)))
        {
            // A hand-made Weights (a file torchvision does not list) is accepted when it names this model's enum.
            throw new ArgumentException($"Invalid weights: expected {enumName} but received {weights}.", nameof(weights));
        }
        else resolved = weights;
        if (resolved.NumClasses is int n && n != numClasses)
            throw new ArgumentException($"The parameter 'numClasses' expected value {n} but got {numClasses} instead ({resolved} has a {n}-class head; " +
                                        "load it with the default and replace the head to fine-tune on other classes).", nameof(numClasses));
        return resolved;
    }

    /// <summary>torchvision's repr: <c>ResNet18_Weights.IMAGENET1K_V1</c>.</summary>
    public override string ToString() => EnumName == null ? Name : $"{EnumName}.{Name}";
}
