using System.Buffers.Binary;
using System.IO.Compression;
using Lumen.Imaging;

namespace Lumen.Vision.Codecs;

/// <summary>PNG decoding: every colour type and bit depth, tRNS, the five filters, Adam7, CRC checks, split IDAT.</summary>
internal static class PngDecoder
{
    // Adam7 pass origins and steps (x0, y0, dx, dy).
    private static readonly int[] PassX0 = [0, 4, 0, 2, 0, 1, 0];
    private static readonly int[] PassY0 = [0, 0, 4, 0, 2, 0, 1];
    private static readonly int[] PassDx = [8, 8, 4, 4, 2, 2, 1];
    private static readonly int[] PassDy = [8, 8, 8, 4, 4, 2, 2];

    private sealed class Header
    {
        public int Width, Height, BitDepth, ColorType, Interlace;
        public byte[]? Palette;          // RGB triples
        public byte[]? PaletteAlpha;     // tRNS for colour type 3
        public int TransGray = -1;       // tRNS for colour type 0 (full-depth sample)
        public int TransR = -1, TransG, TransB; // tRNS for colour type 2
        public int SamplesPerPixel => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        public int BitsPerPixel => SamplesPerPixel * BitDepth;
        public int RowBytes(int w) => (int)(((long)w * BitsPerPixel + 7) / 8);
    }

