using Xunit;

namespace Lumen.Examples.Tests;

/// <summary>A [Fact] skipped, with a message saying where it looked, when ../shared/data/dogcat is absent (beside the
/// repository root), where the examples look.</summary>
public sealed class DogCatFactAttribute : FactAttribute
{
    public DogCatFactAttribute()
    {
        if (Candidates.All(d => !Directory.Exists(Path.Combine(d, "cat")))) Skip = $"dogcat images not found (looked in {string.Join(", ", Candidates)}).";
    }

    private static IEnumerable<string> Candidates
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx")))
                {
                    yield return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "dogcat"));
                    break;
                }
        }
    }
}
