namespace Lumen;

/// <summary>
/// A gradient in PyTorch's sparse COO layout, what <c>p.grad</c> is after a backward through
/// <c>Embedding(sparse: true)</c>: <see cref="Indices"/> (int64, [sparse_dim, nnz]) name the slices that have a
/// gradient and <see cref="Values"/> (float32, [nnz, dense dims…]) hold them; every other slice is absent (not zero).
/// As in PyTorch a fresh sparse gradient is uncoalesced: an index may repeat (a row used twice in the batch) and the
/// entries are in the order the backward produced them; <see cref="Coalesce"/> sorts the indices and sums duplicates,
/// which is what <see cref="Optim.SparseAdam"/> reads. Lumen keeps it beside the dense gradient, in
/// <see cref="Tensor.SparseGrad"/>, so code that expects a dense <see cref="Tensor.Grad"/> never reads sparse data.
/// </summary>
public sealed class SparseGradient
{
    /// <summary>int64 [sparse_dim, nnz]: the index of each present slice, PyTorch's <c>_indices()</c>.</summary>
    public Tensor Indices { get; }
    /// <summary>float32 [nnz, dense dims…]: the value of each present slice, PyTorch's <c>_values()</c>.</summary>
    public Tensor Values { get; }
    /// <summary>The dense shape (the parameter's).</summary>
    public Shape Shape { get; }
    /// <summary>Whether the indices are sorted and unique, PyTorch's <c>is_coalesced()</c>.</summary>
    public bool IsCoalesced { get; }
    /// <summary>Number of leading dimensions that are indexed.</summary>
    public int SparseDim => Indices.Shape[0];
    /// <summary>Number of stored slices, PyTorch's <c>_nnz()</c>.</summary>
    public int Nnz => Indices.Shape[1];

    /// <summary>A sparse gradient from indices [sparse_dim, nnz] and values [nnz, Shape[sparse_dim..]].</summary>
    /// <exception cref="ArgumentException">Dtypes or shapes do not fit, or an index is out of range.</exception>
    public SparseGradient(Tensor indices, Tensor values, Shape shape, bool isCoalesced = false)
    {
        if (indices.DType != DType.Int64 || indices.Ndim != 2)
            throw new ArgumentException($"SparseGradient: indices must be a 2-D int64 tensor [sparse_dim, nnz], got {indices.DType.TorchName()} {indices.Shape}.");
        if (values.DType != DType.Float32)
            throw new ArgumentException($"SparseGradient: values must be float32, got {values.DType.TorchName()}.");
        int sd = indices.Shape[0], nnz = indices.Shape[1];
        if (sd < 1 || sd > shape.Count)
            throw new ArgumentException($"SparseGradient: sparse_dim {sd} must be in 1..{shape.Count} for shape {shape}.");
        var expected = new[] { nnz }.Concat(shape.Skip(sd)).ToArray();
        if (values.Shape != new Shape(expected))
            throw new ArgumentException($"SparseGradient: values of shape {values.Shape} do not fit indices {indices.Shape} and shape {shape}: expected {new Shape(expected)}.");
        var idx = indices.ToArray<long>();
        for (int d = 0; d < sd; d++)
            for (int k = 0; k < nnz; k++)
                if (idx[d * nnz + k] < 0 || idx[d * nnz + k] >= shape[d])
                    throw new ArgumentException($"SparseGradient: index {idx[d * nnz + k]} is out of range for dimension {d} of size {shape[d]}.");
        Indices = indices.Contiguous();
        Values = values.Contiguous();
        Shape = shape;
        IsCoalesced = isCoalesced;
    }

    /// <summary>Number of elements in one stored slice (the product of the dense dimensions).</summary>
    public int SliceSize => (int)ShapeUtil.Numel(Shape.ToArray().AsSpan(SparseDim));

    /// <summary>The flat slice number (row-major over the sparse dimensions) of each entry.</summary>
    public long[] LinearIndices()
    {
        var idx = Indices.ToArray<long>();
        int sd = SparseDim, nnz = Nnz;
        var lin = new long[nnz];
        for (int k = 0; k < nnz; k++)
        {
            long l = 0;
            for (int d = 0; d < sd; d++) l = l * Shape[d] + idx[d * nnz + k];
            lin[k] = l;
        }
        return lin;
    }

