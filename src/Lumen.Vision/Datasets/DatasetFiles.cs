using System.IO.Compression;

namespace Lumen.Vision.Datasets;

/// <summary>Reading dataset files: raw or gzip-compressed, bounded in size, every failure a <see cref="DatasetFormatException"/>.</summary>
internal static class DatasetFiles
{
    /// <summary>Largest decompressed file accepted (1 GiB): a corrupt or hostile .gz cannot exhaust memory.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Deflate's largest expansion (a 258-byte match in 2 bits): no gzip stream inflates beyond this ratio.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>The bytes of <paramref name="path"/>, gunzipped when it ends in ".gz" (see <see cref="Gunzip"/> for
    /// <paramref name="declaredLength"/>).</summary>
    public static byte[] Read(string path, Func<ReadOnlySpan<byte>, long?>? declaredLength = null)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new FileNotFoundException($"{path}: dataset file not found.", path, e); }
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(data, path, declaredLength) : data;
    }

    /// <summary>Decompresses gzip data; truncated or corrupt streams become <see cref="DatasetFormatException"/>.
    /// Allocation follows the data that really inflates (64 KiB chunks, then one array of the final size), never a size
    /// read from the file, and stops at the first of: <see cref="MaxBytes"/>; 1032 × the compressed size (deflate's
    /// limit); and, when <paramref name="declaredLength"/> is given, the total length the decompressed header declares
    /// (it is called with the bytes inflated so far and returns null until it can tell): inflating beyond it is an
    /// error, before the excess is buffered.</summary>
    public static byte[] Gunzip(byte[] data, string? path, Func<ReadOnlySpan<byte>, long?>? declaredLength = null)
    {
        if (data.Length < 18 || data[0] != 0x1F || data[1] != 0x8B)
            throw new DatasetFormatException($"not a gzip file ({data.Length} bytes, first bytes {Convert.ToHexString(data.AsSpan(0, Math.Min(4, data.Length)))}).", path);
        long cap = Math.Min(MaxBytes, data.LongLength * MaxDeflateRatio);
        long? declared = null;
        try
        {
            using var gz = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            var chunks = new List<byte[]>();
            var head = new byte[64]; // enough for any header declaredLength reads
            long total = 0;
            while (true)
            {
                var chunk = new byte[1 << 16];
                int filled = 0, n;
                while (filled < chunk.Length && (n = gz.Read(chunk, filled, chunk.Length - filled)) > 0) filled += n;
                if (filled == 0) break;
                if (total < head.Length) chunk.AsSpan(0, (int)Math.Min(filled, head.Length - total)).CopyTo(head.AsSpan((int)total));
                total += filled;
                if (declaredLength != null && declared == null)
                {
                    declared = declaredLength(head.AsSpan(0, (int)Math.Min(total, head.Length)));
                    if (declared > MaxBytes) throw new DatasetFormatException($"its header declares {declared} bytes, more than the {MaxBytes}-byte limit.", path);
                }
                if (declared != null && total > declared)
                    throw new DatasetFormatException($"decompresses to more than the {declared} bytes its header declares (trailing data or a corrupt header).", path);
                if (total > cap)
                    throw new DatasetFormatException(cap == MaxBytes ? $"decompresses to more than {MaxBytes} bytes." : $"decompresses to more than deflate's 1032:1 allows ({cap} bytes).", path);
                chunks.Add(filled == chunk.Length ? chunk : chunk[..filled]);
            }
            var result = GC.AllocateUninitializedArray<byte>((int)total);
            long at = 0;
            foreach (var c in chunks) { c.CopyTo(result, at); at += c.Length; }
            return result;
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
