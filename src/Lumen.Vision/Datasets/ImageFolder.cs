using Lumen.Vision.Codecs;
using Lumen.Vision.Transforms;

namespace Lumen.Vision.Datasets;

/// <summary>Images arranged one folder per class, torchvision's <c>datasets.ImageFolder(root, transform, target_transform,
/// loader, is_valid_file)</c>: <c>root/dog/xxx.png</c>, <c>root/cat/123.png</c>. Class folders sorted by name (ordinal, as
/// Python's sorted) give <see cref="Classes"/> and <see cref="ClassToIdx"/>; files are found recursively, sorted, and kept when
/// their extension (case-insensitive) is in <see cref="Extensions"/> (or <c>isValidFile</c> accepts them). Hidden files and
/// folders (names starting with '.') are skipped. A class folder without images, or an image that cannot be decoded, is an
/// error naming the path.</summary>
public class ImageFolder : VisionDataset
{
    /// <summary>torchvision's <c>IMG_EXTENSIONS</c>.</summary>
    public static IReadOnlyList<string> DefaultExtensions { get; } =
        new[] { ".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp" };

    private readonly Func<string, Image> _loader;

    /// <summary>The root folder.</summary>
    public string Root { get; }

    /// <summary>Class names (the sorted folder names), torchvision's <c>classes</c>.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Class name → index, torchvision's <c>class_to_idx</c>.</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx { get; }

    /// <summary>(path, class index) of every image, torchvision's <c>samples</c> / <c>imgs</c>.</summary>
    public IReadOnlyList<(string Path, int ClassIndex)> Samples { get; }

    /// <summary>The class index of every image, torchvision's <c>targets</c>.</summary>
    public IReadOnlyList<int> Targets { get; }

    /// <summary>Accepted file extensions (null when <c>isValidFile</c> decides).</summary>
    public IReadOnlyList<string>? Extensions { get; }

    /// <param name="root">the folder holding one sub-folder per class.</param>
    /// <param name="transform">applied to each decoded <see cref="Image"/> (ToTensor when null).</param>
    /// <param name="targetTransform">applied to each label.</param>
    /// <param name="loader">path → image; <see cref="ImageCodec.Load"/> when null (PIL's loader converts to RGB; so does this
    /// default: gray and RGBA images become RGB, torchvision's <c>pil_loader</c>).</param>
    /// <param name="extensions">accepted extensions; <see cref="DefaultExtensions"/> when both this and isValidFile are null.</param>
    /// <param name="isValidFile">decides which files are images (exclusive with extensions).</param>
    public ImageFolder(string root, Transform? transform = null, Func<long, long>? targetTransform = null, Func<string, Image>? loader = null,
        IReadOnlyList<string>? extensions = null, Func<string, bool>? isValidFile = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (extensions is not null && isValidFile is not null)
            throw new ArgumentException("ImageFolder: both extensions and isValidFile cannot be given at the same time.");
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"ImageFolder: root folder {root} does not exist.");
        Root = root;
        Transform = transform;
        TargetTransform = targetTransform;
        _loader = loader ?? DefaultLoader;
        if (isValidFile is null)
        {
            Extensions = (extensions ?? DefaultExtensions).Select(e => e.ToLowerInvariant()).ToArray();
            isValidFile = p => { var l = p.ToLowerInvariant(); return Extensions.Any(e => l.EndsWith(e, StringComparison.Ordinal)); };
        }
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Select(n => n!).ToList();
        classes.Sort(StringComparer.Ordinal);
        if (classes.Count == 0) throw new FileNotFoundException($"ImageFolder: couldn't find any class folder in {root}.");
        Classes = classes;
        ClassToIdx = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var samples = new List<(string, int)>();
        for (int ci = 0; ci < classes.Count; ci++)
        {
            var dir = Path.Combine(root, classes[ci]);
            int before = samples.Count;
            foreach (var f in Walk(dir))
                if (isValidFile(f)) samples.Add((f, ci));
            if (samples.Count == before)
                throw new FileNotFoundException($"ImageFolder: found no valid file for the class {classes[ci]} in {dir}" +
                                                (Extensions is null ? "." : $". Supported extensions are: {string.Join(", ", Extensions)}."));
        }
        Samples = samples;
        Targets = samples.Select(s => s.Item2).ToArray();
    }

    /// <summary>Files under <paramref name="dir"/>, recursively, sorted per folder (hidden entries skipped).</summary>
    private static IEnumerable<string> Walk(string dir)
    {
        var files = Directory.GetFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        files.Sort(StringComparer.Ordinal);
        foreach (var f in files) yield return f;
        var subs = Directory.GetDirectories(dir).Where(d => !Path.GetFileName(d).StartsWith('.')).ToList();
        subs.Sort(StringComparer.Ordinal);
        foreach (var s in subs)
            foreach (var f in Walk(s)) yield return f;
    }

    /// <summary>torchvision's <c>pil_loader</c>: decode, then convert to RGB.</summary>
    public static Image DefaultLoader(string path)
    {
        var img = ImageCodec.Load(path);
        return img.Channels switch
        {
            3 => img,
            1 => Transforms.TF.RgbToGrayscale(img, 3),
            _ => DropAlpha(img),
        };
    }

    private static Image DropAlpha(Image img)
    {
        // PIL's RGBA → RGB and LA → RGB conversions drop the alpha channel.
        var dst = new Image(img.Width, img.Height, 3);
        int c = img.Channels;
        for (int i = 0, n = img.Width * img.Height; i < n; i++)
        {
            if (c == 2) { byte v = img.Pixels[i * 2]; dst.Pixels[i * 3] = v; dst.Pixels[i * 3 + 1] = v; dst.Pixels[i * 3 + 2] = v; }
            else { dst.Pixels[i * 3] = img.Pixels[i * 4]; dst.Pixels[i * 3 + 1] = img.Pixels[i * 4 + 1]; dst.Pixels[i * 3 + 2] = img.Pixels[i * 4 + 2]; }
        }
        return dst;
    }

    public override int Count => Samples.Count;

    public override Image GetImage(int index)
    {
        CheckIndex(index);
        var path = Samples[index].Path;
        try { return _loader(path); }
        catch (ImageFormatException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ImageFormatException($"cannot read image: {e.Message}", path, e);
        }
    }

    public override long GetLabel(int index)
    {
        CheckIndex(index);
        return Samples[index].ClassIndex;
    }

    public override string ToString() =>
        $"Dataset ImageFolder\n    Number of datapoints: {Count}\n    Root location: {Root}" + (Transform is null ? "" : $"\n    StandardTransform\nTransform: {Transform}");
}
