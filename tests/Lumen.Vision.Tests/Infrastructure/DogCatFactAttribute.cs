using Xunit;
namespace Lumen.Vision.Tests;

/// <summary>A [Fact] that is skipped, with a message saying where it looked, when the dogcat images are absent
/// (xunit 2 has no dynamic skip, so the Skip reason is decided when the attribute is built).</summary>
public sealed class DogCatFactAttribute : FactAttribute
{
    public DogCatFactAttribute()
    {
        if (DogCat.Root is null) Skip = $"dogcat images not found (looked in {string.Join(", ", DogCat.Candidates)}).";
    }
}

/// <summary>Locates ../shared/data/dogcat beside the repository root (a worktree's sibling shared/ folder too).</summary>
public static class DogCat
{
    public static IReadOnlyList<string> Candidates { get; } = FindCandidates();

    public static string? Root { get; } = Candidates.FirstOrDefault(d => Directory.Exists(Path.Combine(d, "cat")) && Directory.Exists(Path.Combine(d, "dog")));

    private static List<string> FindCandidates()
    {
        var list = new List<string>();
        // The repository root is the first ancestor of the test assembly holding Lumen.slnx.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx")))
            {
                list.Add(Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "dogcat")));
                break;
            }
        }
        return list;
    }
}
