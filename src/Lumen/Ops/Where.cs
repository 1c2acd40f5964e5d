using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen;

// torch.where: elementwise choice between two tensors under a boolean condition, all three broadcast together.
public partial class Tensor
{
    /// <summary>Elements of this tensor where <paramref name="condition"/> is true, else of <paramref name="other"/>,
    /// PyTorch's <c>x.where(condition, y)</c>; the same as <see cref="Torch.Where(Tensor, Tensor, Tensor)"/>(condition, this, other).</summary>
    public Tensor Where(Tensor condition, Tensor other) => WhereCore(condition, this, other);

    /// <summary><see cref="Where(Tensor, Tensor)"/> with a scalar <paramref name="other"/>.</summary>
    public Tensor Where(Tensor condition, double other) => WhereCore(condition, this, Torch.Scalar(other));

    internal static Tensor WhereCore(Tensor condition, Tensor input, Tensor other)
    {
        if (condition.DType != DType.Bool && condition.DType != DType.UInt8)
            throw new ArgumentException($"where: expected condition to be a boolean tensor, but got a tensor with dtype {condition.DType.TorchName()} (shape {condition.Shape}).");
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(condition._shape, input._shape, "where"), other._shape, "where");
        var cond = condition.Expand(shape).ToArray<bool>();
        var dtype = DTypeExtensions.Promote(input.DType, other.DType);
        var r = Empty(shape, dtype, zero: false);
        int n = cond.Length;
        if (dtype == DType.Float32)
        {
            using var ar = input.Detach().Expand(shape).ReadF32Temp();
            using var br = other.Detach().Expand(shape).ReadF32Temp();
            float[] a = ar.Data, b = br.Data;
            int ao = ar.Offset, bo = br.Offset;
            var dst = r.F32;
            ParallelFor.Run(n, 32768, (s, e) => { for (int i = s; i < e; i++) dst[i] = cond[i] ? a[ao + i] : b[bo + i]; });
        }
        else
        {
            var a = input.Expand(shape).ToDoubles();
            var b = other.Expand(shape).ToDoubles();
            switch (dtype)
            {
                case DType.Int64: { var d = r.SpanI64(); for (int i = 0; i < n; i++) d[i] = (long)(cond[i] ? a[i] : b[i]); break; }
                case DType.UInt8: { var d = r.SpanU8(); for (int i = 0; i < n; i++) d[i] = (byte)(cond[i] ? a[i] : b[i]); break; }
                default: { var d = r.SpanBool(); for (int i = 0; i < n; i++) d[i] = (cond[i] ? a[i] : b[i]) != 0; break; }
            }
            return r;
        }
        int[] sa = input._shape, sb = other._shape;
        return Graph.Record(r, "WhereBackward0", new[] { input, other }, g =>
        {
            var zero = Torch.Scalar(0f);
            return new[]
            {
                input.RequiresGrad ? SumTo(WhereCore(condition, g, zero), sa) : null,
                other.RequiresGrad ? SumTo(WhereCore(condition, zero, g), sb) : null,
            };
        });
    }
}

public static partial class Torch
{
    /// <summary>Elements of <paramref name="input"/> where <paramref name="condition"/> is true, else of
    /// <paramref name="other"/>, PyTorch's <c>torch.where(condition, input, other)</c> (grad_fn WhereBackward0). The
    /// three shapes broadcast together; the result dtype is input's and other's promoted dtype. Differentiable in input
    /// and other (each gets the gradient where it was chosen, zero elsewhere); condition is bool (or uint8).</summary>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other) => Lumen.Tensor.WhereCore(condition, input, other);

    /// <summary><see cref="Where(Tensor, Tensor, Tensor)"/> with a scalar <paramref name="other"/> (float32 result).</summary>
    public static Tensor Where(Tensor condition, Tensor input, double other) => Lumen.Tensor.WhereCore(condition, input, Scalar(other));

    /// <summary><see cref="Where(Tensor, Tensor, Tensor)"/> with a scalar <paramref name="input"/> (float32 result).</summary>
    public static Tensor Where(Tensor condition, double input, Tensor other) => Lumen.Tensor.WhereCore(condition, Scalar(input), other);
}
