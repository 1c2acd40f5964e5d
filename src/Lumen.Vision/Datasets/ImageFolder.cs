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

    /// <summary>Files under <paramref name="dir"/>, recursively, sorted per folder (hidden entries skipped). Linked folders
    /// are followed, as torchvision's <c>os.walk(followlinks=True)</c> does, but a link back to a folder already on the
    /// way down (or to one of its parents) is a directory loop: os.walk descends it again and again until the OS refuses
    /// a path ("too many levels of symbolic links"), so torchvision lists the same images dozens of times, and a loop
    /// through the root lists other classes' images under this class. Lumen refuses the dataset instead, naming the link.
    /// Two links to the same folder that is not an ancestor are not a loop and are both listed, as torchvision does.</summary>
    private static IEnumerable<string> Walk(string dir)
    {
        var pending = new Stack<(string Dir, string[] Ancestors)>();
        pending.Push((dir, new[] { RealPath(dir) }));
        while (pending.Count > 0)
        {
            var (d, ancestors) = pending.Pop();
            var files = Directory.GetFiles(d).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
            files.Sort(StringComparer.Ordinal);
            foreach (var f in files) yield return f;
            var subs = Directory.GetDirectories(d).Where(s => !Path.GetFileName(s).StartsWith('.')).ToList();
            subs.Sort(StringComparer.Ordinal);
            for (int i = subs.Count - 1; i >= 0; i--) // pushed in reverse, so visited in sorted order
            {
                var s = subs[i];
                var real = new DirectoryInfo(s).LinkTarget is null ? Path.Combine(ancestors[^1], Path.GetFileName(s)) : RealPath(s);
                foreach (var a in ancestors)
                    if (IsSameOrAncestor(real, a))
                        throw new DatasetFormatException($"ImageFolder: the linked folder {s} leads back to {real}, a folder it is inside of " +
                                                         "(a directory loop would list the same images over and over); remove or fix the link.", s);
                pending.Push((s, [.. ancestors, real]));
            }
        }
    }

    private static bool IsSameOrAncestor(string candidate, string of) =>
        of.Equals(candidate, StringComparison.Ordinal) ||
        of.StartsWith(candidate.EndsWith(Path.DirectorySeparatorChar) ? candidate : candidate + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The absolute path of <paramref name="path"/> with every linked component resolved (POSIX realpath).</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var parts = new Queue<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        string current = root;
        int links = 0;
        while (parts.Count > 0)
        {
            var part = parts.Dequeue();
            if (part == ".") continue;
            if (part == "..") { current = Path.GetDirectoryName(current) ?? current; continue; }
            var next = Path.Combine(current, part);
            var target = new DirectoryInfo(next).LinkTarget;
            if (target is null) { current = next; continue; }
            if (++links > 40) throw new DatasetFormatException("ImageFolder: too many levels of symbolic links.", path);
            // Walk the link's target from the folder holding the link (or from its root), then what remains after it;
            // ".." is applied to the already-resolved folder, as the kernel does.
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            parts = new Queue<string>(target.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(parts));
        }
        return current;
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