    /// <summary>Indices sorted, duplicates summed (in the order they were stored), PyTorch's <c>coalesce()</c>.</summary>
    public SparseGradient Coalesce()
    {
        if (IsCoalesced) return this;
        var lin = LinearIndices();
        var order = Enumerable.Range(0, lin.Length).OrderBy(k => lin[k]).ToArray();   // stable
        int slice = SliceSize, sd = SparseDim;
        var src = Values.ToArray<float>();
        var uniq = new List<long>();
        var vals = new List<float>();
        foreach (var k in order)
        {
            if (uniq.Count > 0 && uniq[^1] == lin[k])
            {
                int at = (uniq.Count - 1) * slice;
                for (int j = 0; j < slice; j++) vals[at + j] += src[k * slice + j];
                continue;
            }
            uniq.Add(lin[k]);
            for (int j = 0; j < slice; j++) vals.Add(src[k * slice + j]);
        }
        int n = uniq.Count;
        var newIdx = new long[sd * n];
        for (int k = 0; k < n; k++)
        {
            long l = uniq[k];
            for (int d = sd - 1; d >= 0; d--) { newIdx[d * n + k] = l % Shape[d]; l /= Shape[d]; }
        }
        var valShape = new[] { n }.Concat(Shape.Skip(sd)).ToArray();
        return new SparseGradient(Torch.Tensor(newIdx, sd, n), Lumen.Tensor.Wrap(vals.ToArray(), valShape), Shape, isCoalesced: true);
    }

    /// <summary>The dense gradient (absent slices are zeros, duplicates summed), PyTorch's <c>to_dense()</c>.</summary>
    public Tensor ToDense()
    {
        var dense = new float[Shape.Numel];
        var lin = LinearIndices();
        var v = Values.ToArray<float>();
        int slice = SliceSize;
        for (int k = 0; k < lin.Length; k++)
            for (int j = 0; j < slice; j++) dense[lin[k] * slice + j] += v[k * slice + j];
        return Lumen.Tensor.Wrap(dense, Shape.ToArray());
    }

    /// <summary>PyTorch's <c>dense.to_sparse()</c>: every non-zero element becomes an entry (sparse_dim = ndim), coalesced.</summary>
    public static SparseGradient FromDense(Tensor dense)
    {
        var d = dense.ToArray<float>();
        var shape = dense.Shape;
        int nd = Math.Max(shape.Count, 1);
        var nz = Enumerable.Range(0, d.Length).Where(i => d[i] != 0f).ToArray();
        var idx = new long[nd * nz.Length];
        for (int k = 0; k < nz.Length; k++)
        {
            long l = nz[k];
            for (int j = nd - 1; j >= 0; j--) { int size = shape.Count == 0 ? 1 : shape[j]; idx[j * nz.Length + k] = l % size; l /= size; }
        }
        return new SparseGradient(Torch.Tensor(idx, nd, nz.Length), Lumen.Tensor.Wrap(nz.Select(i => d[i]).ToArray(), nz.Length), shape, isCoalesced: true);
    }

    /// <summary>This gradient plus <paramref name="other"/>: the entries of both, uncoalesced, as PyTorch accumulates two
    /// sparse gradients into <c>.grad</c>.</summary>
    public SparseGradient Add(SparseGradient other)
    {
        if (other.Shape != Shape || other.SparseDim != SparseDim)
            throw new ArgumentException($"SparseGradient.Add: shapes {Shape} (sparse_dim {SparseDim}) and {other.Shape} (sparse_dim {other.SparseDim}) differ.");
        return new SparseGradient(Torch.Cat(new[] { Indices, other.Indices }, 1), Torch.Cat(new[] { Values, other.Values }, 0), Shape);
    }

    /// <summary>No entries, shaped like <paramref name="like"/>: what PyTorch's <c>zero_()</c> leaves of a sparse gradient
    /// (an optimizer still counts a step for it).</summary>
    public static SparseGradient Empty(SparseGradient like) =>
        new(Torch.Tensor(Array.Empty<long>(), like.SparseDim, 0),
            Lumen.Tensor.Wrap(Array.Empty<float>(), new[] { 0 }.Concat(like.Shape.Skip(like.SparseDim)).ToArray()), like.Shape, isCoalesced: true);

    /// <summary>PyTorch's summary of a sparse tensor's layout: <c>sparse_coo(size=[10, 3], nnz=3, coalesced=False)</c>.</summary>
    public override string ToString() => $"sparse_coo(size={Shape}, nnz={Nnz}, coalesced={(IsCoalesced ? "True" : "False")})";
}
