using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen;

// Reductions beyond Sum/Mean: max/min (with indices), amax/amin, argmax/argmin, var/std, norm, prod, logsumexp,
// cumsum, all/any. Each forward sits beside its backward rule, which follows PyTorch 1.13's derivatives.yaml.
public partial class Tensor
{
    // ---------------------------------------------------------------- max / min

    /// <summary>Largest element as a 0-d tensor, PyTorch's <c>max()</c>. NaN wins if present. The gradient is split
    /// evenly between all elements equal to the maximum (grad_fn MaxBackward1).</summary>
    public Tensor Max() => ExtremeAll(max: true);

    /// <summary>Smallest element as a 0-d tensor, PyTorch's <c>min()</c> (grad_fn MinBackward1).</summary>
    public Tensor Min() => ExtremeAll(max: false);

    /// <summary>Largest value along <paramref name="dim"/> and its index (the first one on ties), PyTorch's
    /// <c>max(dim, keepdim)</c>. Input (…, n, …) → values and int64 indices (…, …) or (…, 1, …) with keepDim.
    /// The gradient flows to the selected index only (grad_fn MaxBackward0).</summary>
    public ValuesIndices Max(int dim, bool keepDim = false) => ExtremeDim(dim, keepDim, max: true, "max");

    /// <summary>Smallest value along <paramref name="dim"/> and its index, PyTorch's <c>min(dim, keepdim)</c> (grad_fn MinBackward0).</summary>
    public ValuesIndices Min(int dim, bool keepDim = false) => ExtremeDim(dim, keepDim, max: false, "min");

    /// <summary>Index of the largest element of the flattened tensor (0-d int64), or along <paramref name="dim"/>,
    /// PyTorch's <c>argmax(dim=None, keepdim)</c>. Ties give the first index; NaN counts as the largest value.</summary>
    public Tensor Argmax(int? dim = null, bool keepDim = false) => ArgExtreme(dim, keepDim, max: true, "argmax");

    /// <summary>Index of the smallest element (flattened, or along <paramref name="dim"/>), PyTorch's <c>argmin</c>.</summary>
    public Tensor Argmin(int? dim = null, bool keepDim = false) => ArgExtreme(dim, keepDim, max: false, "argmin");

    private Tensor ExtremeAll(bool max)
    {
        string op = max ? "max" : "min";
        if (Numel() == 0)
            throw new ArgumentException($"{op}(): expected a non-empty tensor, got shape {Shape}; specify a dim or use Amax/Amin with keepDim.");
        if (DType == DType.Bool) return Byte().ExtremeAll(max).Bool();
        var flat = Reshape(-1).Detach();
        var r = flat.ExtremeDim(0, false, max, op).Values;
        var x = this;
        return Graph.Record(r, max ? "MaxBackward1" : "MinBackward1", new[] { x }, g => new[] { EvenlyDistribute(g, x, r) }, x, r);
    }

    /// <summary>PyTorch's evenly_distribute_backward: the gradient of a full max/min shared among the elements equal to
    /// the result (the NaN elements when the result is NaN).</summary>
    private static Tensor EvenlyDistribute(Tensor g, Tensor x, Tensor result)
    {
        var rd = result.Detach();
        var mask = float.IsNaN(rd.Item()) ? x.Ne(x) : x.Eq(rd);
        var count = mask.Sum().Float();
        return mask.Float().Mul(g.Div(count));
    }

