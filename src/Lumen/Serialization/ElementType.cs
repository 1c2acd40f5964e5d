using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Lumen.Serialization;

/// <summary>An element type as a file stores it. Lumen computes in four dtypes; the others are widened on load
/// (float64/float16/bfloat16 to float32, int32/int16/int8 to int64), the way <c>tensor.float()</c> / <c>.long()</c> would.</summary>
internal enum ElementType { F32, F64, F16, BF16, I64, I32, I16, I8, U8, Bool }

internal static class ElementTypes
{
    public static int Size(this ElementType t) => t switch
    {
        ElementType.F64 or ElementType.I64 => 8,
        ElementType.F32 or ElementType.I32 => 4,
        ElementType.F16 or ElementType.BF16 or ElementType.I16 => 2,
        _ => 1,
    };

    /// <summary>The Lumen dtype that holds values of this type.</summary>
    public static DType Target(this ElementType t) => t switch
    {
        ElementType.F32 or ElementType.F64 or ElementType.F16 or ElementType.BF16 => DType.Float32,
        ElementType.I64 or ElementType.I32 or ElementType.I16 or ElementType.I8 => DType.Int64,
        ElementType.U8 => DType.UInt8,
        _ => DType.Bool,
    };

    public static ElementType FromDType(DType d) => d switch
    {
        DType.Float32 => ElementType.F32,
        DType.Int64 => ElementType.I64,
        DType.UInt8 => ElementType.U8,
        DType.Bool => ElementType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    /// <summary>Reads <paramref name="count"/> elements of type <paramref name="type"/> from <paramref name="stream"/>
    /// into a new storage of the matching Lumen dtype. Native types are read straight into the storage's array (no
    /// intermediate copy); the others go through one byte buffer and are widened. Throws EndOfStreamException when the
    /// stream ends early and InvalidDataException for a bool byte other than 0 or 1.</summary>
    public static Storage ReadStorage(Stream stream, ElementType type, int count, bool bigEndian = false)
    {
        var storage = Storage.Allocate(type.Target(), count, zero: false);
        ReadInto(stream, type, storage.Data, bigEndian);
        return storage;
    }

    /// <summary>Fills <paramref name="target"/> (an array of <paramref name="type"/>'s Lumen dtype) from the stream.</summary>
    public static void ReadInto(Stream stream, ElementType type, Array target, bool bigEndian = false)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Lumen's checkpoint readers assume a little-endian machine.");
        int count = target.Length;
        switch (type)
        {
            case ElementType.F32:
            {
                var a = (float[])target;
                stream.ReadExactly(MemoryMarshal.AsBytes(a.AsSpan()));
                if (bigEndian) { var u = MemoryMarshal.Cast<float, uint>(a.AsSpan()); BinaryPrimitives.ReverseEndianness(u, u); }
                return;
            }
            case ElementType.I64:
            {
                var a = (long[])target;
                stream.ReadExactly(MemoryMarshal.AsBytes(a.AsSpan()));
                if (bigEndian) BinaryPrimitives.ReverseEndianness(a, a);
                return;
            }
            case ElementType.U8:
                stream.ReadExactly((byte[])target);
                return;
            case ElementType.Bool:
            {
                var bytes = MemoryMarshal.AsBytes(((bool[])target).AsSpan());
                stream.ReadExactly(bytes);
                int bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
                if (bad >= 0) throw new InvalidDataException($"bool element {bad} holds the byte {bytes[bad]} (only 0 and 1 are valid)");
                return;
            }
        }
        const int chunk = 1 << 20; // elements per read: widening needs one small buffer, not a second full copy
        var raw = new byte[Math.Min(count, chunk) * type.Size()];
        for (int start = 0; start < count; start += chunk)
        {
            int m = Math.Min(chunk, count - start);
            var span = raw.AsSpan(0, m * type.Size());
            stream.ReadExactly(span);
            Widen(type, span, target, start, m, bigEndian);
        }
    }

    private static void Widen(ElementType type, ReadOnlySpan<byte> raw, Array target, int start, int count, bool be)
    {
        switch (type)
        {
            case ElementType.F64:
            {
                var f = (float[])target;
                for (int i = 0; i < count; i++)
                {
                    var s = raw.Slice(8 * i, 8);
                    f[start + i] = (float)(be ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s));
                }
                break;
            }
            case ElementType.F16:
            {
                var f = (float[])target;
                for (int i = 0; i < count; i++)
                {
                    var s = raw.Slice(2 * i, 2);
                    f[start + i] = (float)(be ? BinaryPrimitives.ReadHalfBigEndian(s) : BinaryPrimitives.ReadHalfLittleEndian(s));
                }
                break;
            }
            case ElementType.BF16:
            {
                var f = (float[])target;
                for (int i = 0; i < count; i++)
                {
                    var s = raw.Slice(2 * i, 2);
                    uint bits = be ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
                    f[start + i] = BitConverter.UInt32BitsToSingle(bits << 16); // bfloat16 is the top half of a float32
                }
                break;
            }
            case ElementType.I32:
            {
                var l = (long[])target;
                for (int i = 0; i < count; i++)
                {
                    var s = raw.Slice(4 * i, 4);
                    l[start + i] = be ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s);
                }
                break;
            }
            case ElementType.I16:
            {
                var l = (long[])target;
                for (int i = 0; i < count; i++)
                {
                    var s = raw.Slice(2 * i, 2);
                    l[start + i] = be ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s);
                }
                break;
            }
            case ElementType.I8:
            {
                var l = (long[])target;
                for (int i = 0; i < count; i++) l[start + i] = (sbyte)raw[i];
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    /// <summary>The bytes of a whole storage array (little-endian on every machine .NET runs on).</summary>
    public static ReadOnlySpan<byte> Bytes(Array data) => data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        byte[] b => b,
        bool[] b => MemoryMarshal.AsBytes(b.AsSpan()),
        _ => throw new ArgumentOutOfRangeException(nameof(data)),
    };

    /// <summary>The bytes of <paramref name="t"/>'s elements in row-major order: a view of its storage when contiguous,
    /// else a copy.</summary>
    public static ReadOnlySpan<byte> RowMajorBytes(Tensor t)
    {
        if (t.IsContiguous())
        {
            int n = t.Numel(), o = t.StorageOffset;
            return t.DType switch
            {
                DType.Float32 => MemoryMarshal.AsBytes(t.F32.AsSpan(o, n)),
                DType.Int64 => MemoryMarshal.AsBytes(t.I64.AsSpan(o, n)),
                DType.UInt8 => t.U8.AsSpan(o, n),
                _ => MemoryMarshal.AsBytes(t.B8.AsSpan(o, n)),
            };
        }
        return t.DType switch
        {
            DType.Float32 => MemoryMarshal.AsBytes(t.ToArray<float>().AsSpan()),
            DType.Int64 => MemoryMarshal.AsBytes(t.ToArray<long>().AsSpan()),
            DType.UInt8 => t.ToArray<byte>(),
            _ => MemoryMarshal.AsBytes(t.ToArray<bool>().AsSpan()),
        };
    }
}
