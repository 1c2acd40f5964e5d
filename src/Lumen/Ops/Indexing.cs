using Lumen.Autograd;

namespace Lumen;

// Indexing: views (narrow, select, slice, the x[...] indexer) and gathers/scatters (index_select, gather, scatter,
// scatter_add, masked_select, take, advanced indexing by a mask or an int64 tensor), plus one_hot.
public partial class Tensor
{
    // ---------------------------------------------------------------- views

    /// <summary>The view of <paramref name="length"/> elements of <paramref name="dim"/> starting at <paramref name="start"/>
    /// (negative counts from the end), PyTorch's <c>narrow(dim, start, length)</c> (grad_fn SliceBackward0).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        if (Ndim == 0) throw new ArgumentException("narrow() cannot be applied to a 0-dim tensor.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim), size = _shape[d];
        if (start < -size || start > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow(): start ({start}) is out of range for dimension {dim} of size {size} " +
                                                  $"(expected a value in [{-size}, {size}]; input shape {Shape}).");
        if (start < 0) start += size;
        if (length < 0 || start + length > size)
            throw new ArgumentOutOfRangeException(nameof(length), $"narrow(): start ({start}) + length ({length}) exceeds dimension {dim} of size {size} (input shape {Shape}).");
        return SliceView(d, start, length, 1, "SliceBackward0");
    }

    /// <summary>The view at <paramref name="index"/> (negative counts from the end) of <paramref name="dim"/>, which is removed,
    /// PyTorch's <c>select(dim, index)</c> and <c>x[index]</c> (grad_fn SelectBackward0).</summary>
    public Tensor Select(int dim, int index) => SelectView(dim, index, "SelectBackward0");

    /// <summary>The view start:end:step of <paramref name="dim"/> with Python's rules (negative bounds count from the end,
    /// out-of-range bounds are clamped, null is open), PyTorch's <c>x[:, start:end:step]</c> (grad_fn SliceBackward0).</summary>
    public Tensor Slice(int dim, int? start = null, int? end = null, int step = 1)
    {
        if (Ndim == 0) throw new ArgumentException("slice() cannot be applied to a 0-dim tensor.");
        if (step <= 0) throw new ArgumentException($"slice(): step must be positive, got {step}.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim), size = _shape[d];
        int s = ClampBound(start ?? 0, size), e = ClampBound(end ?? size, size);
        int length = e <= s ? 0 : (e - s + step - 1) / step;
        return SliceView(d, s, length, step, "SliceBackward0");
    }

    private static int ClampBound(int i, int size) => Math.Clamp(i < 0 ? i + size : i, 0, size);

    /// <summary>Basic indexing, PyTorch's <c>x[i, a:b, ..., None]</c>: ints select (dropping the dimension), C# ranges and
    /// <see cref="TensorIndex.Slice"/> slice, <see cref="TensorIndex.Ellipsis"/> fills the remaining dimensions and
    /// <see cref="TensorIndex.NewAxis"/> inserts one. The result is a view; assigning copies into it, PyTorch's
    /// <c>x[0, 1:3] = v</c> (v broadcast).</summary>
    // Named so the indexers do not clash with Item() (C# calls indexers "Item" by default).
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[params TensorIndex[] indices]
    {
        get => Index(indices);
        set => Index(indices).Copy_(value);
    }

    /// <summary>Advanced indexing, PyTorch's <c>x[mask]</c> and <c>x[idx]</c>: a bool mask over the leading dimensions picks
    /// the true positions (result [count, rest…]); an int64 tensor picks rows of dimension 0 (result idx.shape + rest, negative
    /// indices wrap). Copies, not views (grad_fn IndexBackward0).</summary>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[Tensor index] => AdvancedIndex(index);

    private Tensor Index(TensorIndex[] indices)
    {
        int consumed = indices.Count(i => i.Type is TensorIndex.Kind.Int or TensorIndex.Kind.Slice);
        int ellipses = indices.Count(i => i.Type == TensorIndex.Kind.Ellipsis);
        if (ellipses > 1) throw new ArgumentException("an index can only have a single ellipsis ('...').");
        if (consumed > Ndim)
            throw new ArgumentOutOfRangeException(nameof(indices),
                $"too many indices for tensor of dimension {Ndim} (shape {Shape}): got [{string.Join(", ", indices)}].");
        var t = this;
        int d = 0;
        foreach (var ix in indices)
        {
            switch (ix.Type)
            {
                case TensorIndex.Kind.Int:
                    var p = ix.Start!.Value;
                    // ^0 is one past the end: pass the size so the error names it.
                    t = t.Select(d, p.IsFromEnd ? (p.Value == 0 ? t._shape[d] : -p.Value) : p.Value);
                    break;
                case TensorIndex.Kind.Slice:
                    if (ix.Start == null && ix.Stop == null && ix.Step == 1) { d++; break; }   // ':' is a no-op, as in PyTorch
                    int size = t._shape[d];
                    int? s = ix.Start is Index a ? (a.IsFromEnd ? size - a.Value : a.Value) : null;
                    int? e = ix.Stop is Index b ? (b.IsFromEnd ? size - b.Value : b.Value) : null;
                    // Resolved from-end bounds may be negative only when they overshoot: clamp them to 0, as Python does.
                    t = t.Slice(d, s is < 0 ? 0 : s, e is < 0 ? 0 : e, ix.Step);
                    d++;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    d += Ndim - consumed;
                    break;
                case TensorIndex.Kind.NewAxis:
                    t = t.Unsqueeze(d);
                    d++;
                    break;
            }
        }
        return t;
    }

    private Tensor SelectView(int dim, int index, string gradFn)
    {
        if (Ndim == 0) throw new ArgumentException("select() cannot be applied to a 0-dim tensor.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim), size = _shape[d];
        if (index < -size || index >= size)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"select(): index {index} out of range for tensor of size {Shape} at dimension {dim} (expected a value in [{-size}, {size - 1}]).");
        int i = index < 0 ? index + size : index;
        var shape = _shape.Where((_, k) => k != d).ToArray();
        var strides = _strides.Where((_, k) => k != d).ToArray();
        var r = new Tensor(Storage, shape, strides, _offset + i * _strides[d]);
        var inShape = _shape;
        return Graph.Record(r, gradFn, new[] { this }, g => new[] { SliceBackward(g.Unsqueeze(d), inShape, d, i, 1) });
    }

    /// <summary>The view of <paramref name="length"/> elements of dim <paramref name="d"/> from <paramref name="start"/> every
    /// <paramref name="step"/>, recorded as <paramref name="gradFn"/> (SliceBackward0, SplitBackward0, …).</summary>
    internal Tensor SliceView(int d, int start, int length, int step, string gradFn)
    {
        var shape = (int[])_shape.Clone(); shape[d] = length;
        var strides = (int[])_strides.Clone(); strides[d] *= step;
        var r = new Tensor(Storage, shape, strides, _offset + (length == 0 ? 0 : start * _strides[d]));
        var inShape = _shape;
        return Graph.Record(r, gradFn, new[] { this }, g => new[] { SliceBackward(g, inShape, d, start, step) });
    }

    /// <summary>Zeros of <paramref name="inShape"/> with <paramref name="g"/> written into the slice start::step of dim <paramref name="d"/>.</summary>
    internal static Tensor SliceBackward(Tensor g, int[] inShape, int d, int start, int step)
    {
        var z = Empty(inShape);
        if (g.Numel() == 0) return z;
        var strides = ShapeUtil.ContiguousStrides(inShape);
        int off = start * strides[d];
        strides[d] *= step;
        Strided.Scatter<float>(g.ReadF32(), z.F32, g._shape, strides, off);
        return z;
    }

    // ---------------------------------------------------------------- index_select / gather / scatter

    /// <summary>The entries of <paramref name="dim"/> listed by the 1-d int64 <paramref name="index"/> (repeats allowed),
    /// PyTorch's <c>index_select(dim, index)</c>: (…, n, …) → (…, index.numel, …) (grad_fn IndexSelectBackward0).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        CheckIndexDType(index, "index_select");
        if (index.Ndim > 1) throw new ArgumentException($"index_select(): index is supposed to be a vector, got shape {index.Shape}.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        var idx = index.ToArray<long>();
        int size = Ndim == 0 ? 1 : _shape[d];
        foreach (var v in idx)
            if (v < 0 || v >= size)
                throw new ArgumentOutOfRangeException(nameof(index),
                    $"index_select(): index {v} is out of range for dimension {dim} with size {size} (input shape {Shape}).");
        var outShape = Ndim == 0 ? Array.Empty<int>() : (int[])_shape.Clone();
        if (Ndim > 0) outShape[d] = idx.Length;
        var r = Empty(outShape, DType, zero: false);
        var (outer, n, inner) = DimLayout(_shape, d);
        switch (DType)
        {
            case DType.Float32: IndexSelectKernel(Dense<float>(out int o1), o1, outer, n, inner, idx, r.F32); break;
            case DType.Int64: IndexSelectKernel(Dense<long>(out int o2), o2, outer, n, inner, idx, r.I64); break;
            case DType.UInt8: IndexSelectKernel(Dense<byte>(out int o3), o3, outer, n, inner, idx, r.U8); break;
            case DType.Bool: IndexSelectKernel(Dense<bool>(out int o4), o4, outer, n, inner, idx, r.B8); break;
        }
        if (DType != DType.Float32) return r;
        var inShape = _shape;
        return Graph.Record(r, "IndexSelectBackward0", new[] { this }, g => new[] { IndexAddInto(Empty(inShape), d, idx, g) });
    }

    private static void IndexSelectKernel<T>(T[] x, int off, int outer, int n, int inner, long[] idx, T[] dst)
    {
        int m = idx.Length;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
                Array.Copy(x, off + (o * n + (int)idx[k]) * inner, dst, (o * m + k) * inner, inner);
    }

    /// <summary>target[…, idx[k], …] += src[…, k, …] along dim <paramref name="d"/> of the contiguous float <paramref name="target"/>; returns it.</summary>
    private static Tensor IndexAddInto(Tensor target, int d, long[] idx, Tensor src)
    {
        var (outer, n, inner) = DimLayout(target._shape, d);
        var s = src.Dense<float>(out int off);
        var t = target.F32;
        int m = idx.Length;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
            {
                int dst = (o * n + (int)idx[k]) * inner, from = off + (o * m + k) * inner;
                for (int i = 0; i < inner; i++) t[dst + i] += s[from + i];
            }
        return target;
    }

    /// <summary>Picks along <paramref name="dim"/> by an int64 <paramref name="index"/> of the same rank,
    /// PyTorch's <c>gather(dim, index)</c>: out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1. The output has index's
    /// shape; index.size(d) ≤ x.size(d) for d ≠ dim (grad_fn GatherBackward0).</summary>
    public Tensor Gather(int dim, Tensor index)
    {
        CheckIndexDType(index, "gather");
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        CheckScatterShapes("gather", d, index, null);
        var idx = ValidatedIndex(index, d, "gather");
        var r = Empty(index._shape, DType, zero: false);
        var selfStrides = ShapeUtil.ContiguousStrides(_shape);
        var bases = Offsets(index._shape, selfStrides, d);
        int sd = Ndim == 0 ? 0 : selfStrides[d];
        switch (DType)
        {
            case DType.Float32: GatherKernel(Dense<float>(out int o1), o1, bases, idx, sd, r.F32); break;
            case DType.Int64: GatherKernel(Dense<long>(out int o2), o2, bases, idx, sd, r.I64); break;
            case DType.UInt8: GatherKernel(Dense<byte>(out int o3), o3, bases, idx, sd, r.U8); break;
            case DType.Bool: GatherKernel(Dense<bool>(out int o4), o4, bases, idx, sd, r.B8); break;
        }
        if (DType != DType.Float32) return r;
        var inShape = _shape;
        return Graph.Record(r, "GatherBackward0", new[] { this }, g => new[] { Torch.Zeros(inShape).ScatterAdd(d, index, g) }, index);
    }

    private static void GatherKernel<T>(T[] x, int off, int[] bases, long[] idx, int stride, T[] dst)
    {
        for (int p = 0; p < dst.Length; p++) dst[p] = x[off + bases[p] + (int)idx[p] * stride];
    }

    /// <summary>A copy with src written at the positions <paramref name="index"/> names along <paramref name="dim"/>,
    /// PyTorch's <c>scatter(dim, index, src)</c>: out[i][index[i][j][k]][k] = src[i][j][k] for dim = 1. Duplicate positions
    /// keep the last write (grad_fn ScatterBackward0).</summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src) => ScatterCore(dim, index, src, 0f, add: false);

    /// <summary>A copy with <paramref name="value"/> written at the positions <paramref name="index"/> names,
    /// PyTorch's <c>scatter(dim, index, value)</c> (grad_fn ScatterBackward1).</summary>
    public Tensor Scatter(int dim, Tensor index, double value) => ScatterCore(dim, index, null, (float)value, add: false);

    /// <summary>A copy with src added at the positions <paramref name="index"/> names (duplicates accumulate),
    /// PyTorch's <c>scatter_add(dim, index, src)</c> (grad_fn ScatterAddBackward0).</summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src) => ScatterCore(dim, index, src, 0f, add: true);

    private Tensor ScatterCore(int dim, Tensor index, Tensor? src, float value, bool add)
    {
        string op = add ? "scatter_add" : "scatter";
        CheckIndexDType(index, op);
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        CheckScatterShapes(op, d, index, src);
        var idx = ValidatedIndex(index, d, op);
        var selfStrides = ShapeUtil.ContiguousStrides(_shape);
        var bases = Offsets(index._shape, selfStrides, d);
        int sd = Ndim == 0 ? 0 : selfStrides[d];
        var s = src == null ? null : src.DType == DType ? src : src.To(DType);
        int[]? srcPos = s == null ? null : Offsets(index._shape, ShapeUtil.ContiguousStrides(s._shape), -1);
        var r = Empty(_shape, DType, zero: false);
        CopyInto(r);
        int so = 0;
        switch (DType)
        {
            case DType.Float32: ScatterKernel(r.F32, bases, idx, sd, s == null ? null : s.Dense<float>(out so), so, srcPos, value, add); break;
            case DType.Int64: ScatterKernel(r.I64, bases, idx, sd, s == null ? null : s.Dense<long>(out so), so, srcPos, (long)value, add); break;
            case DType.UInt8: ScatterKernel(r.U8, bases, idx, sd, s == null ? null : s.Dense<byte>(out so), so, srcPos, (byte)value, add); break;
            default:
                if (add) throw new ArgumentException($"{op}(): not supported for bool tensors.");
                ScatterSetKernel(r.B8, bases, idx, sd, s == null ? null : s.Dense<bool>(out so), so, srcPos, value != 0);
                break;
        }
        if (DType != DType.Float32) return r;
        int[] srcShape = src?._shape ?? Array.Empty<int>();
        string name = add ? "ScatterAddBackward0" : src == null ? "ScatterBackward1" : "ScatterBackward0";
        return Graph.Record(r, name, new Tensor?[] { this, src }, g => new[]
        {
            add ? g : g.Scatter(d, index, 0f),
            src == null || !src.RequiresGrad ? null : PadTo(g.Gather(d, index), srcShape),
        }, index);
    }

    private static void ScatterKernel<T>(T[] dst, int[] bases, long[] idx, int stride, T[]? src, int srcOff, int[]? srcPos, T value, bool add)
        where T : System.Numerics.INumber<T>
    {
        for (int p = 0; p < idx.Length; p++)
        {
            int at = bases[p] + (int)idx[p] * stride;
            T v = src == null ? value : src[srcOff + srcPos![p]];
            dst[at] = add ? dst[at] + v : v;
        }
    }

    private static void ScatterSetKernel<T>(T[] dst, int[] bases, long[] idx, int stride, T[]? src, int srcOff, int[]? srcPos, T value)
    {
        for (int p = 0; p < idx.Length; p++)
            dst[bases[p] + (int)idx[p] * stride] = src == null ? value : src[srcOff + srcPos![p]];
    }

    /// <summary>Zeros of <paramref name="shape"/> with <paramref name="g"/> in its leading corner (src larger than index in scatter).</summary>
    private static Tensor PadTo(Tensor g, int[] shape)
    {
        if (g._shape.AsSpan().SequenceEqual(shape)) return g;
        var z = Empty(shape);
        Strided.Scatter<float>(g.ReadF32(), z.F32, g._shape, ShapeUtil.ContiguousStrides(shape), 0);
        return z;
    }

    private static void CheckIndexDType(Tensor index, string op)
    {
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}(): expected an int64 index tensor, got {index.DType.TorchName()} (shape {index.Shape}).");
    }

    /// <summary>PyTorch's gather/scatter shape rules: equal ranks; index.size(d) ≤ self.size(d) for d ≠ dim and ≤ src.size(d) for every d.</summary>
    private void CheckScatterShapes(string op, int dim, Tensor index, Tensor? src)
    {
        int rank = Math.Max(Ndim, 1);
        if (Math.Max(index.Ndim, 1) != rank || (src != null && Math.Max(src.Ndim, 1) != rank))
            throw new ShapeMismatchException($"{op}(): index (shape {index.Shape})" + (src != null ? $", src (shape {src.Shape})" : "") +
                                             $" and self (shape {Shape}) must have the same number of dimensions.");
        for (int k = 0; k < index.Ndim; k++)
        {
            if (k != dim && Ndim > 0 && index._shape[k] > _shape[k])
                throw new ShapeMismatchException($"{op}(): size of index (shape {index.Shape}) at dimension {k} must not exceed self's (shape {Shape}).");
            if (src != null && src.Ndim > 0 && index._shape[k] > src._shape[k])
                throw new ShapeMismatchException($"{op}(): size of index (shape {index.Shape}) at dimension {k} must not exceed src's (shape {src.Shape}).");
        }
    }

    /// <summary>The index values, each checked to lie in [0, size of dim <paramref name="d"/>).</summary>
    private long[] ValidatedIndex(Tensor index, int d, string op)
    {
        var idx = index.ToArray<long>();
        int size = Ndim == 0 ? 1 : _shape[d];
        foreach (var v in idx)
            if (v < 0 || v >= size)
                throw new ArgumentOutOfRangeException(nameof(index),
                    $"{op}(): index {v} is out of bounds for dimension {d} with size {size} (self shape {Shape}, index shape {index.Shape}).");
        return idx;
    }

    /// <summary>For each element (row-major) of a tensor of shape <paramref name="shape"/>, the offset its coordinates have under
    /// <paramref name="strides"/>, skipping dimension <paramref name="skipDim"/> (−1: none).</summary>
    private static int[] Offsets(int[] shape, int[] strides, int skipDim)
    {
        int n = ShapeUtil.NumelInt(shape);
        var r = new int[n];
        var coord = new int[shape.Length];
        int off = 0;
        for (int p = 0; p < n; p++)
        {
            r[p] = off;
            for (int k = shape.Length - 1; k >= 0; k--)
            {
                int st = k == skipDim ? 0 : strides[k];
                coord[k]++; off += st;
                if (coord[k] < shape[k]) break;
                off -= st * shape[k]; coord[k] = 0;
            }
        }
        return r;
    }

    // ---------------------------------------------------------------- masked_select / take / advanced indexing

    /// <summary>The elements where the bool <paramref name="mask"/> (broadcast with this tensor) is true, as a 1-d tensor in
    /// row-major order, PyTorch's <c>masked_select(mask)</c> (grad_fn MaskedSelectBackward0).</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"masked_select(): expected a bool mask, got {mask.DType.TorchName()} (shape {mask.Shape}).");
        var shape = ShapeUtil.Broadcast(_shape, mask._shape, "masked_select");
        var m = mask.Expand(shape).ToArray<bool>();
        var pos = new List<long>();
        for (int i = 0; i < m.Length; i++) if (m[i]) pos.Add(i);
        Tensor flat;
        using (Autograd.Autograd.NoGrad()) flat = Detach().Expand(shape).Reshape(-1);
        var r = flat.TakeFlat(pos.ToArray(), new[] { pos.Count });
        if (DType != DType.Float32) return r;
        var inShape = _shape;
        var p = pos.ToArray();
        return Graph.Record(r, "MaskedSelectBackward0", new[] { this }, g => new[] { SumTo(PutAdd(shape, p, g), inShape) });
    }

    /// <summary>Elements of the flattened tensor at the int64 <paramref name="index"/> positions (negative counts from the end);
    /// the result has index's shape, PyTorch's <c>take(index)</c> (grad_fn TakeBackward0).</summary>
    public Tensor Take(Tensor index)
    {
        CheckIndexDType(index, "take");
        int n = Numel();
        var idx = index.ToArray<long>();
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < -n || idx[i] >= n)
                throw new ArgumentOutOfRangeException(nameof(index), $"take(): index {idx[i]} is out of range for tensor of size {Shape} with {n} elements.");
            if (idx[i] < 0) idx[i] += n;
        }
        var r = TakeFlat(idx, index._shape);
        if (DType != DType.Float32) return r;
        var inShape = _shape;
        return Graph.Record(r, "TakeBackward0", new[] { this }, g => new[] { PutAdd(inShape, idx, g) });
    }

    /// <summary>Elements at flat row-major positions <paramref name="idx"/> (already valid), shaped <paramref name="shape"/>.</summary>
    private Tensor TakeFlat(long[] idx, int[] shape)
    {
        var r = Empty(shape, DType, zero: false);
        switch (DType)
        {
            case DType.Float32: { var x = Dense<float>(out int o); var d = r.F32; for (int i = 0; i < idx.Length; i++) d[i] = x[o + (int)idx[i]]; break; }
            case DType.Int64: { var x = Dense<long>(out int o); var d = r.I64; for (int i = 0; i < idx.Length; i++) d[i] = x[o + (int)idx[i]]; break; }
            case DType.UInt8: { var x = Dense<byte>(out int o); var d = r.U8; for (int i = 0; i < idx.Length; i++) d[i] = x[o + (int)idx[i]]; break; }
            case DType.Bool: { var x = Dense<bool>(out int o); var d = r.B8; for (int i = 0; i < idx.Length; i++) d[i] = x[o + (int)idx[i]]; break; }
        }
        return r;
    }

    /// <summary>Zeros of <paramref name="shape"/> with g's elements added at flat positions <paramref name="idx"/> (PyTorch's put_ with accumulate).</summary>
    private static Tensor PutAdd(int[] shape, long[] idx, Tensor g)
    {
        var z = Empty(shape);
        var dst = z.F32;
        var src = g.ReadF32();
        for (int i = 0; i < idx.Length; i++) dst[idx[i]] += src[i];
        return z;
    }

    private Tensor AdvancedIndex(Tensor index)
    {
        if (index.DType == DType.Bool || index.DType == DType.UInt8)
        {
            var mask = index.DType == DType.Bool ? index : index.Bool();
            if (mask.Ndim > Ndim)
                throw new ShapeMismatchException($"index: a mask of shape {mask.Shape} has more dimensions than the indexed tensor (shape {Shape}).");
            for (int k = 0; k < mask.Ndim; k++)
                if (mask._shape[k] != _shape[k])
                    throw new ShapeMismatchException($"index: the shape of the mask {mask.Shape} at index {k} does not match the shape of the indexed tensor {Shape} at index {k}.");
            var m = mask.ToArray<bool>();
            var rows = new List<long>();
            for (int i = 0; i < m.Length; i++) if (m[i]) rows.Add(i);
            var rest = _shape.Skip(mask.Ndim).ToArray();
            return IndexRows(new[] { m.Length }.Concat(rest).ToArray(), rows.ToArray(), new[] { rows.Count });
        }
        if (index.DType != DType.Int64)
            throw new ArgumentException($"index: tensors used as indices must be int64, bool or uint8, got {index.DType.TorchName()}.");
        if (Ndim == 0) throw new ArgumentOutOfRangeException(nameof(index), "index: a 0-dim tensor cannot be indexed by a tensor.");
        int size = _shape[0];
        var idx = index.ToArray<long>();
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < -size || idx[i] >= size)
                throw new ArgumentOutOfRangeException(nameof(index), $"index {idx[i]} is out of bounds for dimension 0 with size {size} (tensor shape {Shape}).");
            if (idx[i] < 0) idx[i] += size;
        }
        return IndexRows(_shape, idx, index._shape);
    }

    /// <summary>Rows <paramref name="rows"/> of this tensor viewed as <paramref name="flatShape"/> (dim 0 = the indexed dims),
    /// shaped idxShape + flatShape[1..] (grad_fn IndexBackward0).</summary>
    private Tensor IndexRows(int[] flatShape, long[] rows, int[] idxShape)
    {
        Tensor r;
        using (Autograd.Autograd.NoGrad())
            r = Detach().Reshape(flatShape).IndexSelect(0, Wrap(rows, rows.Length)).Reshape(idxShape.Concat(flatShape.Skip(1)).ToArray());
        if (DType != DType.Float32) return r;
        var inShape = _shape;
        var rowsShape = new[] { rows.Length }.Concat(flatShape.Skip(1)).ToArray();
        return Graph.Record(r, "IndexBackward0", new[] { this },
            g => new[] { IndexAddInto(Empty(flatShape), 0, rows, g.Reshape(rowsShape)).Reshape(inShape) });
    }
}

