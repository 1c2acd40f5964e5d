namespace Lumen.Examples.BuildingBlocks;

/// <summary>Finds the workplace's shared data folder the way the tests do: <c>--data DIR</c>, else
/// <c>&lt;repository&gt;/../shared/data</c> (the repository being the first ancestor of the working directory or of the program
/// holding Lumen.slnx). No machine path: a clone elsewhere passes --data.</summary>
internal static class SharedData
{
    public static IReadOnlyList<string> Candidates(string? explicitDir)
    {
        if (explicitDir != null) return new[] { Path.GetFullPath(explicitDir) };
        var list = new List<string>();
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx")))
                {
                    list.Add(Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data")));
                    break;
                }
        return list.Distinct().ToList();
    }

    /// <summary>The first candidate holding <paramref name="sub"/>, or null.</summary>
    public static string? Find(string? explicitDir, string sub) =>
        Candidates(explicitDir).Select(d => Path.Combine(d, sub)).FirstOrDefault(Directory.Exists);
}
