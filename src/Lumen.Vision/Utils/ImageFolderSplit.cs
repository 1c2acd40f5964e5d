using Lumen.Vision.Datasets;

namespace Lumen.Vision.Utils;

/// <summary>Makes <c>train/</c> and <c>valid/</c> class-folder trees from one class-folder tree, as seed 002 does by hand
/// (<c>shuffle = np.random.permutation(n)</c>, the first ones to valid), but with Lumen's seeded generator and copying instead
/// of moving: the source is never modified. Every file is copied to a temporary name and renamed, so an interrupted
/// split never leaves a half-written image under its real name.</summary>
public static class ImageFolderSplit
{
    /// <summary>The outcome: how many files went to each side, per class.</summary>
    public sealed record Result(IReadOnlyList<string> Classes, IReadOnlyDictionary<string, int> TrainCounts, IReadOnlyDictionary<string, int> ValidCounts)
    {
        public int Train => TrainCounts.Values.Sum();
        public int Valid => ValidCounts.Values.Sum();
    }

    /// <summary>Splits <paramref name="source"/> (one sub-folder per class) into <c>destination/train/&lt;class&gt;</c> and
    /// <c>destination/valid/&lt;class&gt;</c>. All images (classes in sorted order, files sorted within each) are shuffled with
    /// <c>randperm(n, Generator(seed))</c>; the first <paramref name="validCount"/> of the permutation go to valid.</summary>
    /// <param name="source">class-folder tree to read (never modified).</param>
    /// <param name="destination">where train/ and valid/ are created.</param>
    /// <param name="validCount">images for the validation side (0 ≤ validCount ≤ n).</param>
    /// <param name="seed">seed of the shuffle.</param>
    /// <param name="extensions">accepted extensions; ImageFolder's defaults when null.</param>
    /// <exception cref="IOException">a destination file already exists (nothing is overwritten).</exception>
    public static Result Split(string source, string destination, int validCount, long seed, IReadOnlyList<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var folder = new ImageFolder(source, extensions: extensions ?? ImageFolder.DefaultExtensions, loader: _ => throw new InvalidOperationException());
        int n = folder.Count;
        if (validCount < 0 || validCount > n) throw new ArgumentException($"ImageFolderSplit: validCount ({validCount}) must be between 0 and the {n} images in {source}.");
        var srcFull = Path.GetFullPath(source).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var dstFull = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (dstFull.StartsWith(srcFull, StringComparison.Ordinal))
            throw new ArgumentException($"ImageFolderSplit: destination {destination} lies inside the source {source}.");
        var perm = Torch.RandPerm(n, new Generator(seed)).ToArray<long>();
        var train = folder.Classes.ToDictionary(c => c, _ => 0);
        var valid = folder.Classes.ToDictionary(c => c, _ => 0);
        for (int k = 0; k < n; k++)
        {
            var (path, ci) = folder.Samples[(int)perm[k]];
            string cls = folder.Classes[ci], side = k < validCount ? "valid" : "train";
            var rel = Path.GetRelativePath(Path.Combine(source, cls), path);
            var dest = Path.Combine(destination, side, cls, rel);
            if (File.Exists(dest)) throw new IOException($"ImageFolderSplit: {dest} already exists; split into an empty destination.");
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            var tmp = Path.Combine(Path.GetDirectoryName(dest)!, "." + Path.GetFileName(dest) + ".tmp");
            File.Copy(path, tmp, overwrite: true);
            File.Move(tmp, dest);
            (side == "valid" ? valid : train)[cls]++;
        }
        return new Result(folder.Classes, train, valid);
    }

    /// <summary>Splits with a fraction: validCount = round(n · validFraction) (half to even).</summary>
    public static Result Split(string source, string destination, double validFraction, long seed, IReadOnlyList<string>? extensions = null)
    {
        if (!(validFraction >= 0 && validFraction <= 1)) throw new ArgumentException($"ImageFolderSplit: validFraction ({validFraction}) must be in [0, 1].");
        var n = new ImageFolder(source, extensions: extensions ?? ImageFolder.DefaultExtensions, loader: _ => throw new InvalidOperationException()).Count;
        return Split(source, destination, (int)Math.Round(n * validFraction, MidpointRounding.ToEven), seed, extensions);
    }
}
