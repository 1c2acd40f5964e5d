using Lumen.Autograd;

namespace Lumen;

public partial class Tensor
{
    /// <summary>A contiguous copy of the data with the same history link, PyTorch's <c>clone()</c>.</summary>
    public Tensor Clone()
    {
        var r = Empty(_shape, DType, zero: false);
        CopyInto(r);
        return Graph.Record(r, "CloneBackward0", new[] { this }, g => new[] { g });
    }

    /// <summary>This tensor when already contiguous, else a contiguous copy, PyTorch's <c>contiguous()</c>.</summary>
    public Tensor Contiguous() => IsContiguous() ? this : Clone();

    /// <summary>Copies this (strided) tensor's elements into the contiguous tensor <paramref name="dst"/> of the same dtype and size.</summary>
    internal void CopyInto(Tensor dst)
    {
        switch (DType)
        {
            case DType.Float32: Strided.Gather(F32, _shape, _strides, _offset, dst.SpanF32()); break;
            case DType.Int64: Strided.Gather(I64, _shape, _strides, _offset, dst.SpanI64()); break;
            case DType.UInt8: Strided.Gather(U8, _shape, _strides, _offset, dst.SpanU8()); break;
            case DType.Bool: Strided.Gather(B8, _shape, _strides, _offset, dst.SpanBool()); break;
        }
    }

    /// <summary>Copies <paramref name="src"/> (broadcast to this shape, converted to this dtype) into this tensor in place,
    /// PyTorch's <c>copy_()</c>. Differentiable with respect to <paramref name="src"/>.</summary>
    public Tensor Copy_(Tensor src)
    {
        Graph.CheckInPlace(this, "Copy_");
        var s = src.DType == DType ? src : src.To(DType);
        var expanded = s.Detach().Expand(_shape).Contiguous();
        switch (DType)
        {
            case DType.Float32: Strided.Scatter<float>(expanded.SpanF32(), F32, _shape, _strides, _offset); break;
            case DType.Int64: Strided.Scatter<long>(expanded.SpanI64(), I64, _shape, _strides, _offset); break;
            case DType.UInt8: Strided.Scatter<byte>(expanded.SpanU8(), U8, _shape, _strides, _offset); break;
            case DType.Bool: Strided.Scatter<bool>(expanded.SpanBool(), B8, _shape, _strides, _offset); break;
        }
        BumpVersion();
        var srcShape = src._shape;
        Graph.RecordInPlace(this, "CopyBackward0", new[] { src }, g => new[] { null, SumTo(g, srcShape) });
        return this;
    }

    /// <summary>A copy converted to <paramref name="dtype"/> (this tensor itself when it already has it), PyTorch's <c>to(dtype)</c>.
    /// Float to integer conversion truncates toward zero, as in PyTorch.</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var r = Empty(_shape, dtype, zero: false);
        int n = Numel();
        if (DType == DType.Float32 && dtype == DType.Int64) { var src = ReadF32(); var d = r.SpanI64(); for (int i = 0; i < n; i++) d[i] = (long)src[i]; }
        else
        {
            var v = ToDoubles();
            switch (dtype)
            {
                case DType.Float32: { var d = r.SpanF32(); for (int i = 0; i < n; i++) d[i] = (float)v[i]; break; }
                case DType.Int64: { var d = r.SpanI64(); for (int i = 0; i < n; i++) d[i] = (long)v[i]; break; }
                case DType.UInt8: { var d = r.SpanU8(); for (int i = 0; i < n; i++) d[i] = unchecked((byte)(long)v[i]); break; }
                case DType.Bool: { var d = r.SpanBool(); for (int i = 0; i < n; i++) d[i] = v[i] != 0; break; }
            }
        }
        return dtype.IsFloatingPoint() && DType.IsFloatingPoint()
            ? Graph.Record(r, "ToCopyBackward0", new[] { this }, g => new[] { g })
            : r;
    }

    /// <summary>float32 copy, PyTorch's <c>float()</c>.</summary>
    public Tensor Float() => To(DType.Float32);
    /// <summary>int64 copy, PyTorch's <c>long()</c>.</summary>
    public Tensor Long() => To(DType.Int64);
    /// <summary>bool copy, PyTorch's <c>bool()</c>.</summary>
    public Tensor Bool() => To(DType.Bool);
    /// <summary>uint8 copy, PyTorch's <c>byte()</c>.</summary>
    public Tensor Byte() => To(DType.UInt8);
}
