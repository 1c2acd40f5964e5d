using Lumen.Autograd;
using Lumen.Kernels;
using Lumen.Tracing;

namespace Lumen;

// Broadcasting + − × ÷ pow, maximum/minimum, their scalar and in-place forms, and the operators.
public partial class Tensor
{
    /// <summary>this + alpha·other with broadcasting, PyTorch's <c>add(other, alpha=)</c>.</summary>
    public Tensor Add(Tensor other, double alpha = 1)
    {
        if (Tracer.Recording) return Tracer.Record("add", new[] { this, other }, () => Add(other, alpha), ("alpha", (float)alpha));
        if (alpha != 1) return Add(other.Mul(alpha));
        var (a, b) = (this, other);
        var r = BinaryF32<AddOp>(a, b, "add");
        if (r.DType != DType.Float32) return r;
        int[] sa = a._shape, sb = b._shape;
        return Graph.Record(r, "AddBackward0", new[] { a, b }, g => new[] { SumTo(g, sa), SumTo(g, sb) });
    }

    /// <summary>this − alpha·other with broadcasting.</summary>
    public Tensor Sub(Tensor other, double alpha = 1)
    {
        if (Tracer.Recording) return Tracer.Record("sub", new[] { this, other }, () => Sub(other, alpha), ("alpha", (float)alpha));
        if (alpha != 1) return Sub(other.Mul(alpha));
        var (a, b) = (this, other);
        var r = BinaryF32<SubOp>(a, b, "sub");
        if (r.DType != DType.Float32) return r;
        int[] sa = a._shape, sb = b._shape;
        return Graph.Record(r, "SubBackward0", new[] { a, b }, g => new[] { SumTo(g, sa), SumTo(g.Neg(), sb) });
    }

    /// <summary>Elementwise product with broadcasting.</summary>
    public Tensor Mul(Tensor other)
    {
        if (Tracer.Recording) return Tracer.Record("mul", new[] { this, other }, () => Mul(other));
        var (a, b) = (this, other);
        var r = BinaryF32<MulOp>(a, b, "mul");
        if (r.DType != DType.Float32) return r;
        return Graph.Record(r, "MulBackward0", new[] { a, b },
            g => new[] { a.RequiresGrad ? SumTo(g.Mul(b), a._shape) : null, b.RequiresGrad ? SumTo(g.Mul(a), b._shape) : null },
            a, b);
    }

    /// <summary>Elementwise true division with broadcasting (integer inputs give float32, as in PyTorch).</summary>
    public Tensor Div(Tensor other)
    {
        if (Tracer.Recording) return Tracer.Record("div", new[] { this, other }, () => Div(other));
        var (a, b) = (DType.IsFloatingPoint() ? this : Float(), other.DType.IsFloatingPoint() ? other : other.Float());
        var r = BinaryF32<DivOp>(a, b, "div");
        return Graph.Record(r, "DivBackward0", new[] { a, b },
            g => new[]
            {
                a.RequiresGrad ? SumTo(g.Div(b), a._shape) : null,
                b.RequiresGrad ? SumTo(g.Mul(a).Div(b.Mul(b)).Neg(), b._shape) : null,
            },
            a, b);
    }

    /// <summary>this ** exponent elementwise with broadcasting.</summary>
    public Tensor Pow(Tensor exponent)
    {
        var (a, b) = (this, exponent);
        var r = BinaryF32<PowOp>(a, b, "pow");
        return Graph.Record(r, "PowBackward1", new[] { a, b },
            g => new[]
            {
                // d/da a^b = b·a^(b−1); d/db a^b = a^b·ln a (PyTorch masks a = 0 with b ≥ 0 to 0)
                a.RequiresGrad ? SumTo(g.Mul(b).Mul(a.Pow(b.Sub(Torch.Scalar(1f)))), a._shape) : null,
                b.RequiresGrad ? SumTo(g.Mul(r.Detach()).Mul(a.Log()).MaskedFill(a.Eq(0f).Mul(b.Ge(0f)), 0f), b._shape) : null,
            },
            a, b, r);
    }

