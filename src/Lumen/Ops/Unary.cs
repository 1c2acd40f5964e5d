using System.Numerics.Tensors;
using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen;

// Elementwise math: neg, exp, log, sqrt, abs, sign, sin, cos, clamp. Activations live in Ops/Activations.cs.
public partial class Tensor
{
    /// <summary>Applies a span kernel to a contiguous float copy of this tensor (split across threads for large inputs).</summary>
    internal Tensor MapF32(SpanAction kernel)
    {
        using var xr = ReadF32Temp();
        float[] input = xr.Data; int off = xr.Offset;
        var r = Empty(_shape, DType.Float32, zero: false);
        var dst = r.F32;
        int n = dst.Length;
        ParallelFor.Run(n, 32768, (a, b) => kernel(input.AsSpan(off + a, b - a), dst.AsSpan(a, b - a)));
        return r;
    }

    internal delegate void SpanAction(ReadOnlySpan<float> x, Span<float> y);

    public Tensor Neg()
    {
        if (DType != DType.Float32) return GenericBinary(this, Torch.Scalar(0L), "neg", DType, (a, _) => -a);
        var r = MapF32((x, y) => TensorPrimitives.Negate(x, y));
        return Graph.Record(r, "NegBackward0", new[] { this }, g => new[] { g.Neg() });
    }

    public Tensor Exp()
    {
        var r = MapF32((x, y) => UnaryDriver.RunInDouble(new ExpOp(), x, y));
        return Graph.Record(r, "ExpBackward0", new[] { this }, g => new[] { g.Mul(r.Detach()) }, r);
    }

    public Tensor Log()
    {
        var a = this;
        var r = MapF32((x, y) => UnaryDriver.Run(new LogOp(), x, y));
        return Graph.Record(r, "LogBackward0", new[] { a }, g => new[] { g.Div(a) }, a);
    }

    /// <summary>eˣ − 1, accurate near 0, PyTorch's <c>expm1</c> (grad_fn Expm1Backward0: g·(y + 1)).</summary>
    public Tensor Expm1()
    {
        var r = MapF32((x, y) => UnaryDriver.RunInDouble(new Expm1Op(), x, y));
        return Graph.Record(r, "Expm1Backward0", new[] { this }, g => new[] { g.Mul(r.Detach().Add(1f)) }, r);
    }

    /// <summary>log(1 + x), accurate near 0, PyTorch's <c>log1p</c> (grad_fn Log1PBackward0: g/(x + 1)).</summary>
    public Tensor Log1p()
    {
        var a = this;
        var r = MapF32((x, y) => UnaryDriver.RunInDouble(new Log1pOp(), x, y));
        return Graph.Record(r, "Log1PBackward0", new[] { a }, g => new[] { g.Div(a.Add(1f)) }, a);
    }

    /// <summary>Base-2 logarithm, PyTorch's <c>log2</c> (grad_fn Log2Backward0: g/(x·ln 2)); exact at powers of 2.</summary>
    public Tensor Log2()
    {
        var a = this;
        var r = MapF32((x, y) => UnaryDriver.RunInDouble(new ScaledLogOp(1 / Math.Log(2)), x, y));
        return Graph.Record(r, "Log2Backward0", new[] { a }, g => new[] { g.Div(a.Mul(MathF.Log(2f))) }, a);
    }

    /// <summary>Base-10 logarithm, PyTorch's <c>log10</c> (grad_fn Log10Backward0: g/(x·ln 10)); exact at powers of 10.</summary>
    public Tensor Log10()
    {
        var a = this;
        var r = MapF32((x, y) => UnaryDriver.RunInDouble(new ScaledLogOp(1 / Math.Log(10)), x, y));
        return Graph.Record(r, "Log10Backward0", new[] { a }, g => new[] { g.Div(a.Mul(MathF.Log(10f))) }, a);
    }

    /// <summary>1/√x, PyTorch's <c>rsqrt</c> (grad_fn RsqrtBackward0: −½·g·y³).</summary>
    public Tensor Rsqrt()
    {
        var r = MapF32((x, y) => UnaryDriver.RunInDouble(new RsqrtOp(), x, y));
        return Graph.Record(r, "RsqrtBackward0", new[] { this }, g =>
        {
            var rd = r.Detach();
            return new[] { g.Mul(rd.Mul(rd).Mul(rd)).Mul(-0.5f) };
        }, r);
    }

