using System.Runtime.CompilerServices;

namespace Lumen;

public partial class Tensor
{
    /// <summary>Copies the elements, in row-major order of the tensor's shape (PyTorch's order: what
    /// <c>x.contiguous().view(-1)</c> holds), into <paramref name="destination"/>, whatever the view's strides and offset.
    /// A transposed or sliced view needs no <see cref="Contiguous"/> copy first, and the caller chooses the buffer, so
    /// a per-batch read (a metric over logits, a collective's send buffer) allocates nothing.
    /// <typeparamref name="T"/> must be the element type (float, long, byte or bool); <see cref="ToArray{T}"/> converts.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the element type, or
    /// <paramref name="destination"/> holds fewer than <see cref="Numel"/> elements.</exception>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        int n = Numel();
        if (destination.Length < n)
            throw new ArgumentException($"CopyTo: the destination holds {destination.Length} elements, the tensor (shape {Shape}) {n}.", nameof(destination));
        var dst = destination[..n];
        if (typeof(T) == typeof(float) && DType == DType.Float32) Strided.Gather(F32, _shape, _strides, _offset, As<float>(dst));
        else if (typeof(T) == typeof(long) && DType == DType.Int64) Strided.Gather(I64, _shape, _strides, _offset, As<long>(dst));
        else if (typeof(T) == typeof(byte) && DType == DType.UInt8) Strided.Gather(U8, _shape, _strides, _offset, As<byte>(dst));
        else if (typeof(T) == typeof(bool) && DType == DType.Bool) Strided.Gather(B8, _shape, _strides, _offset, As<bool>(dst));
        else throw new ArgumentException($"CopyTo<{typeof(T).Name}>: the tensor holds {DType.TorchName()} elements; use ToArray<{typeof(T).Name}>() to convert.", nameof(destination));

        // T is U here (checked above): the JIT folds each branch to one reinterpretation.
        static Span<U> As<U>(Span<T> s) where U : unmanaged =>
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref Unsafe.As<T, U>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(s)), s.Length);
    }
}