    /// <summary>this ** exponent for a scalar exponent (a double exponent is rounded to float, as PyTorch does for a
    /// float32 tensor).</summary>
    public Tensor Pow(double exponentValue)
    {
        var a = this;
        float exponent = (float)exponentValue;
        var r = BinaryF32<PowOp>(a, Torch.Scalar(exponent), "pow");
        return Graph.Record(r, "PowBackward0", new[] { a },
            g => new[] { exponent == 0f ? Torch.ZerosLike(a) : g.Mul(a.Pow(exponent - 1f).Mul(exponent)) },
            a);
    }

    /// <summary>Elementwise maximum with broadcasting, PyTorch's <c>torch.maximum</c>; ties split the gradient evenly.</summary>
    public Tensor Maximum(Tensor other) => MinMax<MaxOp>(other, "MaximumBackward0", "maximum");

    /// <summary>Elementwise minimum with broadcasting, PyTorch's <c>torch.minimum</c>.</summary>
    public Tensor Minimum(Tensor other) => MinMax<MinOp>(other, "MinimumBackward0", "minimum");

    private Tensor MinMax<TOp>(Tensor other, string name, string op) where TOp : struct, IBinaryOp
    {
        var (a, b) = (this, other);
        var r = BinaryF32<TOp>(a, b, op);
        if (r.DType != DType.Float32) return r;
        return Graph.Record(r, name, new[] { a, b }, g =>
        {
            // Where a == b PyTorch gives each side half the gradient.
            var rd = r.Detach();
            var wa = a.Eq(rd).Float().Sub(a.Eq(b).Float().Mul(0.5f));
            var wb = b.Eq(rd).Float().Sub(a.Eq(b).Float().Mul(0.5f));
            return new[] { SumTo(g.Mul(wa), a._shape), SumTo(g.Mul(wb), b._shape) };
        }, a, b, r);
    }

    /// <summary>this + s; a double scalar is rounded to float first, as PyTorch does for a float32 tensor.</summary>
    public Tensor Add(double s) => Add(Torch.Scalar((float)s));
    public Tensor Sub(double s) => Sub(Torch.Scalar((float)s));
    public Tensor Mul(double scalar)
    {
        var a = this;
        float s = (float)scalar;
        if (Tracer.Recording) return Tracer.Record("mul", new[] { this }, () => Mul(s), ("other", s));
        var r = BinaryF32<MulOp>(a, Torch.Scalar(s), "mul");
        return Graph.Record(r, "MulBackward0", new[] { a }, g => new[] { g.Mul(s) });
    }
    public Tensor Div(double scalar)
    {
        float s = (float)scalar;
        if (Tracer.Recording) return Tracer.Record("div", new[] { this }, () => Div(s), ("other", s));
        var a = DType.IsFloatingPoint() ? this : Float();
        var r = BinaryF32<DivOp>(a, Torch.Scalar(s), "div");
        return Graph.Record(r, "DivBackward0", new[] { a }, g => new[] { g.Div(s) });
    }
    /// <summary>s − this, PyTorch's <c>rsub</c> (grad_fn RsubBackward1).</summary>
    public Tensor RSub(double scalar)
    {
        float s = (float)scalar;
        var a = this;
        var r = BinaryF32<SubOp>(Torch.Scalar(s), a, "rsub");
        if (r.DType != DType.Float32) return r;
        return Graph.Record(r, "RsubBackward1", new[] { a }, g => new[] { g.Neg() });
    }

    // ------------------------------------------------------------ in-place (trailing underscore, as in PyTorch)

