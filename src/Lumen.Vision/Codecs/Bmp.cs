using System.Buffers.Binary;
using System.Numerics;

namespace Lumen.Vision.Codecs;

/// <summary>Windows BMP reading: uncompressed 1/4/8-bit palette, 16-bit (5-5-5 or bit-field masks), 24-bit, and 32-bit
/// (BGRX, or bit-field masks with an alpha mask → RGBA); bottom-up and top-down rows; OS/2 core and v3–v5 headers.</summary>
/// <remarks>Palette images expand to RGB. RLE-compressed files raise <see cref="ImageFormatException"/>.</remarks>
public static class Bmp
{
    /// <summary>Decodes a BMP file held in memory.</summary>
    /// <param name="data">the whole file.</param>
    /// <param name="pathForErrors">file name to put in error messages, or null.</param>
    public static Image Decode(ReadOnlySpan<byte> data, string? pathForErrors = null)
    {
        string? path = pathForErrors;
        if (data.Length < 26 || data[0] != 'B' || data[1] != 'M') throw new ImageFormatException("BMP: missing 'BM' header or truncated file.", path);
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        int dibSize = BinaryPrimitives.ReadInt32LittleEndian(data[14..]);
        if (dibSize < 12 || 14L + dibSize > data.Length) throw new ImageFormatException($"BMP: invalid or truncated info header (size {dibSize}).", path);
        var dib = data.Slice(14, dibSize);
        long width, height;
        int bpp, compression = 0, colorsUsed = 0;
        bool core = dibSize == 12;
        if (core)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(dib[4..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(dib[6..]);
            bpp = BinaryPrimitives.ReadUInt16LittleEndian(dib[10..]);
        }
        else
        {
            if (dibSize < 40) throw new ImageFormatException($"BMP: unsupported info header size {dibSize}.", path);
            width = BinaryPrimitives.ReadInt32LittleEndian(dib[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(dib[8..]);
            bpp = BinaryPrimitives.ReadUInt16LittleEndian(dib[14..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(dib[16..]);
            colorsUsed = BinaryPrimitives.ReadInt32LittleEndian(dib[32..]);
        }
        bool topDown = height < 0;
        height = Math.Abs(height);
        ImageLimits.CheckDimensions("BMP", width, height, path);
        int w = (int)width, h = (int)height;
        if (compression != 0 && compression != 3 && compression != 6)
            throw new ImageFormatException($"BMP: compression method {compression} (RLE, JPEG or PNG inside BMP) is not supported.", path);
        // Bit-field masks: in the header (v2+) or right after a 40-byte header.
        uint rMask = 0, gMask = 0, bMask = 0, aMask = 0;
        if (bpp == 16) { rMask = 0x7C00; gMask = 0x03E0; bMask = 0x001F; }
        else if (bpp == 32) { rMask = 0xFF0000; gMask = 0xFF00; bMask = 0xFF; }
        int paletteStart = 14 + dibSize;
        if (compression is 3 or 6)
        {
            if (bpp != 16 && bpp != 32) throw new ImageFormatException($"BMP: bit-field masks with {bpp} bits per pixel.", path);
            var m = dibSize >= 52 ? dib[40..] : data.Length >= paletteStart + 12 ? data[paletteStart..] : throw new ImageFormatException("BMP: truncated bit-field masks.", path);
            rMask = BinaryPrimitives.ReadUInt32LittleEndian(m); gMask = BinaryPrimitives.ReadUInt32LittleEndian(m[4..]); bMask = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
            if (dibSize >= 56) aMask = BinaryPrimitives.ReadUInt32LittleEndian(dib[52..]);
            else if (compression == 6 && data.Length >= paletteStart + 16) aMask = BinaryPrimitives.ReadUInt32LittleEndian(data[(paletteStart + 12)..]);
            if (dibSize == 40) paletteStart += compression == 6 ? 16 : 12;
        }
        if (bpp is not (1 or 4 or 8 or 16 or 24 or 32)) throw new ImageFormatException($"BMP: {bpp} bits per pixel is not supported.", path);
        byte[]? palette = null;
        if (bpp <= 8)
        {
            int entries = colorsUsed > 0 && colorsUsed <= 1 << bpp ? colorsUsed : 1 << bpp;
            int entrySize = core ? 3 : 4;
            palette = new byte[256 * 3];
            int avail = Math.Max(0, (Math.Min(data.Length, (int)Math.Min(pixelOffset, (uint)data.Length)) - paletteStart) / entrySize);
            for (int i = 0; i < Math.Min(entries, avail); i++)
            {
                int p = paletteStart + i * entrySize;
                palette[3 * i] = data[p + 2]; palette[3 * i + 1] = data[p + 1]; palette[3 * i + 2] = data[p];
            }
        }
        long rowBytes = ((width * bpp + 31) / 32) * 4;
        if (pixelOffset > data.Length || pixelOffset + rowBytes * height > data.Length)
            throw new ImageFormatException($"BMP: pixel data ({rowBytes * height} bytes at offset {pixelOffset}) runs past the end of the file ({data.Length} bytes; truncated?).", path);
        int channels = aMask != 0 ? 4 : 3;
        var image = new Image(w, h, channels);
        for (int y = 0; y < h; y++)
        {
            var src = data.Slice((int)(pixelOffset + rowBytes * (topDown ? y : h - 1 - y)), (int)rowBytes);
            var dst = image.Row(y);
            for (int x = 0; x < w; x++)
            {
                int o = x * channels;
                switch (bpp)
                {
                    case 24: dst[o] = src[3 * x + 2]; dst[o + 1] = src[3 * x + 1]; dst[o + 2] = src[3 * x]; break;
                    case 16: case 32:
                    {
                        uint v = bpp == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * x)..]) : BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * x)..]);
                        dst[o] = Field(v, rMask); dst[o + 1] = Field(v, gMask); dst[o + 2] = Field(v, bMask);
                        if (channels == 4) dst[o + 3] = Field(v, aMask);
                        break;
                    }
                    default:
                    {
                        int idx = bpp switch
                        {
                            8 => src[x],
                            4 => (src[x >> 1] >> (4 - 4 * (x & 1))) & 15,
                            _ => (src[x >> 3] >> (7 - (x & 7))) & 1,
                        };
                        dst[o] = palette![3 * idx]; dst[o + 1] = palette[3 * idx + 1]; dst[o + 2] = palette[3 * idx + 2];
                        break;
                    }
                }
            }
        }
        return image;
    }

    /// <summary>The bits of <paramref name="v"/> under <paramref name="mask"/>, scaled to 0–255.</summary>
    private static byte Field(uint v, uint mask)
    {
        if (mask == 0) return 0;
        int shift = BitOperations.TrailingZeroCount(mask);
        uint max = mask >> shift;
        uint f = (v & mask) >> shift;
        return max == 255 ? (byte)f : (byte)((f * 255 + max / 2) / max);
    }
}
