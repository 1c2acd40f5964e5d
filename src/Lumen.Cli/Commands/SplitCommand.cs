using System.Globalization;
using Lumen.Vision.Utils;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen split SRC --out DST</c>: splits a class-folder tree into train/valid[/test] class-folder trees,
/// class by class (stratified), with a seed; copies (or hard-links) and never overwrites.</summary>
public static class SplitCommand
{
    public static readonly CommandSpec Spec = new("split",
        "Split an ImageFolder (one folder per class) into DST/train, DST/valid [and DST/test], stratified per class.",
        "split SRC --out DST [--valid F] [--test F] [--seed N] [--link]",
        new OptionSpec[]
        {
            new("out", "DST", "destination folder (required); its train/valid/test folders must not hold the files yet"),
            new("valid", "F", "fraction of each class for valid/ (default 0.2)"),
            new("test", "F", "fraction of each class for test/ (default 0: no test/ folder)"),
            new("seed", "N", "seed of the per-class shuffles (default 0)"),
            new("link", null, "hard-link the files instead of copying them (same file system only)"),
        },
        Run, MinArgs: 1, MaxArgs: 1);

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        string src = a.Positionals[0];
        string dst = a.String("out") ?? throw new CliException("missing --out DST (where train/ and valid/ go)");
        double valid = a.Double("valid", min: 0) ?? 0.2;
        double test = a.Double("test", min: 0) ?? 0;
        long seed = a.Long("seed") ?? 0;
        if (valid >= 1) throw new CliException($"--valid must be below 1, got {F(valid)}");
        if (test >= 1) throw new CliException($"--test must be below 1, got {F(test)}");
        if (valid + test >= 1) throw new CliException($"--valid {F(valid)} and --test {F(test)} leave nothing for train/");
        if (!Directory.Exists(src)) throw new CliException($"source folder '{src}' not found");
        if (Directory.GetDirectories(src).All(d => Path.GetFileName(d).StartsWith('.')))
            throw new CliException($"source folder '{src}' has no class folders (expected SRC/<class>/<image>)");

        var parts = new List<(string, double)> { ("valid", valid) };
        if (test > 0) parts.Add(("test", test));
        ImageFolderSplit.StratifiedResult r;
        try { r = ImageFolderSplit.SplitStratified(src, dst, "train", parts, seed, link: a.Has("link")); }
        catch (FileNotFoundException e) { throw new CliException($"source folder '{src}': {e.Message}"); }
        catch (IOException e) { throw new CliException(e.Message, "choose an empty --out, or delete the old split"); }

        var w = ctx.Out;
        int width = Math.Max(5, r.Classes.Max(c => c.Length));
        w.WriteLine($"{"class".PadRight(width)}  " + string.Join("  ", r.Splits.Select(s => s.PadLeft(7))));
        foreach (var c in r.Classes)
            w.WriteLine($"{c.PadRight(width)}  " + string.Join("  ", r.Counts[c].Select(n => n.ToString(CultureInfo.InvariantCulture).PadLeft(7))));
        w.WriteLine($"{"total".PadRight(width)}  " + string.Join("  ", r.Splits.Select(s => r.Total(s).ToString(CultureInfo.InvariantCulture).PadLeft(7))));
        w.WriteLine($"{(a.Has("link") ? "linked" : "copied")} {r.Counts.Values.Sum(c => c.Sum())} files from {src} into " +
                    string.Join(", ", r.Splits.Select(s => Path.Combine(dst, s))) + $" (seed {seed})");
        return 0;
    }

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
