using Lumen.Autograd;

namespace Lumen.NN;

public static partial class F
{
    /// <summary>
    /// Looks up rows of <paramref name="weight"/> (num_embeddings, embedding_dim) for int64 <paramref name="input"/> of any
    /// shape, PyTorch's <c>F.embedding</c>: the result is input.shape + (embedding_dim). The row <paramref name="paddingIdx"/>
    /// gets no gradient. With <paramref name="maxNorm"/>, every row the input uses whose <paramref name="normType"/>-norm
    /// exceeds it is first rescaled in place to norm maxNorm/(norm + 1e-7)·norm, as PyTorch's <c>embedding_renorm_</c>.
    /// Backward (grad_fn EmbeddingBackward0): dense, the weight's gradient is the sum of the output gradient rows at each
    /// index, in input order; with <paramref name="sparse"/> the weight (a leaf) receives a <see cref="SparseGradient"/>
    /// instead, in <see cref="Tensor.SparseGrad"/>: one entry per non-padding index, uncoalesced, as PyTorch
    /// (<c>Autograd.Grad</c> with respect to the weight returns the dense gradient and leaves SparseGrad alone).
    /// </summary>
    /// <exception cref="ArgumentException">The input is not int64, the weight is not 2-D float32, or
    /// <paramref name="sparse"/> is asked of a weight that is not a leaf.</exception>
    /// <exception cref="IndexOutOfRangeException">An index is outside [0, num_embeddings).</exception>
    public static Tensor Embedding(Tensor input, Tensor weight, long? paddingIdx = null, double? maxNorm = null,
                                   double normType = 2.0, bool sparse = false)
    {
        if (input.DType != DType.Int64)
            throw new ArgumentException($"embedding(): expected the indices to be int64 (Long), got {input.DType.TorchName()}.");
        if (weight.Ndim != 2 || weight.DType != DType.Float32)
            throw new ArgumentException($"embedding(): weight must be a 2-D float32 tensor (num_embeddings, embedding_dim), got {weight.DType.TorchName()} {weight.Shape}.");
        int rows = weight.Shape[0], dim = weight.Shape[1];
        long pad = paddingIdx is long p0 ? (p0 < 0 ? p0 + rows : p0) : -1;
        var idx = input.ToArray<long>();
        foreach (var i in idx)
            if (i < 0 || i >= rows)
                throw new IndexOutOfRangeException($"embedding(): index {i} is out of range for a weight of {rows} rows (index out of range in self).");
        if (sparse && weight.RequiresGrad && !weight.IsLeaf)
            throw new ArgumentException("embedding(sparse: true): the weight must be a leaf tensor (a Parameter); its sparse gradient is stored in weight.SparseGrad.");
        if (maxNorm is double mn) Renorm(weight, idx, mn, normType);

        var w = weight.ReadF32();
        var outShape = input.Shape.Append(dim).ToArray();
        var y = new float[idx.Length * dim];
        for (int k = 0; k < idx.Length; k++) w.Slice((int)idx[k] * dim, dim).CopyTo(y.AsSpan(k * dim, dim));
        var result = Tensor.Wrap(y, outShape);
        if (!Graph.Needs(weight)) return result;

        var weightShape = weight.Shape.ToArray();
        return Graph.Record(result, "EmbeddingBackward0", new[] { weight }, g =>
        {
            var gd = g.ReadF32();
            if (sparse && !Engine.Capturing)
            {
                var keep = Enumerable.Range(0, idx.Length).Where(k => idx[k] != pad).ToArray();
                var vals = new float[keep.Length * dim];
                for (int j = 0; j < keep.Length; j++) gd.Slice(keep[j] * dim, dim).CopyTo(vals.AsSpan(j * dim, dim));
                var sg = new SparseGradient(Torch.Tensor(keep.Select(k => idx[k]).ToArray(), 1, keep.Length),
                                            Tensor.Wrap(vals, keep.Length, dim), weightShape);
                weight.SparseGrad = weight.SparseGrad == null ? sg : weight.SparseGrad.Add(sg);
                return new Tensor?[] { null };
            }
            var gw = new float[rows * dim];
            for (int k = 0; k < idx.Length; k++)
            {
                if (idx[k] == pad) continue;
                var dst = gw.AsSpan((int)idx[k] * dim, dim);
                var src = gd.Slice(k * dim, dim);
                for (int j = 0; j < dim; j++) dst[j] += src[j];
            }
            return new Tensor?[] { Tensor.Wrap(gw, weightShape) };
        });
    }

    /// <summary>PyTorch's <c>embedding_renorm_</c>: each distinct used row whose norm exceeds maxNorm is scaled by
    /// maxNorm / (norm + 1e-7), in place and outside autograd.</summary>
    private static void Renorm(Tensor weight, long[] idx, double maxNorm, double normType)
    {
        if (!weight.IsContiguous())
            throw new ArgumentException("embedding(maxNorm): the weight must be contiguous to be renormalised in place.");
        var w = weight.SpanF32();
        int dim = weight.Shape[1];
        foreach (var r in idx.Distinct().OrderBy(v => v))
        {
            var row = w.Slice((int)r * dim, dim);
            double acc = 0;
            if (double.IsPositiveInfinity(normType)) foreach (var v in row) acc = Math.Max(acc, Math.Abs(v));
            else
            {
                foreach (var v in row) acc += Math.Pow(Math.Abs(v), normType);
                acc = Math.Pow(acc, 1 / normType);
            }
            float norm = (float)acc;   // PyTorch takes the float32 norm's value
            if (norm > maxNorm)
            {
                float scale = (float)(maxNorm / (norm + 1e-7));
                for (int j = 0; j < dim; j++) row[j] *= scale;
            }
        }
        weight.BumpVersion();
    }
}
