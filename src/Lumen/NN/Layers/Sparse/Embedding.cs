namespace Lumen.NN;

/// <summary>
/// A lookup table of <c>numEmbeddings</c> vectors of size <c>embeddingDim</c>, PyTorch's
/// <c>nn.Embedding</c>: <c>new Embedding(10, 3, paddingIdx: 0, sparse: true)</c>. Input int64 of any shape, output
/// input.shape + (embedding_dim). The weight starts as N(0, 1) with the padding row zeroed (PyTorch's
/// <c>reset_parameters</c>); the padding row gets no gradient. With <c>sparse: true</c> the weight's gradient is a
/// <see cref="SparseGradient"/> in <see cref="Tensor.SparseGrad"/> (train it with <see cref="Optim.SparseAdam"/>);
/// otherwise a dense <see cref="Tensor.Grad"/>. See <see cref="F.Embedding"/> for maxNorm.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>The table, (num_embeddings, embedding_dim).</summary>
    public Parameter Weight { get; }
    public int NumEmbeddings { get; }
    public int EmbeddingDim { get; }
    /// <summary>The row that gets no gradient (normalised to non-negative), or null.</summary>
    public long? PaddingIdx { get; }
    public double? MaxNorm { get; }
    public double NormType { get; }
    /// <summary>Whether backward gives the weight a sparse gradient.</summary>
    public bool Sparse { get; }

    /// <param name="numEmbeddings">Rows of the table (the vocabulary size).</param>
    /// <param name="embeddingDim">Size of each vector.</param>
    /// <param name="paddingIdx">A row (negative counts from the end) zeroed at init and given no gradient.</param>
    /// <param name="maxNorm">Rows used by a forward whose norm exceeds this are rescaled in place first.</param>
    /// <param name="normType">The p of the norm for <paramref name="maxNorm"/>.</param>
    /// <param name="sparse">Sparse weight gradient (for <see cref="Optim.SparseAdam"/>).</param>
    /// <param name="weight">A table to start from instead of N(0, 1) (PyTorch's <c>_weight</c>; <c>from_pretrained</c>).</param>
    public Embedding(int numEmbeddings, int embeddingDim, long? paddingIdx = null, double? maxNorm = null,
                     double normType = 2.0, bool sparse = false, Tensor? weight = null)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentException($"Embedding: numEmbeddings ({numEmbeddings}) and embeddingDim ({embeddingDim}) must be positive.");
        if (paddingIdx is long p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings)
                throw new ArgumentException($"Embedding: paddingIdx ({p}) must be within num_embeddings ({numEmbeddings}).");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        NumEmbeddings = numEmbeddings; EmbeddingDim = embeddingDim; MaxNorm = maxNorm; NormType = normType; Sparse = sparse;
        if (weight != null)
        {
            if (weight.Shape != new Shape(numEmbeddings, embeddingDim))
                throw new ShapeMismatchException($"Embedding: weight of shape {weight.Shape} does not match [{numEmbeddings}, {embeddingDim}].");
            Weight = RegisterParameter("weight", new Parameter(weight))!;
            return;
        }
        Weight = RegisterParameter("weight", Torch.Empty(numEmbeddings, embeddingDim));
        ResetParameters();
    }

    /// <summary>N(0, 1) and the padding row zeroed, PyTorch's <c>reset_parameters</c>.</summary>
    public void ResetParameters()
    {
        Init.Normal_(Weight);
        if (PaddingIdx is long p)
            using (Autograd.Autograd.NoGrad()) Weight.Select(0, (int)p).Fill_(0f);
    }

    /// <summary>A table from pretrained vectors, PyTorch's <c>Embedding.from_pretrained</c> (frozen by default).</summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, long? paddingIdx = null, double? maxNorm = null,
                                           double normType = 2.0, bool sparse = false)
    {
        if (embeddings.Ndim != 2) throw new ArgumentException($"Embedding.FromPretrained: embeddings must be 2-D, got {embeddings.Shape}.");
        var e = new Embedding(embeddings.Shape[0], embeddings.Shape[1], paddingIdx, maxNorm, normType, sparse, embeddings);
        e.Weight.RequiresGrad = !freeze;
        return e;
    }

    /// <param name="input">int64 indices, any shape.</param>
    /// <returns>input.shape + (embedding_dim).</returns>
    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType, Sparse);

    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (PaddingIdx is long p) s += $", padding_idx={p}";
        if (MaxNorm is double mn) s += $", max_norm={PyFormat.Float(mn)}";
        if (NormType != 2.0) s += $", norm_type={PyFormat.Float(NormType)}";
        if (Sparse) s += ", sparse=True";
        return s;
    }
}
