namespace Lumen.Vision.Codecs;

/// <summary>Netpbm reading: PBM (P1/P4 → gray 0/255), PGM (P2/P5 → gray), PPM (P3/P6 → RGB), ASCII and binary,
/// maxval 1–65535 (samples are rescaled to 0–255 as round(v · 255 / maxval)).</summary>
public static class Netpbm
{
    /// <summary>Decodes a PBM/PGM/PPM file held in memory.</summary>
    /// <param name="data">the whole file.</param>
    /// <param name="pathForErrors">file name to put in error messages, or null.</param>
    public static Image Decode(ReadOnlySpan<byte> data, string? pathForErrors = null)
    {
        string? path = pathForErrors;
        if (data.Length < 3 || data[0] != 'P' || data[1] < '1' || data[1] > '6') throw new ImageFormatException("PNM: missing P1–P6 magic number.", path);
        int kind = data[1] - '0';
        int pos = 2;
        long width = ReadNumber(data, ref pos, path, "width"), height = ReadNumber(data, ref pos, path, "height");
        ImageLimits.CheckDimensions("PNM", width, height, path);
        bool bitmap = kind is 1 or 4;
        long maxval = bitmap ? 1 : ReadNumber(data, ref pos, path, "maxval");
        if (maxval < 1 || maxval > 65535) throw new ImageFormatException($"PNM: maxval {maxval} is outside 1–65535.", path);
        int channels = kind is 3 or 6 ? 3 : 1;
        int w = (int)width, h = (int)height;
        long count = (long)w * h * channels;
        // The pixel data must be present before the image is allocated (a 19-byte header may claim 768 MB): binary
        // samples take 1 bit (P4), 1 or 2 bytes each; ASCII samples at least one byte each (P1) or a digit and a separator.
        long remaining = data.Length - pos - (kind >= 4 ? 1 : 0);
        long minBytes = kind switch { 4 => (long)(w + 7) / 8 * h, 1 => count, 2 or 3 => 2 * count - 1, _ => count * (maxval < 256 ? 1 : 2) };
        if (minBytes > remaining)
            throw new ImageFormatException($"PNM: {w}x{h} image needs at least {minBytes} bytes of pixel data but only {Math.Max(0, remaining)} remain (truncated file or corrupt header).", path);
        var image = new Image(w, h, channels);
        var px = image.Pixels;
        if (kind >= 4)
        {
            pos++; // the single whitespace byte after the header
            if (kind == 4)
            {
                int rowBytes = (w + 7) / 8;
                if (pos + (long)rowBytes * h > data.Length) throw new ImageFormatException("PNM: truncated pixel data.", path);
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        px[y * w + x] = (byte)(((data[pos + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1) != 0 ? 0 : 255);
                return image;
            }
            int bytesPer = maxval < 256 ? 1 : 2;
            if (pos + count * bytesPer > data.Length) throw new ImageFormatException($"PNM: truncated pixel data ({data.Length - pos} of {count * bytesPer} bytes).", path);
            for (long i = 0; i < count; i++)
            {
                int v = bytesPer == 1 ? data[pos + (int)i] : data[pos + 2 * (int)i] << 8 | data[pos + 2 * (int)i + 1];
                px[i] = Scale(v, (int)maxval);
            }
            return image;
        }
        for (long i = 0; i < count; i++)
        {
            if (kind == 1)
            {
                SkipSpace(data, ref pos);
                if (pos >= data.Length || (data[pos] != '0' && data[pos] != '1')) throw new ImageFormatException("PNM: truncated or invalid P1 data.", path);
                px[i] = (byte)(data[pos++] == '1' ? 0 : 255);
                continue;
            }
            long v = ReadNumber(data, ref pos, path, "sample");
            if (v > maxval) throw new ImageFormatException($"PNM: sample {v} exceeds maxval {maxval}.", path);
            px[i] = Scale((int)v, (int)maxval);
        }
        return image;
    }

    private static byte Scale(int v, int maxval) => maxval == 255 ? (byte)v : (byte)Math.Min(255, ((long)v * 255 + maxval / 2) / maxval);

    private static void SkipSpace(ReadOnlySpan<byte> d, ref int pos)
    {
        while (pos < d.Length)
        {
            if (d[pos] == '#') { while (pos < d.Length && d[pos] != '\n' && d[pos] != '\r') pos++; }
            else if (d[pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f') pos++;
            else break;
        }
    }

    private static long ReadNumber(ReadOnlySpan<byte> d, ref int pos, string? path, string what)
    {
        SkipSpace(d, ref pos);
        long v = 0;
        int start = pos;
        while (pos < d.Length && d[pos] >= '0' && d[pos] <= '9')
        {
            v = v * 10 + (d[pos++] - '0');
            if (v > int.MaxValue) throw new ImageFormatException($"PNM: {what} is too large.", path);
        }
        if (pos == start) throw new ImageFormatException($"PNM: expected a number for {what} at byte {pos} (truncated or corrupt header).", path);
        return v;
    }
}
