namespace Lumen.Vision.Codecs;

/// <summary>CRC-32 (ISO-HDLC, polynomial 0xEDB88320) as PNG chunks use it; slicing-by-4 table.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[4 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        for (int n = 0; n < 256; n++)
            for (int s = 1; s < 4; s++)
                t[s * 256 + n] = (t[(s - 1) * 256 + n] >> 8) ^ t[t[(s - 1) * 256 + n] & 0xFF];
        return t;
    }

    /// <summary>Continues a CRC: pass 0 to start; the result is the finished CRC of everything fed so far.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        var t = Table;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            c ^= (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            c = t[768 + (c & 0xFF)] ^ t[512 + ((c >> 8) & 0xFF)] ^ t[256 + ((c >> 16) & 0xFF)] ^ t[c >> 24];
        }
        for (; i < data.Length; i++) c = t[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        return ~c;
    }
}
