using Lumen.Serialization;
using Lumen.Training.Runs;

namespace Lumen.Cli.Setup;

/// <summary>
/// The <c>--out</c> rule of <c>lumen train</c>: a run is written into a new folder, an empty one, or a run of its own
/// (one whose <c>config.json</c> is a Lumen run's) that has no checkpoint yet, i.e. one stopped before it began. A folder
/// that holds anything else is refused unless <c>--force</c> is given, and even then no file the run would write may
/// already exist there: Lumen never replaces a file it did not create. Temporary files that a killed write left behind
/// (<see cref="AtomicFile.IsTemporaryFile"/>) are deleted first, so a run stopped while writing its first file starts again.
/// </summary>
public static class RunDirectory
{
    /// <summary>Checks <paramref name="dir"/> for a new run (a missing folder is fine: the run creates it) and removes stale
    /// temporary files.</summary>
    /// <exception cref="CliException">the path is a file, the folder holds a run with a checkpoint, or it holds other files
    /// (without <paramref name="force"/>) or a file of a run's name that Lumen did not write.</exception>
    public static void PrepareNew(string dir, bool force)
    {
        if (File.Exists(dir)) throw new CliException($"--out: '{dir}' is a file, not a folder", "give a new or empty folder for the run");
        if (!Directory.Exists(dir)) return;
        AtomicFile.DeleteTemporaryFiles(dir);
        bool isRun = RunConfig.IsRunConfig(Path.Combine(dir, RunFiles.Config));
        if (isRun)
        {
            if (File.Exists(Path.Combine(dir, RunFiles.Last)))
                throw new CliException($"'{dir}' already holds a run", $"continue it with 'lumen train --out {dir} --resume', or choose another --out");
            return;   // stopped before its first checkpoint: its own files are rewritten
        }
        var entries = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (entries.Count == 0) return;
        if (!force)
            throw new CliException($"--out: '{dir}' is not empty and is not a Lumen run (it holds {Describe(entries)})",
                                   "choose a new or empty folder, or add --force to write the run beside those files");
        if (entries.FirstOrDefault(RunFiles.IsWritten) is { } clash)
            throw new CliException($"--out: '{Path.Combine(dir, clash)}' exists and was not written by Lumen; --force never replaces it",
                                   "move it away or choose another --out");
    }

    private static string Describe(List<string> entries) =>
        string.Join(", ", entries.Take(3).Select(e => $"'{e}'")) + (entries.Count > 3 ? $" and {entries.Count - 3} more" : "");
}
