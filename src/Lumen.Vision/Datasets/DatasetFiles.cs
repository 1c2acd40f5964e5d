using System.IO.Compression;

namespace Lumen.Vision.Datasets;

/// <summary>Reading dataset files: raw or gzip-compressed, bounded in size, every failure a <see cref="DatasetFormatException"/>.</summary>
internal static class DatasetFiles
{
    /// <summary>Largest decompressed file accepted (1 GiB): a corrupt or hostile .gz cannot exhaust memory.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>The bytes of <paramref name="path"/>, gunzipped when it ends in ".gz".</summary>
    public static byte[] Read(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new FileNotFoundException($"{path}: dataset file not found.", path, e); }
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(data, path) : data;
    }

    /// <summary>Decompresses gzip data; truncated or corrupt streams become <see cref="DatasetFormatException"/>.</summary>
    public static byte[] Gunzip(byte[] data, string? path)
    {
        if (data.Length < 18 || data[0] != 0x1F || data[1] != 0x8B)
            throw new DatasetFormatException($"not a gzip file ({data.Length} bytes, first bytes {Convert.ToHexString(data.AsSpan(0, Math.Min(4, data.Length)))}).", path);
        try
        {
            using var gz = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            var buf = new byte[1 << 16];
            int n;
            while ((n = gz.Read(buf, 0, buf.Length)) > 0)
            {
                if (ms.Length + n > MaxBytes) throw new DatasetFormatException($"decompresses to more than {MaxBytes} bytes.", path);
                ms.Write(buf, 0, n);
            }
            return ms.ToArray();
        }
        catch (InvalidDataException e) { throw new DatasetFormatException($"corrupt gzip data ({e.Message}).", path, e); }
        catch (EndOfStreamException e) { throw new DatasetFormatException("truncated gzip data.", path, e); }
    }

    /// <summary>The first of <paramref name="candidates"/> that exists (each also tried with ".gz"), or null.</summary>
    public static string? Find(IEnumerable<string> candidates)
    {
        foreach (var c in candidates)
        {
            if (File.Exists(c)) return c;
            if (File.Exists(c + ".gz")) return c + ".gz";
        }
        return null;
    }
}
