using Xunit;

namespace Lumen.Examples.Tests;

/// <summary>A [Fact] skipped, with a message saying where it looked, when ../shared/data/dogcat is absent (a clone
/// outside this workplace). Looks where seed 003's example looks: beside the repository root.</summary>
public sealed class Seed003DataFactAttribute : FactAttribute
{
    public Seed003DataFactAttribute()
    {
        var candidates = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx")))
            {
                candidates.Add(Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "dogcat")));
                break;
            }
        if (!candidates.Any(Directory.Exists))
            Skip = $"dogcat images not found (looked in {string.Join(", ", candidates)}).";
    }
}
