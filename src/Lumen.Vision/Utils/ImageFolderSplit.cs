using System.Runtime.InteropServices;
using Lumen.Vision.Datasets;

namespace Lumen.Vision.Utils;

/// <summary>Makes <c>train/</c> and <c>valid/</c> class-folder trees from one class-folder tree, as seed 002 does by hand
/// (<c>shuffle = np.random.permutation(n)</c>, the first ones to valid), but with Lumen's seeded generator and copying instead
/// of moving: the source is never modified. Every file is copied to a temporary name and renamed, so an interrupted
/// split never leaves a half-written image under its real name.</summary>
public static partial class ImageFolderSplit
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

    /// <summary>The outcome of <see cref="SplitStratified"/>: the split names and, per class, how many files went to each.</summary>
    /// <param name="Classes">class names (sorted folder names).</param>
    /// <param name="Splits">split names in the order given (the remainder split first).</param>
    /// <param name="Counts">class → files per split, in <paramref name="Splits"/> order.</param>
    public sealed record StratifiedResult(IReadOnlyList<string> Classes, IReadOnlyList<string> Splits, IReadOnlyDictionary<string, int[]> Counts)
    {
        /// <summary>Files in one split, over all classes.</summary>
        public int Total(string split)
        {
            int k = Splits.ToList().IndexOf(split);
            if (k < 0) throw new ArgumentException($"ImageFolderSplit: no split named '{split}' (splits: {string.Join(", ", Splits)}).");
            return Counts.Values.Sum(c => c[k]);
        }
    }

    /// <summary>Splits <paramref name="source"/> (one sub-folder per class) class by class into
    /// <c>destination/&lt;split&gt;/&lt;class&gt;</c>, so every split keeps the classes' proportions. One
    /// <c>Generator(seed)</c> draws <c>randperm(n_c)</c> for each class in sorted class order (files sorted within the
    /// class); the first <c>round(n_c · fraction)</c> (half to even) of the permutation go to the first split of
    /// <paramref name="fractions"/>, the next ones to the second, and so on; the rest go to <paramref name="remainder"/>.
    /// Every destination is checked before anything is written: an existing file is an error and nothing is copied.
    /// Files are copied to a temporary name and renamed, or hard-linked (<paramref name="link"/>; source and destination
    /// must be on one file system).</summary>
    /// <param name="source">class-folder tree to read (never modified).</param>
    /// <param name="destination">where the split folders are created.</param>
    /// <param name="remainder">the split that takes what the fractions leave (e.g. "train").</param>
    /// <param name="fractions">(split name, fraction of each class) pairs, e.g. ("valid", 0.2), ("test", 0.1); their sum
    /// must stay below 1.</param>
    /// <param name="seed">seed of the per-class shuffles.</param>
    /// <param name="link">hard-link instead of copying.</param>
    /// <param name="extensions">accepted extensions; ImageFolder's defaults when null.</param>
    /// <exception cref="ArgumentException">bad fractions or split names, or a destination inside the source.</exception>
    /// <exception cref="IOException">a destination file already exists, or a hard link failed.</exception>
    public static StratifiedResult SplitStratified(string source, string destination, string remainder,
        IReadOnlyList<(string Name, double Fraction)> fractions, long seed, bool link = false, IReadOnlyList<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var splits = new[] { remainder }.Concat(fractions.Select(f => f.Name)).ToArray();
        if (splits.Distinct(StringComparer.Ordinal).Count() != splits.Length || splits.Any(s => string.IsNullOrWhiteSpace(s) || s.IndexOfAny(new[] { '/', '\\' }) >= 0))
            throw new ArgumentException($"ImageFolderSplit: split names must be distinct plain folder names, got {string.Join(", ", splits)}.");
        foreach (var (name, f) in fractions)
            if (!(f >= 0 && f < 1)) throw new ArgumentException($"ImageFolderSplit: the fraction of '{name}' ({f}) must be in [0, 1).");
        double sum = fractions.Sum(f => f.Fraction);
        if (!(sum < 1)) throw new ArgumentException($"ImageFolderSplit: the fractions add up to {sum}; they must leave something for '{remainder}'.");
        var folder = new ImageFolder(source, extensions: extensions ?? ImageFolder.DefaultExtensions, loader: _ => throw new InvalidOperationException());
        var srcFull = Path.GetFullPath(source).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var dstFull = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (dstFull.StartsWith(srcFull, StringComparison.Ordinal))
            throw new ArgumentException($"ImageFolderSplit: destination {destination} lies inside the source {source}.");

        // Plan every file first, so that an existing destination stops the split before anything is written.
        var generator = new Generator(seed);
        var plan = new List<(string From, string To)>();
        var counts = new Dictionary<string, int[]>();
        for (int ci = 0; ci < folder.Classes.Count; ci++)
        {
            string cls = folder.Classes[ci];
            var files = folder.Samples.Where(s => s.ClassIndex == ci).Select(s => s.Path).ToArray();
            var perm = Torch.RandPerm(files.Length, generator).ToArray<long>();
            var side = new int[perm.Length];
            int k = 0;
            for (int s = 0; s < fractions.Count; s++)
            {
                int take = (int)Math.Round(files.Length * fractions[s].Fraction, MidpointRounding.ToEven);
                for (int j = 0; j < take && k < perm.Length; j++) side[k++] = s + 1;
            }
            var c = new int[splits.Length];
            for (int j = 0; j < perm.Length; j++)
            {
                var path = files[perm[j]];
                var rel = Path.GetRelativePath(Path.Combine(source, cls), path);
                plan.Add((path, Path.Combine(destination, splits[side[j]], cls, rel)));
                c[side[j]]++;
            }
            counts[cls] = c;
        }
        var existing = plan.FirstOrDefault(p => File.Exists(p.To) || Directory.Exists(p.To));
        if (existing.To != null) throw new IOException($"ImageFolderSplit: {existing.To} already exists; nothing was written (split into an empty destination).");
        foreach (var (from, to) in plan)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (link) HardLink.Create(from, to);
            else
            {
                var tmp = Path.Combine(Path.GetDirectoryName(to)!, "." + Path.GetFileName(to) + ".tmp");
                File.Copy(from, tmp, overwrite: true);
                File.Move(tmp, to);
            }
        }
        return new StratifiedResult(folder.Classes, splits, counts);
    }

    /// <summary>Hard links through the operating system (.NET has symbolic links only).</summary>
    private static partial class HardLink
    {
        public static void Create(string existing, string newPath)
        {
            bool ok = OperatingSystem.IsWindows() ? CreateHardLinkW(newPath, existing, IntPtr.Zero) : link(existing, newPath) == 0;
            if (!ok)
                throw new IOException($"ImageFolderSplit: cannot hard-link {newPath} to {existing} (error {Marshal.GetLastPInvokeError()}; " +
                                      "source and destination must be on one file system; copy instead).");
        }

        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial int link(string oldpath, string newpath);

        [LibraryImport("kernel32", EntryPoint = "CreateHardLinkW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static partial bool CreateHardLinkW(string newPath, string existing, IntPtr security);
    }
}