    public static Image Decode(ReadOnlySpan<byte> data, string? path, bool checkCrc)
    {
        if (data.Length < 8 || !data[..8].SequenceEqual(PngEncoder.Signature))
            throw new ImageFormatException("PNG: missing PNG signature.", path);
        Header? h = null;
        var idat = new MemoryStream();
        bool sawIend = false, idatDone = false;
        int pos = 8;
        while (pos < data.Length)
        {
            if (data.Length - pos < 12) throw new ImageFormatException($"PNG: truncated chunk header at byte {pos}.", path);
            uint len = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var typeSpan = data.Slice(pos + 4, 4);
            string type = System.Text.Encoding.ASCII.GetString(typeSpan);
            if (len > int.MaxValue || len > data.Length - pos - 12)
                throw new ImageFormatException($"PNG: chunk '{Printable(type)}' at byte {pos} claims {len} bytes but only {Math.Max(0, data.Length - pos - 12)} remain (truncated file).", path);
            var body = data.Slice(pos + 8, (int)len);
            if (checkCrc)
            {
                uint expect = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)len)..]);
                uint crc = System.IO.Hashing.Crc32.HashToUInt32(data.Slice(pos + 4, 4 + (int)len)); // type and body
                if (crc != expect) throw new ImageFormatException($"PNG: CRC mismatch in chunk '{Printable(type)}' at byte {pos} (stored 0x{expect:X8}, computed 0x{crc:X8}).", path);
            }
            pos += 12 + (int)len;
            if (h is null && type != "IHDR") throw new ImageFormatException($"PNG: first chunk is '{Printable(type)}', expected IHDR.", path);
            switch (type)
            {
                case "IHDR":
                    if (h is not null) throw new ImageFormatException("PNG: duplicate IHDR chunk.", path);
                    h = ReadHeader(body, path);
                    break;
                case "PLTE":
                    if (len % 3 != 0 || len == 0 || len > 768) throw new ImageFormatException($"PNG: PLTE chunk has invalid length {len}.", path);
                    h!.Palette = body.ToArray();
                    break;
                case "tRNS":
                    ReadTransparency(h!, body, path);
                    break;
                case "IDAT":
                    if (idatDone) throw new ImageFormatException("PNG: IDAT chunks are not consecutive.", path);
                    idat.Write(body);
                    break;
                case "IEND":
                    sawIend = true;
                    break;
                default:
                    if (!char.IsAsciiLetter(type[0]) || !char.IsAsciiLetter(type[1]) || !char.IsAsciiLetter(type[2]) || !char.IsAsciiLetter(type[3]))
                        throw new ImageFormatException($"PNG: invalid chunk type '{Printable(type)}' at byte {pos - 12 - (int)len}.", path);
                    if (char.IsAsciiLetterUpper(type[0])) throw new ImageFormatException($"PNG: unknown critical chunk '{type}'.", path);
                    break;
            }
            if (type != "IDAT" && idat.Length > 0) idatDone = true;
            if (sawIend) break;
        }
        if (h is null) throw new ImageFormatException("PNG: no IHDR chunk.", path);
        if (idat.Length == 0) throw new ImageFormatException("PNG: no IDAT chunk (truncated file?).", path);
        if (h.ColorType == 3 && h.Palette is null) throw new ImageFormatException("PNG: palette image without a PLTE chunk.", path);

        // Filtered scanlines of every pass, each row prefixed by its filter byte.
        long rawLength = 0;
        for (int p = 0; p < (h.Interlace == 1 ? 7 : 1); p++)
        {
            var (pw, ph) = PassSize(h, p);
            if (pw > 0 && ph > 0) rawLength += (long)ph * (1 + h.RowBytes(pw));
        }
        if (rawLength > int.MaxValue) throw new ImageFormatException($"PNG: image data of {rawLength} bytes is too large.", path);
        // Deflate cannot expand more than 1032:1 (a 258-byte match in 2 bits): a header that claims more image data than
        // the IDAT bytes could ever inflate to is refused before anything is allocated for it.
        if (rawLength > idat.Length * MaxDeflateRatio + 1024)
            throw new ImageFormatException($"PNG: {h.Width}x{h.Height} image needs {rawLength} bytes of image data, more than its {idat.Length} " +
                                           "bytes of IDAT can inflate to (corrupt header or truncated file).", path);
        idat.Position = 0;
        var raw = Inflate(idat, (int)rawLength, path);

        int outChannels = h.ColorType switch
        {
            0 => h.TransGray >= 0 ? 2 : 1,
            2 => h.TransR >= 0 ? 4 : 3,
            3 => h.PaletteAlpha is not null ? 4 : 3,
            4 => 2,
            _ => 4,
        };
        var image = new Image(h.Width, h.Height, outChannels, GC.AllocateUninitializedArray<byte>(h.Width * h.Height * outChannels));
        int bpp = Math.Max(1, h.BitsPerPixel / 8);
        int offset = 0;
        for (int p = 0; p < (h.Interlace == 1 ? 7 : 1); p++)
        {
            var (pw, ph) = PassSize(h, p);
            if (pw == 0 || ph == 0) continue;
            int rowBytes = h.RowBytes(pw);
            var prev = new byte[rowBytes];
            var cur = new byte[rowBytes];
            for (int y = 0; y < ph; y++)
            {
                int filter = raw[offset];
                raw.AsSpan(offset + 1, rowBytes).CopyTo(cur);
                offset += 1 + rowBytes;
                Unfilter(filter, cur, prev, bpp, path);
                int outY = h.Interlace == 1 ? PassY0[p] + y * PassDy[p] : y;
                int x0 = h.Interlace == 1 ? PassX0[p] : 0, dx = h.Interlace == 1 ? PassDx[p] : 1;
                ExpandRow(h, cur, pw, image, outY, x0, dx);
                (prev, cur) = (cur, prev);
            }
        }
        return image;
    }

    private static string Printable(string type)
    {
        foreach (char c in type) if (c < 32 || c > 126) return "0x" + string.Concat(type.Select(ch => ((int)ch).ToString("X2")));
        return type;
    }

    private static (int W, int H) PassSize(Header h, int p)
    {
        if (h.Interlace == 0) return (h.Width, h.Height);
        return ((h.Width - PassX0[p] + PassDx[p] - 1) / PassDx[p], (h.Height - PassY0[p] + PassDy[p] - 1) / PassDy[p]);
    }

    private static Header ReadHeader(ReadOnlySpan<byte> b, string? path)
    {
        if (b.Length != 13) throw new ImageFormatException($"PNG: IHDR has length {b.Length}, expected 13.", path);
        uint w = BinaryPrimitives.ReadUInt32BigEndian(b), hgt = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
        ImageLimits.CheckDimensions("PNG", w, hgt, path);
        var h = new Header { Width = (int)w, Height = (int)hgt, BitDepth = b[8], ColorType = b[9], Interlace = b[12] };
        bool ok = h.ColorType switch
        {
            0 => h.BitDepth is 1 or 2 or 4 or 8 or 16,
            3 => h.BitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => h.BitDepth is 8 or 16,
            _ => false,
        };
        if (!ok) throw new ImageFormatException($"PNG: invalid colour type {h.ColorType} with bit depth {h.BitDepth}.", path);
        if (b[10] != 0) throw new ImageFormatException($"PNG: unknown compression method {b[10]}.", path);
        if (b[11] != 0) throw new ImageFormatException($"PNG: unknown filter method {b[11]}.", path);
        if (h.Interlace > 1) throw new ImageFormatException($"PNG: unknown interlace method {h.Interlace}.", path);
        return h;
    }

    private static void ReadTransparency(Header h, ReadOnlySpan<byte> b, string? path)
    {
        switch (h.ColorType)
        {
            case 3:
                if (h.Palette is null) throw new ImageFormatException("PNG: tRNS before PLTE.", path);
                if (b.Length > h.Palette.Length / 3) throw new ImageFormatException($"PNG: tRNS has {b.Length} entries but the palette has {h.Palette.Length / 3}.", path);
                var a = new byte[256];
                a.AsSpan().Fill(255);
                b.CopyTo(a);
                h.PaletteAlpha = a;
                break;
            case 0:
                if (b.Length != 2) throw new ImageFormatException($"PNG: tRNS for a gray image has length {b.Length}, expected 2.", path);
                h.TransGray = BinaryPrimitives.ReadUInt16BigEndian(b);
                break;
            case 2:
                if (b.Length != 6) throw new ImageFormatException($"PNG: tRNS for an RGB image has length {b.Length}, expected 6.", path);
                h.TransR = BinaryPrimitives.ReadUInt16BigEndian(b);
                h.TransG = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
                h.TransB = BinaryPrimitives.ReadUInt16BigEndian(b[4..]);
                break;
            default:
                throw new ImageFormatException($"PNG: tRNS is not allowed for colour type {h.ColorType}.", path);
        }
    }

    private const long MaxDeflateRatio = 1032;

    /// <summary>Inflates exactly <paramref name="expected"/> bytes (more zlib output is ignored, as libpng does). The
    /// buffer grows as data arrives (doubling from 64 KiB), so a stream that stops early costs what it inflated.</summary>
    private static byte[] Inflate(Stream zdata, int expected, string? path)
    {
        var output = GC.AllocateUninitializedArray<byte>(Math.Min(expected, 1 << 16));
        try
        {
            using var z = new ZLibStream(zdata, CompressionMode.Decompress);
            int got = 0;
            while (got < expected)
            {
                if (got == output.Length)
                {
                    var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(expected, 2L * output.Length));
                    output.AsSpan(0, got).CopyTo(bigger);
                    output = bigger;
                }
                int n = z.Read(output, got, output.Length - got);
                if (n == 0) break;
                got += n;
            }
            if (got < expected) throw new ImageFormatException($"PNG: image data ends after {got} of {expected} bytes (truncated file?).", path);
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException($"PNG: corrupt zlib data ({e.Message}).", path, e);
        }
        return output;
    }

    private static void Unfilter(int filter, Span<byte> cur, ReadOnlySpan<byte> prev, int bpp, string? path)
    {
        int n = cur.Length;
        switch (filter)
        {
            case 0: break;
            case 1:
                for (int i = bpp; i < n; i++) cur[i] += cur[i - bpp];
                break;
            case 2:
                for (int i = 0; i < n; i++) cur[i] += prev[i];
                break;
            case 3:
                for (int i = 0; i < bpp && i < n; i++) cur[i] += (byte)(prev[i] >> 1);
                for (int i = bpp; i < n; i++) cur[i] += (byte)((cur[i - bpp] + prev[i]) >> 1);
                break;
            case 4:
                for (int i = 0; i < bpp && i < n; i++) cur[i] += prev[i];
                for (int i = bpp; i < n; i++) cur[i] += PngEncoder.Paeth(cur[i - bpp], prev[i], prev[i - bpp]);
                break;
            default:
                throw new ImageFormatException($"PNG: unknown row filter type {filter}.", path);
        }
    }

    /// <summary>Writes one unfiltered row of <paramref name="count"/> pixels to <paramref name="image"/> row
    /// <paramref name="y"/> at columns x0, x0 + dx, …, converting to 8-bit samples (16-bit: high byte) and applying tRNS.</summary>
    private static void ExpandRow(Header h, ReadOnlySpan<byte> row, int count, Image image, int y, int x0, int dx)
    {
        int ch = image.Channels;
        var dst = image.Row(y);
        int d = h.BitDepth;
        // Fast path: 8-bit samples that map one-to-one onto the output, non-interlaced.
        if (d == 8 && dx == 1 && (h.ColorType is 4 or 6 || (h.ColorType is 0 or 2 && ch == h.SamplesPerPixel)))
        {
            row[..(count * ch)].CopyTo(dst);
            return;
        }
        int spp = h.SamplesPerPixel;
        for (int i = 0, x = x0; i < count; i++, x += dx)
        {
            int o = x * ch;
            switch (h.ColorType)
            {
                case 0:
                {
                    int v = Sample(row, i, d);
                    dst[o] = Scale(v, d);
                    if (ch == 2) dst[o + 1] = (byte)(v == h.TransGray ? 0 : 255);
                    break;
                }
                case 3:
                {
                    int idx = Sample(row, i, d);
                    var pal = h.Palette!;
                    if (idx * 3 + 2 < pal.Length) { dst[o] = pal[idx * 3]; dst[o + 1] = pal[idx * 3 + 1]; dst[o + 2] = pal[idx * 3 + 2]; }
                    else { dst[o] = 0; dst[o + 1] = 0; dst[o + 2] = 0; }
                    if (ch == 4) dst[o + 3] = h.PaletteAlpha![idx];
                    break;
                }
                case 2:
                {
                    int r = Sample(row, i * 3, d), g = Sample(row, i * 3 + 1, d), b = Sample(row, i * 3 + 2, d);
                    dst[o] = Scale(r, d); dst[o + 1] = Scale(g, d); dst[o + 2] = Scale(b, d);
                    if (ch == 4) dst[o + 3] = (byte)(r == h.TransR && g == h.TransG && b == h.TransB ? 0 : 255);
                    break;
                }
                default: // 4 (gray, alpha) and 6 (RGBA): no tRNS, 8 or 16 bits
                    for (int c = 0; c < spp; c++) dst[o + c] = Scale(Sample(row, i * spp + c, d), d);
                    break;
            }
        }
    }

    /// <summary>Sample <paramref name="i"/> of a row packed at <paramref name="depth"/> bits (MSB first; 16-bit big-endian).</summary>
    private static int Sample(ReadOnlySpan<byte> row, int i, int depth) => depth switch
    {
        8 => row[i],
        16 => row[2 * i] << 8 | row[2 * i + 1],
        4 => (row[i >> 1] >> (4 - 4 * (i & 1))) & 0xF,
        2 => (row[i >> 2] >> (6 - 2 * (i & 3))) & 0x3,
        _ => (row[i >> 3] >> (7 - (i & 7))) & 0x1,
    };

    /// <summary>A sample of <paramref name="depth"/> bits as 8 bits: low depths scale to 0–255 (×255, ×85, ×17);
    /// 16 bits keep the high byte.</summary>
    private static byte Scale(int v, int depth) => depth switch
    {
        8 => (byte)v,
        16 => (byte)(v >> 8),
        4 => (byte)(v * 17),
        2 => (byte)(v * 85),
        _ => (byte)(v * 255),
    };
}