    /// <summary>1/x elementwise (float32 result for integer inputs), PyTorch's <c>reciprocal</c> (grad_fn ReciprocalBackward0).</summary>
    public Tensor Reciprocal()
    {
        var r = MapF32((x, y) => TensorPrimitives.Divide(1f, x, y));
        return Graph.Record(r, "ReciprocalBackward0", new[] { this }, g =>
        {
            var rd = r.Detach();
            return new[] { g.Mul(rd.Mul(rd)).Neg() };
        }, r);
    }

    public Tensor Sqrt()
    {
        var r = MapF32((x, y) => TensorPrimitives.Sqrt(x, y));
        return Graph.Record(r, "SqrtBackward0", new[] { this }, g => new[] { g.Div(r.Detach().Mul(2f)) }, r);
    }

    public Tensor Abs()
    {
        var a = this;
        if (DType != DType.Float32) return GenericBinary(this, Torch.Scalar(0L), "abs", DType, (v, _) => Math.Abs(v));
        var r = MapF32((x, y) => TensorPrimitives.Abs(x, y));
        return Graph.Record(r, "AbsBackward0", new[] { a }, g => new[] { g.Mul(a.Sign()) }, a);
    }

    /// <summary>−1, 0 or +1 elementwise (0 for 0); its gradient is zero.</summary>
    public Tensor Sign()
    {
        var r = MapF32((x, y) => { for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0 ? 1f : x[i] < 0 ? -1f : 0f; });
        return Graph.Record(r, "SignBackward0", new[] { this }, g => new[] { Torch.ZerosLike(g) });
    }

    public Tensor Sin()
    {
        var a = this;
        var r = MapF32((x, y) => UnaryDriver.Run(new SinOp(), x, y));
        return Graph.Record(r, "SinBackward0", new[] { a }, g => new[] { g.Mul(a.Cos()) }, a);
    }

    public Tensor Cos()
    {
        var a = this;
        var r = MapF32((x, y) => UnaryDriver.Run(new CosOp(), x, y));
        return Graph.Record(r, "CosBackward0", new[] { a }, g => new[] { g.Mul(a.Sin()).Neg() }, a);
    }

