using Xunit;

namespace Lumen.Cli.Tests;

/// <summary>A [Fact] skipped, saying where it looked, when the CIFAR-10 JPEG folders are not in the shared data folder
/// beside the repository (<c>&lt;repository&gt;/../shared/data/cifar10-jpeg</c>; a clone outside the workplace has
/// none).</summary>
public sealed class SharedCifar10FactAttribute : FactAttribute
{
    public SharedCifar10FactAttribute()
    {
        if (!Directory.Exists(Path.Combine(Folder, "train"))) Skip = $"CIFAR-10 JPEG folders not found (looked in {Folder}).";
    }

    /// <summary>The folder holding Lumen.slnx above the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx"))) return dir.FullName;
            throw new DirectoryNotFoundException($"no Lumen.slnx above {AppContext.BaseDirectory}: the tests run from the repository's build output.");
        }
    }

    /// <summary><c>&lt;repository&gt;/../shared/data/cifar10-jpeg</c>, absolute.</summary>
    public static string Folder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "cifar10-jpeg"));
}
