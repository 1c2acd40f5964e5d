namespace Lumen.Serialization;

/// <summary>Writes a file so that a crash or an exception mid-write never destroys the file already at the path:
/// the content goes to a temporary file in the same folder, is flushed to disk, and is then renamed over the
/// target (an atomic replace on one file system).</summary>
internal static class AtomicFile
{
    /// <summary>Tests set this (per async flow) to wrap the temporary file's stream, e.g. in one that fails midway.</summary>
    internal static readonly AsyncLocal<Func<Stream, Stream>?> WrapStreamForTests = new();

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var wrap = WrapStreamForTests.Value;
                write(wrap == null ? fs : wrap(fs));
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
