using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Lumen.Imaging;

/// <summary>Writes 8-bit pixels as a PNG file (zlib through System.IO.Compression, CRC-32 through System.IO.Hashing),
/// like torchvision's <c>io.encode_png</c>. It lives in the core, not in Lumen.Vision, so that anything drawing pictures
/// (training reports, a third-party plot) can write them without the codecs and datasets; Lumen.Vision's
/// <c>Png.Encode(Image)</c> calls it.</summary>
/// <remarks>Non-interlaced, 8 bits per sample; each row's filter is chosen by libpng's minimum-sum-of-absolute-differences
/// heuristic; the IDAT payload is split into chunks of at most 1 MiB.</remarks>
public static class PngEncoder
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Encodes <paramref name="height"/> rows of <paramref name="width"/> pixels of <paramref name="channels"/>
    /// interleaved samples (row-major HWC, a PIL image's layout) as a PNG file.</summary>
    /// <param name="pixels">height × width × channels samples.</param>
    /// <param name="width">pixels per row, at least 1.</param>
    /// <param name="height">rows, at least 1.</param>
    /// <param name="channels">1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA.</param>
    /// <param name="compressionLevel">zlib effort (default <see cref="CompressionLevel.Optimal"/>, zlib level 6).</param>
    /// <exception cref="ArgumentException">a size is out of range or <paramref name="pixels"/> has another length.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels,
                                CompressionLevel compressionLevel = CompressionLevel.Optimal)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"PngEncoder: width ({width}) and height ({height}) must be positive.");
        if (channels is < 1 or > 4) throw new ArgumentException($"PngEncoder: channels ({channels}) must be 1, 2, 3 or 4.", nameof(channels));
        if ((long)width * height * channels != pixels.Length)
            throw new ArgumentException($"PngEncoder: pixels has {pixels.Length} bytes but {height}x{width}x{channels} needs {(long)width * height * channels}.", nameof(pixels));

        int colorType = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8; ihdr[9] = (byte)colorType; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
        WriteChunk(output, "IHDR", ihdr);

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, compressionLevel, leaveOpen: true))
        {
            int stride = width * channels;
            var filtered = new byte[5][];
            for (int f = 0; f < 5; f++) filtered[f] = new byte[stride + 1];
            var zero = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                var cur = pixels.Slice(y * stride, stride);
                var prev = y > 0 ? pixels.Slice((y - 1) * stride, stride) : zero;
                int best = 0;
                long bestScore = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    var dst = filtered[f];
                    dst[0] = (byte)f;
                    long score = Filter(f, cur, prev, channels, dst.AsSpan(1));
                    if (score < bestScore) { bestScore = score; best = f; }
                }
                z.Write(filtered[best]);
            }
        }
        var zbytes = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        const int chunk = 1 << 20;
        for (int i = 0; i < zbytes.Length || i == 0; i += chunk)
            WriteChunk(output, "IDAT", zbytes.Slice(i, Math.Min(chunk, zbytes.Length - i)));
        WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
        return output.ToArray();
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
                _ => (byte)(cur[i] - Paeth(a, b, c)),
            };
            dst[i] = v;
            score += v < 128 ? v : 256 - v;
        }
        return score;
    }

    /// <summary>The PNG spec's Paeth predictor: whichever of left, up and upper-left is closest to left + up − upper-left.</summary>
    public static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }

    /// <summary>Length, type, body, then the CRC-32 of type and body (big-endian, as PNG stores every integer).</summary>
    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, body.Length);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        s.Write(head);
        s.Write(body);
        var crc = new Crc32();
        crc.Append(head[4..]);
        crc.Append(body);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc.GetCurrentHashAsUInt32());
        s.Write(tail);
    }
}
