namespace Lumen.Data;

/// <summary>A dataset of rows of tensors that share their first dimension, PyTorch's <c>TensorDataset(*tensors)</c>:
/// sample i is <c>[t[i] for t in tensors]</c>.</summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    /// <summary>The wrapped tensors, each of shape (N, …).</summary>
    public IReadOnlyList<Tensor> Tensors { get; }

    /// <param name="tensors">one or more tensors whose dimension 0 has the same size N.</param>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset: needs at least one tensor.");
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t);
            if (t.Ndim == 0) throw new ShapeMismatchException("TensorDataset: a 0-d tensor has no first dimension to index.");
            if (t.Size(0) != tensors[0].Size(0))
                throw new ShapeMismatchException($"TensorDataset: size mismatch between tensors: {tensors[0].Shape} and {t.Shape} differ in dimension 0.");
        }
        Tensors = tensors.ToArray();
    }

    public override int Count => Tensors[0].Size(0);

    public override Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            var r = new Tensor[Tensors.Count];
            for (int k = 0; k < r.Length; k++) r[k] = Tensors[k].Select(0, index);
            return r;
        }
    }
}
