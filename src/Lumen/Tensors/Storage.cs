namespace Lumen;

/// <summary>The flat buffer behind one or more tensor views. <see cref="Version"/> counts in-place
/// writes so autograd can tell when a value saved for backward was overwritten.</summary>
internal sealed class Storage
{
    public readonly Array Data;
    public readonly DType DType;
    public int Version;

    /// <summary>The engine epoch that allocated this storage and may recycle it (<see cref="BufferPool"/>); 0 when
    /// no one may (the usual case, and every storage that has escaped to user code).</summary>
    public int Epoch;

    public Storage(Array data, DType dtype) { Data = data; DType = dtype; }

    public int Length => Data.Length;

    public static Storage Allocate(DType dtype, int length, bool zero = true)
    {
        int epoch = BufferPool.CurrentEpoch;
        if (epoch == 0 || dtype != DType.Float32 || length < BufferPool.MinLength) return AllocateFresh(dtype, length, zero);
        var data = BufferPool.Rent(length);
        if (zero) Array.Clear(data);
        return new Storage(data, dtype) { Epoch = epoch };
    }

    private static Storage AllocateFresh(DType dtype, int length, bool zero) => dtype switch
    {
        DType.Float32 => new Storage(zero ? new float[length] : GC.AllocateUninitializedArray<float>(length), dtype),
        DType.Int64 => new Storage(zero ? new long[length] : GC.AllocateUninitializedArray<long>(length), dtype),
        DType.UInt8 => new Storage(new byte[length], dtype),
        DType.Bool => new Storage(new bool[length], dtype),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };
}
