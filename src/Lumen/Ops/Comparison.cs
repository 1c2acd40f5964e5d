using Lumen.Autograd;

namespace Lumen;

// Comparisons (bool results, not differentiable), Where and MaskedFill.
public partial class Tensor
{
    public Tensor Eq(Tensor other) => Compare(other, "eq", (a, b) => a == b ? 1 : 0);
    public Tensor Ne(Tensor other) => Compare(other, "ne", (a, b) => a != b ? 1 : 0);
    public Tensor Lt(Tensor other) => Compare(other, "lt", (a, b) => a < b ? 1 : 0);
    public Tensor Le(Tensor other) => Compare(other, "le", (a, b) => a <= b ? 1 : 0);
    public Tensor Gt(Tensor other) => Compare(other, "gt", (a, b) => a > b ? 1 : 0);
    public Tensor Ge(Tensor other) => Compare(other, "ge", (a, b) => a >= b ? 1 : 0);
    public Tensor Eq(double s) => Eq(Torch.Scalar(s));
    public Tensor Ne(double s) => Ne(Torch.Scalar(s));
    public Tensor Lt(double s) => Lt(Torch.Scalar(s));
    public Tensor Le(double s) => Le(Torch.Scalar(s));
    public Tensor Gt(double s) => Gt(Torch.Scalar(s));
    public Tensor Ge(double s) => Ge(Torch.Scalar(s));

    // Comparing in double is exact for float32, uint8, bool and int64 below 2^53.
    private Tensor Compare(Tensor other, string op, Func<double, double, double> f) => GenericBinary(this, other, op, DType.Bool, f);

    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    public static Tensor operator <(Tensor a, double s) => a.Lt(s);
    public static Tensor operator <=(Tensor a, double s) => a.Le(s);
    public static Tensor operator >(Tensor a, double s) => a.Gt(s);
    public static Tensor operator >=(Tensor a, double s) => a.Ge(s);

    // == and != are deliberately not overloaded: `t == null` must stay a reference test in C#.
    // PyTorch's `a == b` is written a.Eq(b).

    /// <summary>True when both tensors have the same shape and equal elements, PyTorch's <c>torch.equal</c>.</summary>
    public bool ValueEquals(Tensor other) =>
        _shape.AsSpan().SequenceEqual(other._shape) && ToDoubles().AsSpan().SequenceEqual(other.ToDoubles());

    /// <summary>True when every element is within atol + rtol·|other|, PyTorch's <c>allclose</c>.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        var shape = ShapeUtil.Broadcast(_shape, other._shape, "allclose");
        var a = Expand(shape).ToDoubles(); var b = other.Expand(shape).ToDoubles();
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(a[i]) || double.IsNaN(b[i])) return false;
            if (Math.Abs(a[i] - b[i]) > atol + rtol * Math.Abs(b[i])) return false;
        }
        return true;
    }

    /// <summary>Elements where <paramref name="mask"/> is true replaced by <paramref name="value"/> (mask broadcast to this shape).</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        if (mask.DType != DType.Bool) throw new ArgumentException($"masked_fill only supports boolean masks, but got mask with dtype {mask.DType.TorchName()}.");
        var m = mask.Expand(_shape).ToArray<bool>();
        var r = DType == DType.Float32 ? Detach().Clone() : Clone();
        if (DType == DType.Float32) { var d = r.SpanF32(); float v = (float)value; for (int i = 0; i < m.Length; i++) if (m[i]) d[i] = v; }
        else r = GenericBinary(r, mask.Expand(_shape), "masked_fill", DType, (x, k) => k != 0 ? value : x);
        if (DType != DType.Float32) return r;
        return Graph.Record(r, "MaskedFillBackward0", new[] { this }, g => new[] { g.MaskedFill(mask, 0f) });
    }

    /// <summary>In-place <see cref="MaskedFill"/>.</summary>
    public Tensor MaskedFill_(Tensor mask, double value) => Copy_(MaskedFill(mask, value));
}
