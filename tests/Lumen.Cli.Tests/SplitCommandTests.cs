using Xunit;

namespace Lumen.Cli.Tests;

/// <summary><c>lumen split</c> on a small class-folder tree: 10 images of "ant", 5 of "bee" (empty files with image
/// extensions: splitting never decodes them).</summary>
public sealed class SplitCommandTests
{
    private static string Source()
    {
        var dir = Path.Combine(LumenCli.TempDir("split"), "all");
        foreach (var (cls, n) in new[] { ("ant", 10), ("bee", 5) })
        {
            Directory.CreateDirectory(Path.Combine(dir, cls));
            for (int i = 0; i < n; i++) File.WriteAllText(Path.Combine(dir, cls, $"{cls}{i:D2}.png"), $"{cls}{i}");
        }
        return dir;
    }

    private static string[] Files(string dir, string split) =>
        Directory.Exists(Path.Combine(dir, split))
            ? Directory.GetFiles(Path.Combine(dir, split), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order().ToArray()
            : Array.Empty<string>();

    [Fact]
    public void Split_puts_each_fraction_of_every_class_into_valid_and_test_and_prints_the_counts()
    {
        var src = Source();
        var dst = Path.Combine(Path.GetDirectoryName(src)!, "out");
        var r = LumenCli.Run("split", src, "--out", dst, "--valid", "0.2", "--test", "0.2", "--seed", "1");
        Assert.True(r.Code == 0, r.Err);
        // Stratified: each class keeps its proportions (ant 10 → 6/2/2, bee 5 → 3/1/1).
        Assert.Matches(@"ant\s+6\s+2\s+2", r.Out);
        Assert.Matches(@"bee\s+3\s+1\s+1", r.Out);
        Assert.Matches(@"total\s+9\s+3\s+3", r.Out);
        Assert.Equal(9, Files(dst, "train").Length);
        Assert.Equal(new[] { 2, 1 }, new[] { "ant", "bee" }.Select(c => Files(dst, "valid").Count(f => f.Contains(c + Path.DirectorySeparatorChar))));
        // Every source file lands in exactly one split, with its content.
        var all = Files(dst, "train").Concat(Files(dst, "valid")).Concat(Files(dst, "test")).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(Directory.GetFiles(src, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order().ToArray(), all);
        var one = Files(dst, "test")[0];
        Assert.Equal(File.ReadAllText(Path.Combine(src, Path.GetRelativePath("test", one))), File.ReadAllText(Path.Combine(dst, one)));
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var src = Source();
        var root = Path.GetDirectoryName(src)!;
        string[] Valid(string name, string seed, params string[] extra)
        {
            var r = LumenCli.Run(new[] { "split", src, "--out", Path.Combine(root, name), "--seed", seed }.Concat(extra).ToArray());
            Assert.True(r.Code == 0, r.Err);
            return Files(Path.Combine(root, name), "valid");
        }
        var a = Valid("a", "5");
        Assert.Equal(a, Valid("b", "5", "--link"));
        Assert.NotEqual(a, Valid("c", "6"));
        Assert.Equal(new[] { 2, 1 }, new[] { "ant", "bee" }.Select(c => a.Count(f => f.Contains(c))));
    }

    [Fact]
    public void Split_never_overwrites_and_writes_nothing_when_a_destination_exists()
    {
        var src = Source();
        var dst = Path.Combine(Path.GetDirectoryName(src)!, "out");
        Assert.Equal(0, LumenCli.Run("split", src, "--out", dst).Code);
        var before = Files(dst, "train");
        var r = LumenCli.Run("split", src, "--out", dst, "--seed", "9", "--test", "0.1");
        Assert.Equal(2, r.Code);
        Assert.Contains("already exists; nothing was written", r.Err);
        Assert.Equal(before, Files(dst, "train"));
        Assert.Empty(Files(dst, "test"));
    }

    [Theory]
    [InlineData("source folder", "missing")]
    [InlineData("has no class folders", "empty")]
    [InlineData("leave nothing for train/", "fractions")]
    [InlineData("missing --out", "no-out")]
    public void Bad_split_input_is_a_one_line_usage_error(string fragment, string what)
    {
        var root = LumenCli.TempDir("split-bad");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        var src = what switch { "missing" => Path.Combine(root, "nope"), "empty" => Path.Combine(root, "empty"), _ => Source() };
        var args = new List<string> { "split", src };
        if (what != "no-out") args.AddRange(new[] { "--out", Path.Combine(root, "out") });
        if (what == "fractions") args.AddRange(new[] { "--valid", "0.6", "--test", "0.4" });
        var r = LumenCli.Run(args.ToArray());
        Assert.Equal(2, r.Code);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains(fragment, r.Err);
    }
}