    private ValuesIndices ExtremeDim(int dim, bool keepDim, bool max, string op)
    {
        if (DType == DType.Bool)
        {
            var (v, i) = Byte().ExtremeDim(dim, keepDim, max, op);
            return new ValuesIndices(v.Bool(), i);
        }
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        var (outer, n, inner) = DimLayout(_shape, d);
        if (n == 0) throw new ArgumentException($"{op}(): expected reduction dim {dim} to have non-zero size (input shape {Shape}).");
        var outShape = ReducedShape(_shape, d, keepDim);
        var values = Empty(outShape, DType, zero: false);
        var indices = Empty(outShape, DType.Int64, zero: false);
        switch (DType)
        {
            case DType.Float32: { var x = Dense<float>(out int off); ArgExtremeKernel(x, off, outer, n, inner, max, values.F32, indices.I64); break; }
            case DType.Int64: { var x = Dense<long>(out int off); ArgExtremeKernel(x, off, outer, n, inner, max, values.I64, indices.I64); break; }
            case DType.UInt8: { var x = Dense<byte>(out int off); ArgExtremeKernel(x, off, outer, n, inner, max, values.U8, indices.I64); break; }
        }
        if (DType != DType.Float32) return new ValuesIndices(values, indices);
        var inShape = _shape;
        var idx = indices;
        Graph.Record(values, max ? "MaxBackward0" : "MinBackward0", new[] { this },
            g => new[] { ValueSelectingBackward(g, idx, d, keepDim, inShape) }, idx);
        return new ValuesIndices(values, indices);
    }

    private Tensor ArgExtreme(int? dim, bool keepDim, bool max, string op)
    {
        if (dim is int dd) return ExtremeDim(dd, keepDim, max, op).Indices;
        if (Numel() == 0) throw new ArgumentException($"{op}(): expected a non-empty tensor, got shape {Shape}.");
        var i = Detach().Reshape(-1).ExtremeDim(0, false, max, op).Indices;
        return keepDim ? i.Reshape(_shape.Select(_ => 1).ToArray()) : i;
    }

    /// <summary>Gradient of an op that picked one element per lane along <paramref name="d"/> (max(dim), sort, topk):
    /// the upstream gradient scattered back to the picked indices, zeros elsewhere.</summary>
    internal static Tensor ValueSelectingBackward(Tensor g, Tensor indices, int d, bool keepDim, int[] inShape)
    {
        if (inShape.Length == 0) return g.Reshape(inShape);
        if (!keepDim) { g = g.Unsqueeze(d); indices = indices.Unsqueeze(d); }
        return Torch.Zeros(inShape).Scatter(d, indices, g);
    }

