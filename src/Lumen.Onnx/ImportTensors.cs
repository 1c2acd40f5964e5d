using System.Buffers.Binary;
using Google.Protobuf;
using Lumen.Onnx.Protobuf;
using DataType = Lumen.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Lumen.Onnx;

/// <summary>
/// Turns ONNX <see cref="TensorProto"/>s into Lumen tensors: float types become float32, integer types int64, bool bool.
/// The file is untrusted: <c>dims</c> are checked (non-negative, product within int range) and must agree with the
/// number of values actually stored before anything of that size is allocated, so a crafted dims field cannot ask for
/// a huge array; raw_data's length must be exactly numel × element size.
/// </summary>
internal static class ImportTensors
{
    /// <summary>The shape of <paramref name="t"/>, validated; <paramref name="error"/> makes the error that names the tensor.</summary>
    public static int[] Shape(TensorProto t, Func<string, Exception> error)
    {
        var shape = new int[t.Dims.Count];
        long numel = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = t.Dims[i];
            if (d < 0 || d > int.MaxValue) throw error($"dims[{i}] = {d} is not a size (expected 0 .. {int.MaxValue})");
            shape[i] = (int)d;
            numel *= d;
            if (numel > int.MaxValue) throw error($"dims [{string.Join(", ", t.Dims)}] hold more than {int.MaxValue} elements");
        }
        return shape;
    }

    /// <summary>Decodes <paramref name="t"/>; <paramref name="error"/> builds the exception for a message.</summary>
    public static Tensor ToTensor(TensorProto t, Func<string, Exception> error)
    {
        if (t.HasDataLocation && t.DataLocation == TensorProto.Types.DataLocation.External)
            throw error("its data is stored in an external file, which Lumen does not read (save the model with its weights inside)");
        if (t.Segment != null) throw error("it is a segment of a larger tensor, which Lumen does not read");
        var shape = Shape(t, error);
        int n = 1; foreach (var d in shape) n *= d;
        var type = (DataType)t.DataType;
        var raw = t.HasRawData ? t.RawData : null;
        switch (type)
        {
            case DataType.Float:
            {
                Count(raw, t.FloatData.Count, n, 4, error);
                var a = new float[n];
                if (raw != null) for (int i = 0; i < n; i++) a[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Span.Slice(4 * i));
                else t.FloatData.CopyTo(a, 0);
                return Torch.FromArray(a, shape);
            }
            case DataType.Double:
            {
                Count(raw, t.DoubleData.Count, n, 8, error);
                var a = new float[n];
                for (int i = 0; i < n; i++) a[i] = (float)(raw != null ? BinaryPrimitives.ReadDoubleLittleEndian(raw.Span.Slice(8 * i)) : t.DoubleData[i]);
                return Torch.FromArray(a, shape);
            }
            case DataType.Float16:
            {
                Count(raw, t.Int32Data.Count, n, 2, error);
                var a = new float[n];
                for (int i = 0; i < n; i++)
                    a[i] = (float)BitConverter.UInt16BitsToHalf(raw != null ? BinaryPrimitives.ReadUInt16LittleEndian(raw.Span.Slice(2 * i)) : (ushort)t.Int32Data[i]);
                return Torch.FromArray(a, shape);
            }
            case DataType.Int64:
            {
                Count(raw, t.Int64Data.Count, n, 8, error);
                var a = new long[n];
                for (int i = 0; i < n; i++) a[i] = raw != null ? BinaryPrimitives.ReadInt64LittleEndian(raw.Span.Slice(8 * i)) : t.Int64Data[i];
                return Long(a, shape);
            }
            case DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.Uint8 or DataType.Uint16:
            {
                int size = type switch { DataType.Int32 => 4, DataType.Int16 or DataType.Uint16 => 2, _ => 1 };
                Count(raw, t.Int32Data.Count, n, size, error);
                var a = new long[n];
                for (int i = 0; i < n; i++)
                    a[i] = raw == null ? t.Int32Data[i] : type switch
                    {
                        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw.Span.Slice(4 * i)),
                        DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw.Span.Slice(2 * i)),
                        DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(raw.Span.Slice(2 * i)),
                        DataType.Int8 => (sbyte)raw.Span[i],
                        _ => raw.Span[i],
                    };
                return Long(a, shape);
            }
            case DataType.Uint32 or DataType.Uint64:
            {
                int size = type == DataType.Uint32 ? 4 : 8;
                Count(raw, t.Uint64Data.Count, n, size, error);
                var a = new long[n];
                for (int i = 0; i < n; i++)
                    a[i] = raw == null ? (long)t.Uint64Data[i]
                        : size == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(raw.Span.Slice(4 * i)) : (long)BinaryPrimitives.ReadUInt64LittleEndian(raw.Span.Slice(8 * i));
                return Long(a, shape);
            }
            case DataType.Bool:
            {
                Count(raw, t.Int32Data.Count, n, 1, error);
                var a = new bool[n];
                for (int i = 0; i < n; i++) a[i] = raw != null ? raw.Span[i] != 0 : t.Int32Data[i] != 0;
                return Torch.Tensor(a).Reshape(shape);
            }
            default:
                throw error($"its data type {type} ({t.DataType}) is not supported (float, double, float16, integers and bool are)");
        }
    }

    private static void Count(ByteString? raw, int typedCount, int numel, int elementSize, Func<string, Exception> error)
    {
        if (raw != null)
        {
            if ((long)numel * elementSize != raw.Length)
                throw error($"raw_data holds {raw.Length} bytes, but its dims need {numel} × {elementSize} = {(long)numel * elementSize}");
        }
        else if (typedCount != numel)
            throw error($"it stores {typedCount} values, but its dims need {numel}");
    }

    /// <summary>An int64 tensor of <paramref name="shape"/> (0-d when the shape is empty).</summary>
    public static Tensor Long(long[] values, int[] shape) => Torch.Tensor(values, values.Length == 0 ? new[] { 0 } : new[] { values.Length }).Reshape(shape);
}