    /// <summary>Clamps into [min, max] (either bound optional); gradient passes where min ≤ x ≤ max, as PyTorch.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min == null && max == null) throw new ArgumentException("clamp: at least one of min and max must be given.");
        var a = this;
        // Double bounds are rounded to float, as PyTorch does for a float32 tensor.
        float lo = min.HasValue ? (float)min.Value : float.NegativeInfinity, hi = max.HasValue ? (float)max.Value : float.PositiveInfinity;
        var r = MapF32((x, y) =>
        {
            for (int i = 0; i < x.Length; i++) { float v = x[i]; y[i] = float.IsNaN(v) ? v : Math.Min(Math.Max(v, lo), hi); }
        });
        return Graph.Record(r, "ClampBackward1", new[] { a }, g =>
        {
            var mask = a.MapF32((x, y) => { for (int i = 0; i < x.Length; i++) y[i] = x[i] >= lo && x[i] <= hi ? 1f : 0f; });
            return new[] { g.Mul(mask) };
        }, a);
    }

    /// <summary>Alias of <see cref="Clamp"/>, PyTorch's <c>clip</c>.</summary>
    public Tensor Clip(double? min = null, double? max = null) => Clamp(min, max);

    // ------------------------------------------------------------------ rounding: round (half to even), floor, ceil, trunc

    /// <summary>Rounds half to even, PyTorch's <c>round</c> (grad_fn RoundBackward0, a zero gradient). With
    /// <paramref name="decimals"/> ≠ 0 it is PyTorch's <c>round(decimals=)</c> (grad_fn RoundBackward1), computed in float
    /// as PyTorch does: nearbyint(x·10ᵈ)/10ᵈ, or nearbyint(x/10⁻ᵈ)·10⁻ᵈ for negative d (so round(2.675, 2) = 2.68 and
    /// x·10ᵈ may overflow to ∞). Integer tensors come back as a copy; they reject decimals ≠ 0, as PyTorch.</summary>
    public Tensor Round(int decimals = 0) =>
        Rounding("round", decimals == 0 ? "RoundBackward0" : "RoundBackward1", RoundKernel("round", decimals));

    /// <summary>The largest integer ≤ x, PyTorch's <c>floor</c> (grad_fn FloorBackward0, a zero gradient); integer tensors are copied.</summary>
    public Tensor Floor() => Rounding("floor", "FloorBackward0", (x, y) => TensorPrimitives.Floor(x, y));

    /// <summary>The smallest integer ≥ x, PyTorch's <c>ceil</c> (grad_fn CeilBackward0, a zero gradient); integer tensors are copied.</summary>
    public Tensor Ceil() => Rounding("ceil", "CeilBackward0", (x, y) => TensorPrimitives.Ceiling(x, y));

    /// <summary>x rounded toward zero, PyTorch's <c>trunc</c> (grad_fn TruncBackward0, a zero gradient); integer tensors are copied.</summary>
    public Tensor Trunc() => Rounding("trunc", "TruncBackward0", (x, y) => TensorPrimitives.Truncate(x, y));

    /// <summary>In-place <see cref="Round"/>, PyTorch's <c>round_</c>.</summary>
    public Tensor Round_(int decimals = 0) =>
        RoundingInPlace("round_", decimals == 0 ? "RoundBackward0" : "RoundBackward1", RoundKernel("round_", decimals));

    /// <summary>In-place <see cref="Floor"/>, PyTorch's <c>floor_</c>.</summary>
    public Tensor Floor_() => RoundingInPlace("floor_", "FloorBackward0", (x, y) => TensorPrimitives.Floor(x, y));

    /// <summary>In-place <see cref="Ceil"/>, PyTorch's <c>ceil_</c>.</summary>
    public Tensor Ceil_() => RoundingInPlace("ceil_", "CeilBackward0", (x, y) => TensorPrimitives.Ceiling(x, y));

    /// <summary>In-place <see cref="Trunc"/>, PyTorch's <c>trunc_</c>.</summary>
    public Tensor Trunc_() => RoundingInPlace("trunc_", "TruncBackward0", (x, y) => TensorPrimitives.Truncate(x, y));

    /// <summary>Half-to-even rounding, or PyTorch's round_decimals kernel in float arithmetic (its opmath type for
    /// float32); integer tensors reject decimals ≠ 0 as PyTorch does.</summary>
    private SpanAction RoundKernel(string op, int decimals)
    {
        if (decimals == 0) return (x, y) => TensorPrimitives.Round(x, y);
        if (DType != DType.Float32)
            throw new NotSupportedException($"{op}(decimals={decimals}): not implemented for {DType.TorchName()} tensors (PyTorch: \"round_cpu\" not implemented).");
        bool negative = decimals < 0;
        float tenPow = (float)Math.Pow(10, Math.Abs(decimals));
        return (x, y) =>
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = negative ? MathF.Round(x[i] / tenPow, MidpointRounding.ToEven) * tenPow
                                : MathF.Round(x[i] * tenPow, MidpointRounding.ToEven) / tenPow;
        };
    }

    private Tensor Rounding(string op, string gradFn, SpanAction kernel)
    {
        if (DType == DType.Bool) throw new NotSupportedException($"{op}: not implemented for torch.bool tensors (PyTorch: \"{op}_vml_cpu\" not implemented for 'Bool').");
        if (DType != DType.Float32) return Clone();   // integers are already whole: a copy, as PyTorch
        var r = MapF32(kernel);
        return Graph.Record(r, gradFn, new[] { this }, g => new[] { Torch.ZerosLike(g) });
    }

    private Tensor RoundingInPlace(string op, string gradFn, SpanAction kernel)
    {
        if (DType == DType.Bool) throw new NotSupportedException($"{op}: not implemented for torch.bool tensors (PyTorch: \"{op.TrimEnd('_')}_vml_cpu\" not implemented for 'Bool').");
        if (DType != DType.Float32) { Graph.CheckInPlace(this, op); return this; }
        return ActivationInPlace(op, gradFn, kernel, (y, g, dx) => dx.Clear());
    }
}
