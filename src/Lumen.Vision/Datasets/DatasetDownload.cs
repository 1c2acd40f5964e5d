using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Lumen.Vision.Datasets;

/// <summary>Downloads dataset files with MD5 verification, torchvision's <c>download_url</c> / <c>download_and_extract_archive</c>,
/// through <see cref="Torch.Hub.DownloadUrlToFile"/>: the file is written to a temporary name beside the destination and
/// renamed only once it is complete and its checksum matches, so a failed or corrupt download never leaves a partial file
/// under the real name.</summary>
public static class DatasetDownload
{
    /// <summary>Largest download accepted (4 GiB).</summary>
    public const long MaxBytes = Torch.Hub.MaxBytes;

    /// <summary>Downloads <paramref name="url"/> to <paramref name="destination"/> and checks its MD5.</summary>
    /// <param name="url">the file to fetch (http or https).</param>
    /// <param name="destination">where the verified file is placed (folders are created).</param>
    /// <param name="md5">expected lowercase hex MD5, or null to skip the check.</param>
    /// <param name="client">HTTP client to use; a shared one when null.</param>
    /// <param name="cancellationToken">cancels the download (the temporary file is removed).</param>
    /// <exception cref="InvalidDataException">the checksum does not match (nothing is left on disk).</exception>
    /// <exception cref="HttpRequestException">the server answered with an error status or could not be reached.</exception>
    public static void DownloadFile(Uri url, string destination, string? md5, HttpClient? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        if (md5 is not null && md5.Length != 32) throw new ArgumentException($"md5 must have 32 hex digits, got '{md5}'.", nameof(md5));
        Torch.Hub.DownloadUrlToFile(url.AbsoluteUri, destination, md5, progress: false, HashAlgorithmName.MD5, client, cancellationToken);
    }

    /// <summary>The lowercase hex MD5 of a file.</summary>
    public static string Md5(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexString(MD5.HashData(f)).ToLowerInvariant();
    }

    /// <summary>Extracts a .tar.gz (or .tgz / .tar) archive into <paramref name="destination"/>; entries that would land
    /// outside it are refused.</summary>
    public static void ExtractTarGz(string archive, string destination)
    {
        Directory.CreateDirectory(destination);
        var full = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        using var fs = File.OpenRead(archive);
        Stream s = archive.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) ? fs : new GZipStream(fs, CompressionMode.Decompress);
        try
        {
            using var reader = new TarReader(s);
            TarEntry? e;
            while ((e = reader.GetNextEntry()) is not null)
            {
                var target = Path.GetFullPath(Path.Combine(destination, e.Name));
                if (!target.StartsWith(full, StringComparison.Ordinal))
                    throw new DatasetFormatException($"archive entry '{e.Name}' would be written outside {destination}.", archive);
                if (e.EntryType is TarEntryType.Directory) { Directory.CreateDirectory(target); continue; }
                if (e.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                e.ExtractToFile(target, overwrite: true);
            }
        }
        catch (InvalidDataException ex) { throw new DatasetFormatException($"corrupt archive ({ex.Message}).", archive, ex); }
        finally { if (!ReferenceEquals(s, fs)) s.Dispose(); }
    }
}