    // Running max/min over the n rows of each [n, inner] block; ties keep the first index, NaN sticks.
    private static void ArgExtremeKernel<T>(T[] x, int off, int outer, int n, int inner, bool max, T[] values, long[] indices)
        where T : INumber<T>
    {
        ParallelFor.Run(outer, Math.Max(1, 32768 / Math.Max(1, n * inner)), (a, b) =>
        {
            if (inner == 1)
            {
                // One contiguous lane per output (argmax over classes): scan it with the running best in registers.
                for (int o = a; o < b; o++)
                {
                    int src = off + o * n, best = 0;
                    T bv = x[src];
                    for (int k = 1; k < n && !T.IsNaN(bv); k++)
                    {
                        T v = x[src + k];
                        if (T.IsNaN(v) || (max ? v > bv : v < bv)) { bv = v; best = k; }
                    }
                    values[o] = bv; indices[o] = best;
                }
                return;
            }
            for (int o = a; o < b; o++)
            {
                int src = off + o * n * inner, dst = o * inner;
                for (int i = 0; i < inner; i++) { values[dst + i] = x[src + i]; indices[dst + i] = 0; }
                for (int k = 1; k < n; k++)
                {
                    int row = src + k * inner;
                    for (int i = 0; i < inner; i++)
                    {
                        T cur = values[dst + i], v = x[row + i];
                        if (T.IsNaN(cur)) continue;
                        if (T.IsNaN(v) || (max ? v > cur : v < cur)) { values[dst + i] = v; indices[dst + i] = k; }
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- amax / amin

    /// <summary>Largest value over all dimensions (0-d), PyTorch's <c>amax()</c>.</summary>
    public Tensor Amax() => Amax(Array.Empty<int>());

    /// <summary>Largest value along <paramref name="dim"/>, PyTorch's <c>amax(dim, keepdim)</c>; the gradient is split
    /// evenly between tied maxima (grad_fn AmaxBackward0).</summary>
    public Tensor Amax(int dim, bool keepDim = false) => Amax(new[] { dim }, keepDim);

    /// <summary>Largest value over <paramref name="dims"/> (all when empty), PyTorch's <c>amax(dims, keepdim)</c>.</summary>
    public Tensor Amax(int[] dims, bool keepDim = false) => AExtreme(dims, keepDim, max: true);

    /// <summary>Smallest value over all dimensions (0-d), PyTorch's <c>amin()</c>.</summary>
    public Tensor Amin() => Amin(Array.Empty<int>());

    /// <summary>Smallest value along <paramref name="dim"/>, PyTorch's <c>amin(dim, keepdim)</c> (grad_fn AminBackward0).</summary>
    public Tensor Amin(int dim, bool keepDim = false) => Amin(new[] { dim }, keepDim);

    /// <summary>Smallest value over <paramref name="dims"/> (all when empty), PyTorch's <c>amin(dims, keepdim)</c>.</summary>
    public Tensor Amin(int[] dims, bool keepDim = false) => AExtreme(dims, keepDim, max: false);

    private Tensor AExtreme(int[] dims, bool keepDim, bool max)
    {
        string op = max ? "amax" : "amin";
        if (DType == DType.Bool) return Byte().AExtreme(dims, keepDim, max).Bool();
        var (reduced, outShape, keptShape) = ReductionShapes(ScalarDims(dims), keepDim);
        foreach (var d in reduced)
            if (d < Ndim && _shape[d] == 0)
                throw new ArgumentException($"{op}(): expected reduction dim {d} to have non-zero size (input shape {Shape}).");
        Tensor r;
        switch (DType)
        {
            case DType.Float32: r = Wrap(ReduceLanes<float>(reduced, max), outShape); break;
            case DType.Int64: r = Wrap(ReduceLanes<long>(reduced, max), outShape); break;
            default: r = Wrap(ReduceLanes<byte>(reduced, max), outShape); break;
        }
        if (DType != DType.Float32) return r;
        var x = this;
        return Graph.Record(r, max ? "AmaxBackward0" : "AminBackward0", new[] { x }, g =>
        {
            // scale_grad_by_count: each tied extreme gets grad / (number of ties in its lane)
            var mask = x.Eq(r.Detach().Reshape(keptShape)).Float();
            return new[] { g.Reshape(keptShape).Div(mask.Sum(reduced, keepDim: true)).Mul(mask) };
        }, x, r);
    }

    private T[] ReduceLanes<T>(int[] reduced, bool max) where T : INumber<T>
    {
        var src = MoveDimsLast<T>(reduced, out int rowLen);
        int rows = rowLen == 0 ? 0 : src.Length / rowLen;
        var dst = new T[rows];
        ParallelFor.Run(rows, Math.Max(1, 16384 / Math.Max(rowLen, 1)), (a, b) =>
        {
            for (int i = a; i < b; i++)
            {
                T best = src[i * rowLen];
                for (int k = 1; k < rowLen && !T.IsNaN(best); k++)
                {
                    T v = src[i * rowLen + k];
                    if (T.IsNaN(v) || (max ? v > best : v < best)) best = v;
                }
                dst[i] = best;
            }
        });
        return dst;
    }

    private static Tensor Wrap<T>(T[] data, int[] shape) => data switch
    {
        float[] f => Wrap(f, shape),
        long[] l => Wrap(l, shape),
        byte[] b => Wrap(b, shape),
        bool[] z => Wrap(z, shape),
        _ => throw new NotSupportedException(typeof(T).Name),
    };

    // ---------------------------------------------------------------- var / std

    /// <summary>Variance over <paramref name="dims"/> (all when null or empty), PyTorch's <c>var(dim, unbiased, keepdim)</c>:
    /// Σ(x − mean)² / (N − correction), with correction 1 when <paramref name="unbiased"/> (the default) and 0 otherwise;
    /// an explicit <paramref name="correction"/> overrides <paramref name="unbiased"/>. Accumulates in double (grad_fn VarBackward0).</summary>
    public Tensor Var(int[]? dims = null, bool unbiased = true, bool keepDim = false, int? correction = null) =>
        VarStd(dims ?? Array.Empty<int>(), correction ?? (unbiased ? 1 : 0), keepDim, std: false);

    /// <summary>Variance along one dimension; see <see cref="Var(int[], bool, bool, int?)"/>.</summary>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false, int? correction = null) =>
        Var(new[] { dim }, unbiased, keepDim, correction);

    /// <summary>Standard deviation, √<see cref="Var(int[], bool, bool, int?)"/>, PyTorch's <c>std</c> (grad_fn StdBackward0;
    /// zero where the deviation is zero).</summary>
    public Tensor Std(int[]? dims = null, bool unbiased = true, bool keepDim = false, int? correction = null) =>
        VarStd(dims ?? Array.Empty<int>(), correction ?? (unbiased ? 1 : 0), keepDim, std: true);

    /// <summary>Standard deviation along one dimension; see <see cref="Std(int[], bool, bool, int?)"/>.</summary>
    public Tensor Std(int dim, bool unbiased = true, bool keepDim = false, int? correction = null) =>
        Std(new[] { dim }, unbiased, keepDim, correction);

    private Tensor VarStd(int[] dims, int correction, bool keepDim, bool std)
    {
        string op = std ? "std" : "var";
        if (DType != DType.Float32)
            throw new ArgumentException($"{op}(): only supports floating point dtypes, got {DType.TorchName()}.");
        var (reduced, outShape, keptShape) = ReductionShapes(ScalarDims(dims), keepDim);
        int n = 1; foreach (var d in reduced) if (d < Ndim) n *= _shape[d];
        double denom = Math.Max(0, n - correction);
        var r = ReduceRows(reduced, outShape, (row, _) =>
        {
            double mean = 0; foreach (var v in row) mean += v;
            mean /= row.Length;
            double ss = 0; foreach (var v in row) { double dv = v - mean; ss += dv * dv; }
            double var = ss / denom;
            return (float)(std ? Math.Sqrt(var) : var);
        });
        var x = this;
        return Graph.Record(r, std ? "StdBackward0" : "VarBackward0", new[] { x }, g =>
        {
            var gk = g.Reshape(keptShape);
            if (std)
            {
                var sk = r.Detach().Reshape(keptShape);
                gk = gk.Div(sk.Mul(2f)).MaskedFill(sk.Eq(0f), 0f);
            }
            return new[] { gk.Mul((float)(2.0 / denom)).Mul(x.Sub(x.Mean(reduced, keepDim: true))) };
        }, x, r);
    }

    // ---------------------------------------------------------------- norm

    /// <summary>The p-norm over <paramref name="dims"/> (all when null or empty), PyTorch's <c>norm(p, dim, keepdim)</c>:
    /// (Σ|x|ᵖ)^(1/p); p = ∞ gives max|x|, −∞ min|x|, 0 the count of non-zeros. Accumulates in double
    /// (grad_fn NormBackward1).</summary>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false) => PNorm((float)p, dims ?? Array.Empty<int>(), keepDim, "NormBackward1");

    /// <summary>The p-norm along one dimension; see <see cref="Norm(double, int[], bool)"/>.</summary>
    public Tensor Norm(double p, int dim, bool keepDim = false) => PNorm((float)p, new[] { dim }, keepDim, "NormBackward1");

    /// <summary>A named norm: "fro" (Frobenius, the 2-norm of the flattened dims), PyTorch's <c>norm(p='fro', dim)</c>.
    /// With dims, PyTorch 1.13 computes it as sqrt(sum(x·x)), hence grad_fn SqrtBackward0 there.</summary>
    public Tensor Norm(string p, int[]? dims = null, bool keepDim = false)
    {
        if (p != "fro")
            throw new ArgumentException($"norm(): p '{p}' is not supported; use \"fro\" or a number (nuclear norms are not implemented).");
        return PNorm(2f, dims ?? Array.Empty<int>(), keepDim, dims is { Length: > 0 } ? "SqrtBackward0" : "NormBackward1");
    }

    private Tensor PNorm(float p, int[] dims, bool keepDim, string gradFn)
    {
        if (DType != DType.Float32)
            throw new ArgumentException($"norm(): expected a floating point tensor, got {DType.TorchName()}.");
        if (float.IsNaN(p)) throw new ArgumentException("norm(): p must not be NaN.");
        var (reduced, outShape, keptShape) = ReductionShapes(ScalarDims(dims), keepDim);
        var r = ReduceRows(reduced, outShape, (row, _) => (float)NormRow(row, p));
        var x = this;
        return Graph.Record(r, gradFn, new[] { x }, g =>
        {
            var gk = g.Reshape(keptShape);
            var nk = r.Detach().Reshape(keptShape);
            if (p == 0f) return new[] { Torch.ZerosLike(x) };
            if (p == 1f) return new[] { x.Sign().Mul(gk) };
            if (p == 2f) return new[] { x.Mul(gk.Div(nk).MaskedFill(nk.Eq(0f), 0f)) };
            if (float.IsInfinity(p))
            {
                // amax/amin of |x| with the gradient split between ties (NaNs count as selected)
                var ax = x.Abs();
                var mask = ax.Eq(nk).Float().Add(ax.Ne(ax).Float()).Clamp(0f, 1f);
                return new[] { x.Sign().Mul(gk.Div(mask.Sum(reduced, keepDim: true))).Mul(mask) };
            }
            var scale = gk.Div(nk.Pow(p - 1f)).MaskedFill(nk.Eq(0f), 0f);
            var scaled = p < 2f
                ? x.Sign().Mul(x.Abs().Pow(p - 1f)).MaskedFill(x.Eq(0f), 0f)
                : x.Mul(x.Abs().Pow(p - 2f));
            return new[] { scaled.Mul(scale) };
        }, x, r);
    }

    private static double NormRow(ReadOnlySpan<float> row, float p)
    {
        if (p == 0f) { int c = 0; foreach (var v in row) if (v != 0) c++; return c; }
        if (float.IsPositiveInfinity(p) || float.IsNegativeInfinity(p))
        {
            if (row.Length == 0) return p > 0 ? 0 : double.PositiveInfinity;
            double best = Math.Abs(row[0]);
            foreach (var v in row)
            {
                double a = Math.Abs(v);
                if (double.IsNaN(a)) return double.NaN;
                if (p > 0 ? a > best : a < best) best = a;
            }
            return best;
        }
        double s = 0;
        if (p == 1f) { foreach (var v in row) s += Math.Abs(v); return s; }
        if (p == 2f) { foreach (var v in row) s += (double)v * v; return Math.Sqrt(s); }
        foreach (var v in row) s += Math.Pow(Math.Abs(v), p);
        return Math.Pow(s, 1.0 / p);
    }

    // ---------------------------------------------------------------- prod

    /// <summary>Product of all elements (0-d), PyTorch's <c>prod()</c>. The gradient is the product of the other
    /// elements, exact also where inputs are zero (grad_fn ProdBackward0).</summary>
    public Tensor Prod()
    {
        if (DType != DType.Float32) return Float().Prod().Long();
        var flat = Detach().Reshape(-1);
        double acc = 1; foreach (var v in flat.ReadF32()) acc *= v;
        var r = Torch.Scalar((float)acc);
        var x = this;
        return Graph.Record(r, "ProdBackward0", new[] { x }, g => new[] { ProdOthers(x.Detach().Reshape(-1), 0).Reshape(x._shape).Mul(g) }, x);
    }

    /// <summary>Product along <paramref name="dim"/>, PyTorch's <c>prod(dim, keepdim)</c> (grad_fn ProdBackward1).</summary>
    public Tensor Prod(int dim, bool keepDim = false)
    {
        if (DType != DType.Float32) return Float().Prod(dim, keepDim).Long();
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        var (reduced, outShape, keptShape) = ReductionShapes(ScalarDims(new[] { d }), keepDim);
        var r = ReduceRows(reduced, outShape, (row, _) => { double acc = 1; foreach (var v in row) acc *= v; return (float)acc; });
        var x = this;
        return Graph.Record(r, "ProdBackward1", new[] { x }, g => new[] { ProdOthers(x.Detach(), d).Mul(g.Reshape(keptShape)) }, x);
    }

    /// <summary>For each element, the product of the other elements of its lane along <paramref name="d"/> (prefix × suffix products).</summary>
    private static Tensor ProdOthers(Tensor x, int d)
    {
        if (x.Ndim == 0) return Torch.OnesLike(x);
        var (outer, n, inner) = DimLayout(x._shape, d);
        var src = x.Dense<float>(out int off);
        var r = Empty(x._shape, DType.Float32, zero: false);
        var dst = r.F32;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * n * inner + i;
                double acc = 1;
                for (int k = 0; k < n; k++) { dst[b + k * inner] = (float)acc; acc *= src[off + b + k * inner]; }
                acc = 1;
                for (int k = n - 1; k >= 0; k--) { dst[b + k * inner] = (float)(dst[b + k * inner] * acc); acc *= src[off + b + k * inner]; }
            }
        return r;
    }

    // ---------------------------------------------------------------- logsumexp / cumsum

    /// <summary>log Σ exp(x) along <paramref name="dim"/>, computed stably (shifted by the maximum), PyTorch's
    /// <c>logsumexp(dim, keepdim)</c> (grad_fn LogsumexpBackward0).</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp(new[] { dim }, keepDim);

    /// <summary>log Σ exp(x) over several dimensions (all when empty).</summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        if (DType != DType.Float32) return Float().LogSumExp(dims, keepDim);
        var (reduced, outShape, keptShape) = ReductionShapes(ScalarDims(dims), keepDim);
        var r = ReduceRows(reduced, outShape, (row, _) =>
        {
            if (row.Length == 0) return float.NegativeInfinity;
            float m = TensorPrimitives.Max(row);   // NaN when any element is NaN
            if (float.IsNaN(m)) return float.NaN;
            float shift = float.IsInfinity(m) ? 0f : m;
            var buf = ArrayPool<float>.Shared.Rent(row.Length);
            var e = buf.AsSpan(0, row.Length);
            TensorPrimitives.Subtract(row, shift, e);
            TensorPrimitives.Exp(e, e);
            double s = TensorPrimitives.Sum(e);
            ArrayPool<float>.Shared.Return(buf);
            return (float)(Math.Log(s) + shift);
        });
        var x = this;
        return Graph.Record(r, "LogsumexpBackward0", new[] { x },
            g => new[] { g.Reshape(keptShape).Mul(x.Sub(r.Detach().Reshape(keptShape)).Exp()) }, x, r);
    }

    /// <summary>Cumulative sum along <paramref name="dim"/>, PyTorch's <c>cumsum(dim)</c>; float sums accumulate in
    /// double as PyTorch's CPU kernel does, integer and bool inputs give int64 (grad_fn CumsumBackward0).</summary>
    public Tensor CumSum(int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        if (DType == DType.Bool || DType == DType.UInt8) return Long().CumSum(dim);
        var (outer, n, inner) = DimLayout(_shape, d);
        var r = Empty(_shape, DType, zero: false);
        if (DType == DType.Int64)
        {
            var src = Dense<long>(out int off); var dst = r.I64;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    long acc = 0;
                    for (int k = 0, p = o * n * inner + i; k < n; k++, p += inner) { acc += src[off + p]; dst[p] = acc; }
                }
            return r;
        }
        {
            var src = Dense<float>(out int off); var dst = r.F32;
            ParallelFor.Run(outer, Math.Max(1, 16384 / Math.Max(1, n * inner)), (a, b) =>
            {
                for (int o = a; o < b; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        double acc = 0;
                        for (int k = 0, p = o * n * inner + i; k < n; k++, p += inner) { acc += src[off + p]; dst[p] = (float)acc; }
                    }
            });
        }
        return Graph.Record(r, "CumsumBackward0", new[] { this }, g => new[] { g.Flip(d).CumSum(d).Flip(d) });
    }

    // ---------------------------------------------------------------- all / any

    /// <summary>True when every element is non-zero (0-d bool; uint8 for uint8 input), PyTorch's <c>all()</c>.</summary>
    public Tensor All() => Truth(null, false, all: true);

    /// <summary>Whether every element along <paramref name="dim"/> is non-zero, PyTorch's <c>all(dim, keepdim)</c>.</summary>
    public Tensor All(int dim, bool keepDim = false) => Truth(dim, keepDim, all: true);

    /// <summary>True when any element is non-zero (0-d bool; uint8 for uint8 input), PyTorch's <c>any()</c>.</summary>
    public Tensor Any() => Truth(null, false, all: false);

    /// <summary>Whether any element along <paramref name="dim"/> is non-zero, PyTorch's <c>any(dim, keepdim)</c>.</summary>
    public Tensor Any(int dim, bool keepDim = false) => Truth(dim, keepDim, all: false);

    private Tensor Truth(int? dim, bool keepDim, bool all)
    {
        var src = Bool();
        int[] shape = dim == null ? new[] { Numel() } : _shape;
        int d = dim == null ? 0 : ShapeUtil.NormalizeDim(dim.Value, Ndim);
        if (shape.Length == 0) shape = new[] { 1 };
        var (outer, n, inner) = DimLayout(shape, d);
        var x = src.Dense<bool>(out int off);
        var outShape = dim == null ? Array.Empty<int>() : ReducedShape(_shape, d, keepDim);
        var res = new bool[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                bool acc = all;
                for (int k = 0, p = off + o * n * inner + i; k < n; k++, p += inner)
                    if (x[p] != all) { acc = !all; break; }
                res[o * inner + i] = acc;
            }
        var r = Wrap(res, outShape);
        return DType == DType.UInt8 ? r.Byte() : r;
    }

    // ---------------------------------------------------------------- helpers shared by the reduction, sorting and indexing ops

    /// <summary>(outer, n, inner) of a contiguous tensor of <paramref name="shape"/> seen as [outer, n, inner] around dim <paramref name="d"/>
    /// (a 0-d shape counts as [1]).</summary>
    internal static (int Outer, int N, int Inner) DimLayout(int[] shape, int d)
    {
        if (shape.Length == 0) return (1, 1, 1);
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[d], inner);
    }

    /// <summary>Checks <paramref name="dims"/>; a 0-d tensor reduces "all" of itself whatever dims (0 or -1) name.</summary>
    private int[] ScalarDims(int[] dims)
    {
        foreach (var d in dims) ShapeUtil.NormalizeDim(d, Ndim);
        return Ndim == 0 ? Array.Empty<int>() : dims;
    }

    /// <summary>The shape after reducing dim <paramref name="d"/>: removed, or kept as 1.</summary>
    internal static int[] ReducedShape(int[] shape, int d, bool keepDim)
    {
        if (shape.Length == 0) return Array.Empty<int>();
        if (keepDim) { var k = (int[])shape.Clone(); k[d] = 1; return k; }
        return shape.Where((_, i) => i != d).ToArray();
    }

    /// <summary>The elements in row-major order: the storage array itself when contiguous (<paramref name="offset"/> = the view's
    /// offset), else a contiguous copy (offset 0).</summary>
    internal T[] Dense<T>(out int offset)
    {
        var data = (T[])Storage.Data;
        if (IsContiguous()) { offset = _offset; return data; }
        var r = new T[Numel()];
        Strided.Gather(data, _shape, _strides, _offset, r);
        offset = 0;
        return r;
    }

    /// <summary>Generic twin of <see cref="MoveReducedLast"/>: a contiguous copy (or the storage itself, when it is already laid
    /// out so; callers only read it) with the <paramref name="reduced"/> dims last.</summary>
    internal T[] MoveDimsLast<T>(int[] reduced, out int rowLen)
    {
        var perm = Enumerable.Range(0, Ndim).Where(i => !reduced.Contains(i)).Concat(reduced).ToArray();
        rowLen = 1; foreach (var d in reduced) if (d < Ndim) rowLen *= _shape[d];
        var ps = perm.Select(i => _shape[i]).ToArray();
        var pst = perm.Select(i => _strides[i]).ToArray();
        var data = (T[])Storage.Data;
        if (_offset == 0 && data.Length == Numel() && Strided.IsContiguous(ps, pst)) return data;   // read-only use
        var buf = new T[Numel()];
        Strided.Gather(data, ps, pst, _offset, buf);
        return buf;
    }
}
