using System.Buffers.Binary;
using System.IO.Compression;

namespace Lumen.Vision.Codecs;

/// <summary>PNG reading and writing in managed code (zlib through System.IO.Compression).</summary>
/// <remarks>
/// Decoding accepts every colour type and bit depth of the PNG spec, tRNS, all five row filters, Adam7 interlacing and
/// IDAT split over many chunks. The result is always 8-bit:
/// <list type="bullet">
/// <item>gray 1/2/4-bit samples scale to 0–255 (×255, ×85, ×17), as PIL's <c>convert("L")</c> does;</item>
/// <item>16-bit samples keep their high byte (libpng's <c>png_set_strip_16</c>; what PIL does for 16-bit RGB, RGBA and LA;
/// PIL opens 16-bit gray as 32-bit mode "I" instead, which this type cannot hold);</item>
/// <item>palette images expand to RGB, or RGBA when a tRNS chunk is present (PIL's <c>convert("RGBA")</c>);</item>
/// <item>a tRNS colour key on gray or RGB images adds an alpha channel (0 where the sample matches the key, else 255),
/// like libpng's <c>png_set_tRNS_to_alpha</c>; PIL keeps it as <c>info["transparency"]</c> instead.</item>
/// </list>
/// Encoding writes 8-bit gray, gray+alpha, RGB or RGBA, non-interlaced, choosing each row's filter by libpng's
/// minimum-sum-of-absolute-differences heuristic.
/// </remarks>
public static class Png
{
    /// <summary>Decodes a PNG file held in memory.</summary>
    /// <param name="data">the whole file.</param>
    /// <param name="pathForErrors">file name to put in error messages, or null.</param>
    /// <param name="checkCrc">verify each chunk's CRC-32 (default true, as libpng and PIL do; false accepts chunks whose CRC is wrong).</param>
    /// <exception cref="ImageFormatException">the data is not a valid PNG, is truncated, or is larger than 2^28 pixels.</exception>
    public static Image Decode(ReadOnlySpan<byte> data, string? pathForErrors = null, bool checkCrc = true) =>
        PngDecoder.Decode(data, pathForErrors, checkCrc);

    /// <summary>Encodes an 8-bit image (1, 2, 3 or 4 channels) as a non-interlaced PNG.</summary>
    /// <param name="image">the image; channels 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA.</param>
    /// <param name="compressionLevel">zlib effort (default <see cref="CompressionLevel.Optimal"/>, zlib level 6).</param>
    public static byte[] Encode(Image image, CompressionLevel compressionLevel = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        int colorType = image.Channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        var output = new MemoryStream();
        output.Write(PngDecoder.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 8; ihdr[9] = (byte)colorType; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
        WriteChunk(output, "IHDR", ihdr);

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, compressionLevel, leaveOpen: true))
        {
            int stride = image.Stride, bpp = image.Channels;
            var filtered = new byte[5][];
            for (int f = 0; f < 5; f++) filtered[f] = new byte[stride + 1];
            var zero = new byte[stride];
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> cur = image.Row(y);
                ReadOnlySpan<byte> prev = y > 0 ? image.Row(y - 1) : zero;
                int best = 0;
                long bestScore = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    var dst = filtered[f];
                    dst[0] = (byte)f;
                    long score = Filter(f, cur, prev, bpp, dst.AsSpan(1));
                    if (score < bestScore) { bestScore = score; best = f; }
                }
                z.Write(filtered[best]);
            }
        }
        // The IDAT payload goes in chunks of at most 1 MiB, as encoders customarily split it.
        var zbytes = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        const int chunk = 1 << 20;
        for (int i = 0; i < zbytes.Length || i == 0; i += chunk)
            WriteChunk(output, "IDAT", zbytes.Slice(i, Math.Min(chunk, zbytes.Length - i)));
        WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    /// <summary>Writes <paramref name="image"/> as a PNG to <paramref name="path"/>: the bytes go to a temporary file
    /// in the same folder, which then replaces <paramref name="path"/>, so readers never see a half-written file.</summary>
    public static void Save(Image image, string path, CompressionLevel compressionLevel = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = Encode(image, compressionLevel);
        var full = System.IO.Path.GetFullPath(path);
        var tmp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Applies filter <paramref name="f"/> to one row; returns the sum of |signed byte| (the MSAD score).</summary>
    private static long Filter(int f, ReadOnlySpan<byte> cur, ReadOnlySpan<byte> prev, int bpp, Span<byte> dst)
    {
        long score = 0;
        for (int i = 0; i < cur.Length; i++)
        {
            int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
            byte v = f switch
            {
                0 => cur[i],
                1 => (byte)(cur[i] - a),
                2 => (byte)(cur[i] - b),
                3 => (byte)(cur[i] - ((a + b) >> 1)),
                _ => (byte)(cur[i] - PngDecoder.Paeth(a, b, c)),
            };
            dst[i] = v;
            score += v < 128 ? v : 256 - v;
        }
        return score;
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, body.Length);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        s.Write(head);
        s.Write(body);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Update(Crc32.Update(0, head[4..]), body));
        s.Write(crc);
    }
}
