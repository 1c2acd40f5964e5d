using System.Runtime.InteropServices;
using System.Text;

namespace Lumen.Serialization;

/// <summary>
/// Writes a file so that a crash, a power cut or an exception mid-write never destroys the file already at the path:
/// the content goes to a temporary file in the same folder (<c>.NAME.&lt;32 hex digits&gt;.tmp</c>), is flushed to disk,
/// renamed over the target (an atomic replace on one file system), and then the folder itself is flushed where the OS
/// allows it (Linux, macOS: <c>fsync</c> on the directory), so that the rename survives a power cut too. Every file
/// Lumen writes (checkpoints, state dicts, run files, reports) goes through here.
/// <para>A process killed between creating and renaming the temporary file leaves it behind; the target is intact.
/// <see cref="DeleteTemporaryFiles"/> removes such leftovers, and only those: names of exactly this pattern.</para>
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Tests set this (per async flow) to wrap the temporary file's stream, e.g. in one that fails midway.</summary>
    internal static readonly AsyncLocal<Func<Stream, Stream>?> WrapStreamForTests = new();

    /// <summary>Folder flushes that reached the disk (tests read it to see that a write flushed its folder).</summary>
    internal static int DirectoryFlushes;

    private const string TempSuffix = ".tmp";
    private const int GuidDigits = 32;

    /// <summary>Writes the file at <paramref name="path"/> with what <paramref name="write"/> puts in the stream; the old
    /// file (if any) stays untouched until the new content is complete and on disk.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or has no parent folder.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
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
        FlushDirectory(dir);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Whether <paramref name="fileName"/> (a name or a path) is a temporary file of <see cref="Write"/>:
    /// <c>.NAME.&lt;32 lower-case hex digits&gt;.tmp</c>.</summary>
    public static bool IsTemporaryFile(string fileName)
    {
        var name = Path.GetFileName(fileName);
        int guidStart = name.Length - TempSuffix.Length - GuidDigits;
        if (guidStart < 3 || name[0] != '.' || name[guidStart - 1] != '.' || !name.EndsWith(TempSuffix, StringComparison.Ordinal)) return false;
        foreach (char c in name.AsSpan(guidStart, GuidDigits))
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }

    /// <summary>Deletes the temporary files that interrupted writes left in <paramref name="directory"/> (only names of
    /// <see cref="Write"/>'s pattern; nothing else is touched). Call it where no other process is writing into the
    /// folder, e.g. when a run starts or resumes. Returns how many were deleted.</summary>
    public static int DeleteTemporaryFiles(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        int n = 0;
        foreach (var f in Directory.EnumerateFiles(directory, "." + "*" + TempSuffix))
        {
            if (!IsTemporaryFile(f)) continue;
            try { File.Delete(f); n++; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return n;
    }

    /// <summary>Flushes <paramref name="directory"/>'s entries (a rename, a new file) to disk: <c>fsync</c> on the
    /// directory on Linux and macOS. Returns false where the OS offers no such call (Windows, whose renames through
    /// <c>MoveFileEx</c> are journaled by NTFS) or the file system refuses it; the files themselves are already on disk.</summary>
    public static bool FlushDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) || s_noLibc) return false;
        try
        {
            int fd = Open(directory, 0 /* O_RDONLY */);
            if (fd < 0) return false;
            try
            {
                if (FSync(fd) != 0) return false;
                Interlocked.Increment(ref DirectoryFlushes);
                return true;
            }
            finally { Close(fd); }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_noLibc = true;
            return false;
        }
    }

    private static bool s_noLibc;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