public static partial class Torch
{
    /// <summary>One-hot encoding of an int64 tensor of class indices, PyTorch's <c>F.one_hot(tensor, num_classes=-1)</c>:
    /// shape (…) → (…, numClasses), int64. With numClasses = −1 it is max(tensor) + 1.</summary>
    public static Tensor OneHot(Tensor tensor, int numClasses = -1)
    {
        if (tensor.DType != DType.Int64)
            throw new ArgumentException($"one_hot is only applicable to int64 index tensors, got {tensor.DType.TorchName()}.");
        var v = tensor.ToArray<long>();
        if (numClasses == -1)
        {
            if (v.Length == 0) throw new ArgumentException("one_hot: can not infer the number of classes from an empty tensor; pass numClasses.");
            numClasses = (int)v.Max() + 1;
        }
        else if (numClasses < 1 && !(numClasses == 0 && v.Length == 0))
            throw new ArgumentException($"one_hot: numClasses must be positive or -1, got {numClasses}.");
        foreach (var c in v)
        {
            if (c < 0) throw new ArgumentOutOfRangeException(nameof(tensor), $"one_hot: class values must be non-negative, got {c}.");
            if (c >= numClasses) throw new ArgumentOutOfRangeException(nameof(tensor), $"one_hot: class value {c} must be smaller than numClasses ({numClasses}).");
        }
        var data = new long[v.Length * numClasses];
        for (int i = 0; i < v.Length; i++) data[i * numClasses + v[i]] = 1;
        return Lumen.Tensor.Wrap(data, tensor.Shape.ToArray().Append(numClasses).ToArray());
    }
}
