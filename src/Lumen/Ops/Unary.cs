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
        var r = MapF32((x, y) => UnaryDriver.Run(new ExpOp(), x, y));
        return Graph.Record(r, "ExpBackward0", new[] { this }, g => new[] { g.Mul(r.Detach()) }, r);
    }

    public Tensor Log()
    {
        var a = this;
        var r = MapF32((x, y) => UnaryDriver.Run(new LogOp(), x, y));
        return Graph.Record(r, "LogBackward0", new[] { a }, g => new[] { g.Div(a) }, a);
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
}