    /// <summary>this += alpha·other in place; other is broadcast to this tensor's shape.</summary>
    public Tensor Add_(Tensor other, double alpha = 1)
    {
        if (Tracer.Recording) return Tracer.Record("add_", new[] { this, other }, () => Add_(other, alpha), ("alpha", (float)alpha));
        if (alpha != 1) other = other.Mul(alpha);
        return InPlace<AddOp>(other, "AddBackward0", (g, o) => new[] { g, SumTo(g, o._shape) });
    }
    public Tensor Sub_(Tensor other) => InPlace<SubOp>(other, "SubBackward0", (g, o) => new[] { g, SumTo(g.Neg(), o._shape) });
    public Tensor Mul_(Tensor other)
    {
        var before = RequiresGrad ? Clone().Detach() : null;
        return InPlace<MulOp>(other, "MulBackward0", (g, o) => new[] { g.Mul(o), before == null ? null : SumTo(g.Mul(before), o._shape) }, other);
    }
    public Tensor Div_(Tensor other)
    {
        var before = RequiresGrad ? Clone().Detach() : null;
        return InPlace<DivOp>(other, "DivBackward0", (g, o) => new[] { g.Div(o), before == null ? null : SumTo(g.Mul(before).Div(o.Mul(o)).Neg(), o._shape) }, other);
    }
    public Tensor Add_(double s) => Add_(Torch.Scalar((float)s));
    public Tensor Sub_(double s) => Sub_(Torch.Scalar((float)s));
    public Tensor Mul_(double s) => Mul_(Torch.Scalar((float)s));
    public Tensor Div_(double s) => Div_(Torch.Scalar((float)s));

    /// <summary>Applies a float binary op in place: this = op(this, other) with other broadcast to this shape.</summary>
    private Tensor InPlace<TOp>(Tensor other, string name, Func<Tensor, Tensor, Tensor?[]> backward, params Tensor[] saved)
        where TOp : struct, IBinaryOp
    {
        Graph.CheckInPlace(this, name.Replace("Backward0", "_"));
        if (DType != DType.Float32)
        {
            var res = GenericBinary(this, other.DType == DType ? other : other.To(DType), name, DType, NumericOp<TOp>);
            Copy_(res);
            return this;
        }
        var o = other.DType == DType.Float32 ? other : other.Float();
        var outShape = ShapeUtil.Broadcast(_shape, o._shape, name);
        if (!outShape.AsSpan().SequenceEqual(_shape))
            throw new ShapeMismatchException($"{name.Replace("Backward0", "_")}: output with shape {Shape} doesn't match the broadcast shape {ShapeUtil.Str(outShape)}.");
        var tmp = BufferPool.RentScratch<float>(Numel());   // all of the result before any of it is written (operands may overlap)
        BinaryDriver.Run<TOp>(ViewF32(), new(o.F32, o._offset, _shape, Strided.BroadcastStrides(o._shape, o._strides, _shape)),
                              IsContiguous() ? new(tmp, 0, _shape, _strides) : Kernels.View<float>.Contiguous(tmp, 0, _shape));
        Strided.Scatter<float>(tmp, F32, _shape, _strides, _offset);
        BufferPool.ReturnScratch(tmp);
        BumpVersion();
        Graph.RecordInPlace(this, name, new[] { o }, g => backward(g, o), saved);
        return this;
    }

