using System.Buffers.Binary;

namespace Lumen.Vision.Datasets;

/// <summary>The IDX format of MNIST (LeCun): two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions,
/// then each dimension as a big-endian int32, then the data in row-major order.</summary>
public static class Idx
{
    /// <summary>Parses an IDX file of unsigned bytes: its dimensions and its data (not copied when possible).</summary>
    /// <param name="data">the whole (decompressed) file.</param>
    /// <param name="path">the file name for error messages.</param>
    /// <exception cref="DatasetFormatException">any malformation: bad magic, a type other than ubyte, too many dimensions,
    /// or a data length that does not match the dimensions.</exception>
    public static (int[] Dims, ReadOnlyMemory<byte> Data) ReadUBytes(byte[] data, string? path)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < 4) throw new DatasetFormatException($"IDX file too short ({data.Length} bytes; the header alone is at least 4).", path);
        if (data[0] != 0 || data[1] != 0) throw new DatasetFormatException($"bad IDX magic {Convert.ToHexString(data.AsSpan(0, 4))} (expected 0000 then type and rank).", path);
        if (data[2] != 0x08) throw new DatasetFormatException($"IDX type 0x{data[2]:X2} is not supported (expected 0x08, unsigned byte).", path);
        int rank = data[3];
        if (rank < 1 || rank > 4) throw new DatasetFormatException($"IDX rank {rank} is not supported (expected 1 to 4).", path);
        int header = 4 + 4 * rank;
        if (data.Length < header) throw new DatasetFormatException($"IDX header needs {header} bytes, the file has {data.Length}.", path);
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * i));
            if (d < 0) throw new DatasetFormatException($"IDX dimension {i} is negative ({d}).", path);
            dims[i] = d;
            count *= d;
            if (count > DatasetFiles.MaxBytes) throw new DatasetFormatException($"IDX dimensions [{string.Join(", ", dims.Take(i + 1))}] describe more than {DatasetFiles.MaxBytes} bytes.", path);
        }
        if (data.Length - header != count)
            throw new DatasetFormatException($"IDX dimensions [{string.Join(", ", dims)}] need {count} data bytes, the file has {data.Length - header}.", path);
        return (dims, data.AsMemory(header));
    }

    /// <summary>The total length (header + data) an IDX header declares, or null while <paramref name="head"/> is too short
    /// to tell or the header is malformed (<see cref="ReadUBytes"/> then names the problem). Lets a .gz reader stop as
    /// soon as the stream inflates past what the header allows.</summary>
    public static long? DeclaredLength(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4 || head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] is < 1 or > 4) return null;
        int rank = head[3], header = 4 + 4 * rank;
        if (head.Length < header) return null;
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(head[(4 + 4 * i)..]);
            if (d < 0) return null;
            count = Math.Min(count * d, DatasetFiles.MaxBytes + 1);
        }
        return header + count;
    }
}
