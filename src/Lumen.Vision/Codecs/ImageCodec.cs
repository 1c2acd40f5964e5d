namespace Lumen.Vision.Codecs;

/// <summary>Format-sniffing entry points: PNG, JPEG, BMP and PPM/PGM/PBM are recognised by their magic bytes,
/// never by the file extension.</summary>
public static class ImageCodec
{
    /// <summary>Largest file <see cref="Decode(Stream, string?)"/> reads: 1 GiB.</summary>
    private const long MaxFileBytes = 1L << 30;

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageFormatException">the file is not a supported image or is corrupt; the message names the path.</exception>
    /// <exception cref="FileNotFoundException">the file does not exist.</exception>
    public static Image Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var data = File.ReadAllBytes(path);
        return Decode(data, path);
    }

    /// <summary>Decodes an image file held in memory, sniffing its format.</summary>
    /// <param name="data">the whole file.</param>
    /// <param name="pathForErrors">file name to put in error messages, or null.</param>
    public static Image Decode(byte[] data, string? pathForErrors = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Detect(data) switch
        {
            ImageFormat.Png => Png.Decode(data, pathForErrors),
            ImageFormat.Jpeg => Jpeg.Decode(data, data.Length, pathForErrors),
            ImageFormat.Bmp => Bmp.Decode(data, pathForErrors),
            ImageFormat.Netpbm => Netpbm.Decode(data, pathForErrors),
            _ => throw new ImageFormatException(
                $"unrecognised image format (first bytes {Convert.ToHexString(data.AsSpan(0, Math.Min(8, data.Length)))}; expected PNG, JPEG, BMP or PPM/PGM).", pathForErrors),
        };
    }

    /// <summary>Reads <paramref name="stream"/> to its end and decodes it, sniffing the format.</summary>
    public static Image Decode(Stream stream, string? pathForErrors = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (ms.Length + n > MaxFileBytes) throw new ImageFormatException($"stream is longer than {MaxFileBytes} bytes.", pathForErrors);
            ms.Write(buffer, 0, n);
        }
        return Decode(ms.ToArray(), pathForErrors);
    }

    /// <summary>The format whose magic bytes start <paramref name="data"/>, or <see cref="ImageFormat.Unknown"/>.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 8 && data[..8].SequenceEqual(Lumen.Imaging.PngEncoder.Signature)) return ImageFormat.Png;
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M') return ImageFormat.Bmp;
        if (data.Length >= 2 && data[0] == 'P' && data[1] is (byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6') return ImageFormat.Netpbm;
        return ImageFormat.Unknown;
    }
}
