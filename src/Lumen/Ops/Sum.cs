using System.Numerics.Tensors;
using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen;

// Sum and mean over all or some dimensions (the reductions autograd itself needs).
public partial class Tensor
{
    /// <summary>Sum of all elements as a 0-d tensor (int64 for integer and bool inputs, as in PyTorch).</summary>
    public Tensor Sum()
    {
        if (DType != DType.Float32)
        {
            var v = ToDoubles(); long s = 0; foreach (var x in v) s += (long)x;
            return Torch.Scalar(s);
        }
        var r = Torch.Scalar(TensorPrimitives.Sum(ReadF32()));
        var inShape = _shape;
        return Graph.Record(r, "SumBackward0", new[] { this }, g => new[] { g.Expand(inShape) });
    }

    /// <summary>Sum over <paramref name="dim"/>, PyTorch's <c>sum(dim, keepdim)</c>.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum(new[] { dim }, keepDim);

    /// <summary>Sum over several dimensions.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var (reduced, outShape, keptShape) = ReductionShapes(dims, keepDim);
        if (DType != DType.Float32) return Float().Sum(dims, keepDim).Long();
        var r = ReduceRows(reduced, outShape, (row, _) => TensorPrimitives.Sum(row));
        var inShape = _shape;
        return Graph.Record(r, "SumBackward1", new[] { this }, g => new[] { g.Reshape(keptShape).Expand(inShape) });
    }

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean()
    {
        if (DType != DType.Float32) throw new InvalidOperationException($"mean(): could not infer output dtype. Input dtype must be floating point, got {DType.TorchName()}.");
        int n = Numel();
        var r = Torch.Scalar(TensorPrimitives.Sum(ReadF32()) / n);
        var inShape = _shape;
        return Graph.Record(r, "MeanBackward0", new[] { this }, g => new[] { g.Div(n).Expand(inShape) });
    }

    /// <summary>Mean over <paramref name="dim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean(new[] { dim }, keepDim);

    /// <summary>Mean over several dimensions.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        if (DType != DType.Float32) throw new InvalidOperationException($"mean(): could not infer output dtype. Input dtype must be floating point, got {DType.TorchName()}.");
        var (reduced, outShape, keptShape) = ReductionShapes(dims, keepDim);
        int n = 1; foreach (var d in reduced) n *= _shape[d];
        var r = ReduceRows(reduced, outShape, (row, _) => TensorPrimitives.Sum(row) / row.Length);
        var inShape = _shape;
        return Graph.Record(r, "MeanBackward1", new[] { this }, g => new[] { g.Div(n).Reshape(keptShape).Expand(inShape) });
    }

    /// <summary>Normalises reduction dims and returns (sorted reduced dims, output shape, shape with reduced dims kept as 1).</summary>
    internal (int[] Reduced, int[] OutShape, int[] KeptShape) ReductionShapes(int[] dims, bool keepDim = false)
    {
        if (Ndim == 0)
        {
            foreach (var d in dims) ShapeUtil.NormalizeDim(d, 0); // 0 and -1 are valid dims of a 0-d tensor
            return (Array.Empty<int>(), Array.Empty<int>(), Array.Empty<int>());
        }
        var reduced = dims.Length == 0
            ? Enumerable.Range(0, Ndim).ToArray()
            : dims.Select(d => ShapeUtil.NormalizeDim(d, Ndim)).Distinct().OrderBy(d => d).ToArray();
        if (reduced.Length != dims.Length && dims.Length != 0)
            throw new ArgumentException($"dim [{string.Join(", ", dims)}] appears multiple times in the list of dims.");
        var kept = (int[])_shape.Clone();
        foreach (var d in reduced) if (d < kept.Length) kept[d] = 1;
        var outShape = keepDim ? kept : _shape.Where((_, i) => !reduced.Contains(i)).ToArray();
        return (reduced, outShape, kept);
    }

    /// <summary>Moves the reduced dims last, makes the data contiguous, and reduces each row with <paramref name="reduce"/>;
    /// the result has <paramref name="outShape"/> (its element count must equal the number of rows).</summary>
    internal Tensor ReduceRows(int[] reduced, int[] outShape, Func<ReadOnlySpan<float>, int, float> reduce, bool keepDimShapeOk = true)
    {
        var src = MoveReducedLast(reduced, out int rowLen);
        int rows = rowLen == 0 ? ShapeUtil.NumelInt(outShape) : src.Length / rowLen;
        var r = Empty(outShape, DType.Float32, zero: false);
        var dst = r.F32;
        ParallelFor.Run(rows, Math.Max(1, 16384 / Math.Max(rowLen, 1)), (a, b) =>
        {
            for (int i = a; i < b; i++) dst[i] = reduce(src.AsSpan(i * rowLen, rowLen), i);
        });
        return r;
    }

    /// <summary>A contiguous copy (or the data itself, never written to) with the <paramref name="reduced"/> dims moved to the end.</summary>
    internal float[] MoveReducedLast(int[] reduced, out int rowLen)
    {
        var keep = Enumerable.Range(0, Ndim).Where(i => !reduced.Contains(i));
        var perm = keep.Concat(reduced).ToArray();
        rowLen = 1; foreach (var d in reduced) rowLen *= _shape[d];
        var ps = perm.Select(i => _shape[i]).ToArray();
        var pst = perm.Select(i => _strides[i]).ToArray();
        // Already laid out with the reduced dims last (e.g. a reduction over the last dim): read the storage itself.
        if (_offset == 0 && F32.Length == Numel() && Strided.IsContiguous(ps, pst)) return F32;
        var buf = DisposeScope.RentArray<float>(Numel());   // scratch: pooled until the scope ends, when one is open
        Strided.Gather(F32, ps, pst, _offset, buf);
        return buf;
    }
}
