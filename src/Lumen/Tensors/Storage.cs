namespace Lumen;

/// <summary>The flat buffer behind one or more tensor views. <see cref="Version"/> counts in-place
/// writes so autograd can tell when a value saved for backward was overwritten.</summary>
internal sealed class Storage
{
    /// <summary>The array, or null once the storage was released (its array went back to <see cref="BufferPool"/>).
    /// The typed accessors (<see cref="Tensor.F32"/> …) read this field: their existing null test doubles as the
    /// released check, so the hot path pays nothing for it.</summary>
    internal Array? Raw;
    public readonly DType DType;
    public readonly int Length;
    public int Version;

    /// <summary>The engine epoch that allocated this storage and may recycle it (<see cref="BufferPool"/>); 0 when
    /// no one may (the usual case, and every storage that has escaped to user code).</summary>
    public int Epoch;

    /// <summary>The <see cref="DisposeScope"/> that releases this storage when it is disposed; null when none does.</summary>
    internal DisposeScope? Scope;

    /// <summary>The user asked to keep it (<see cref="Tensor.DetachFromDisposeScope"/>): no scope may take it again.</summary>
    internal bool Kept;

    /// <summary>The engine made it as a leaf's <see cref="Tensor.Grad"/>: when <c>ZeroGrad(setToNone: true)</c> drops it
    /// inside a scope, that scope may release it.</summary>
    internal bool IsEngineGrad;

    public Storage(Array data, DType dtype) { Raw = data; DType = dtype; Length = data.Length; }

    /// <summary>The array; throws <see cref="ObjectDisposedException"/> once the storage was released.</summary>
    public Array Data => Raw ?? throw DisposeScope.ReleasedError(null);

    /// <summary>True once the array went back to the pool (a disposed scope, or the engine).</summary>
    public bool IsReleased => Raw == null;

    /// <summary>Returns the array to the pool and revokes this storage: later reads throw instead of seeing recycled
    /// memory. Idempotent.</summary>
    internal void Release()
    {
        var a = Raw;
        if (a == null) return;
        Raw = null;
        Epoch = 0;
        Scope = null;
        BufferPool.Return(a);
    }

    public static Storage Allocate(DType dtype, int length, bool zero = true)
    {
        var scope = DisposeScope.Current;
        int epoch = BufferPool.CurrentEpoch;
        if (scope != null)
        {
            // Inside a scope every size and dtype is rented and recorded; the engine may still hand a float buffer
            // back early (Release), which the scope then skips.
            var s = new Storage(Rent(dtype, length, zero), dtype) { Epoch = dtype == DType.Float32 ? epoch : 0 };
            scope.Record(s);
            return s;
        }
        if (epoch == 0 || dtype != DType.Float32 || length < BufferPool.MinLength) return AllocateFresh(dtype, length, zero);
        var data = BufferPool.Rent(length);
        if (zero) Array.Clear(data);
        return new Storage(data, dtype) { Epoch = epoch };
    }

    private static Array Rent(DType dtype, int length, bool zero)
    {
        Array a = dtype switch
        {
            DType.Float32 => BufferPool.Rent<float>(length),
            DType.Int64 => BufferPool.Rent<long>(length),
            DType.UInt8 => BufferPool.Rent<byte>(length),
            DType.Bool => BufferPool.Rent<bool>(length),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
        if (zero || dtype is DType.UInt8 or DType.Bool) Array.Clear(a);   // fresh byte/bool arrays are always zeroed
        return a;
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