    // ------------------------------------------------------------ operators

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();
    // Scalars are double (C#'s literals: x * 0.5, 0.001 * t; float and int convert) and are rounded to float, where
    // PyTorch rounds a Python float for a float32 tensor, so x * 0.1 equals x * 0.1f bit for bit.
    public static Tensor operator +(Tensor a, double s) => a.Add(s);
    public static Tensor operator +(double s, Tensor a) => a.Add(s);
    public static Tensor operator -(Tensor a, double s) => a.Sub(s);
    public static Tensor operator -(double s, Tensor a) => a.RSub(s);
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);
    public static Tensor operator /(Tensor a, double s) => a.Div(s);
    /// <summary>s / a, computed as PyTorch does: reciprocal(a)·s (grad_fn MulBackward0).</summary>
    public static Tensor operator /(double s, Tensor a) => a.Reciprocal().Mul(s);

    // ------------------------------------------------------------ drivers

    /// <summary>Runs a float op with broadcasting; integer/bool operand pairs take the generic path and keep PyTorch's promoted dtype.</summary>
    internal static Tensor BinaryF32<TOp>(Tensor a, Tensor b, string op) where TOp : struct, IBinaryOp
    {
        var dtype = DTypeExtensions.Promote(a.DType, b.DType);
        if (dtype != DType.Float32) return GenericBinary(a, b, op, dtype, NumericOp<TOp>);
        if (a.DType != DType.Float32) a = a.Float();
        if (b.DType != DType.Float32) b = b.Float();
        var shape = ShapeUtil.Broadcast(a._shape, b._shape, op);
        var r = Empty(shape, DType.Float32, zero: false);
        BinaryDriver.Run<TOp>(new(a.F32, a._offset, shape, Strided.BroadcastStrides(a._shape, a._strides, shape)),
                              new(b.F32, b._offset, shape, Strided.BroadcastStrides(b._shape, b._strides, shape)), r.ViewF32());
        return r;
    }

    private static double NumericOp<TOp>(double x, double y) where TOp : struct, IBinaryOp
    {
        if (typeof(TOp) == typeof(AddOp)) return x + y;
        if (typeof(TOp) == typeof(SubOp)) return x - y;
        if (typeof(TOp) == typeof(MulOp)) return x * y;
        if (typeof(TOp) == typeof(DivOp)) return x / y;
        if (typeof(TOp) == typeof(PowOp)) return Math.Pow(x, y);
        if (typeof(TOp) == typeof(MaxOp)) return Math.Max(x, y);
        if (typeof(TOp) == typeof(MinOp)) return Math.Min(x, y);
        throw new NotSupportedException(typeof(TOp).Name);
    }

    /// <summary>Slow, exact path for non-float operands: broadcast, compute in double (exact for int64 below 2^53),
    /// convert to <paramref name="outType"/>. Used for labels, counts and masks, never in hot loops.</summary>
    internal static Tensor GenericBinary(Tensor a, Tensor b, string op, DType outType, Func<double, double, double> f)
    {
        var shape = ShapeUtil.Broadcast(a._shape, b._shape, op);
        var av = a.Expand(shape).ToDoubles();
        var bv = b.Expand(shape).ToDoubles();
        var r = Empty(shape, outType, zero: false);
        int n = av.Length;
        switch (outType)
        {
            case DType.Float32: { var d = r.SpanF32(); for (int i = 0; i < n; i++) d[i] = (float)f(av[i], bv[i]); break; }
            case DType.Int64: { var d = r.SpanI64(); for (int i = 0; i < n; i++) d[i] = (long)f(av[i], bv[i]); break; }
            case DType.UInt8: { var d = r.SpanU8(); for (int i = 0; i < n; i++) d[i] = unchecked((byte)(long)f(av[i], bv[i])); break; }
            case DType.Bool: { var d = r.SpanBool(); for (int i = 0; i < n; i++) d[i] = f(av[i], bv[i]) != 0; break; }
        }
        return r;
    }

    /// <summary>Sums a broadcast gradient back to <paramref name="shape"/> (the inverse of broadcasting).</summary>
    internal static Tensor SumTo(Tensor g, int[] shape)
    {
        if (g._shape.AsSpan().SequenceEqual(shape)) return g;
        int lead = g.Ndim - shape.Length;
        var dims = new List<int>();
        for (int i = 0; i < g.Ndim; i++)
            if (i < lead || (shape[i - lead] == 1 && g._shape[i] != 1)) dims.Add(i);
        var s = dims.Count == 0 ? g : g.Sum(dims.ToArray(), keepDim: true);
        return s.Reshape(shape);
    }
}
