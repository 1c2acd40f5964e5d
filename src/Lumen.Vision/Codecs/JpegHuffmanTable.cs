namespace Lumen.Vision.Codecs;

/// <summary>A canonical Huffman table of a JPEG DHT segment, with a 9-bit look-up for the short codes.</summary>
internal sealed class JpegHuffmanTable
{
    public const int LookupBits = 9;

    /// <summary>Per 9-bit prefix: code length (0 = longer than 9 bits) in the high byte, symbol in the low byte.</summary>
    public readonly ushort[] Lookup = new ushort[1 << LookupBits];

    /// <summary>Largest code of each length 1–16 (−1 when none), plus a sentinel at 17.</summary>
    public readonly int[] MaxCode = new int[18];

    /// <summary>Index into <see cref="Values"/> of the first code of each length, minus that code.</summary>
    public readonly int[] ValueOffset = new int[17];

    public readonly byte[] Values;

    /// <param name="counts">number of codes of each length 1–16 (index 0 unused).</param>
    /// <param name="values">the symbols in code order.</param>
    /// <param name="path">file name for error messages, or null.</param>
    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values, string? path)
    {
        Values = values.ToArray();
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len];
            ValueOffset[len] = k - code;
            if (n > 0)
            {
                // Every code of this length must fit in len bits (a table claiming more codes than fit is corrupt).
                if (code + n > (1 << len)) throw new ImageFormatException($"JPEG: invalid Huffman table ({n} codes of length {len} do not fit).", path);
                if (len <= LookupBits)
                {
                    for (int i = 0; i < n; i++)
                    {
                        int c = code + i, shift = LookupBits - len;
                        for (int j = 0; j < 1 << shift; j++) Lookup[(c << shift) | j] = (ushort)(len << 8 | Values[k + i]);
                    }
                }
                code += n;
                k += n;
                MaxCode[len] = code - 1;
            }
            else MaxCode[len] = -1;
            code <<= 1;
        }
        MaxCode[17] = int.MaxValue;
    }
}
