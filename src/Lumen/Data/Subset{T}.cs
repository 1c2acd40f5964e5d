namespace Lumen.Data;

/// <summary>The samples of <see cref="Dataset"/> at <see cref="Indices"/>, PyTorch's <c>Subset(dataset, indices)</c>.</summary>
public sealed class Subset<T> : Dataset<T>
{
    /// <summary>The underlying dataset.</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>Indices into <see cref="Dataset"/>, in the order this subset yields them.</summary>
    public IReadOnlyList<int> Indices { get; }

    public Subset(Dataset<T> dataset, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        foreach (var i in indices)
            if ((uint)i >= (uint)dataset.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Subset: index {i} is out of range for a dataset of {dataset.Count} samples.");
        Dataset = dataset;
        Indices = indices.ToArray();
    }

    public override int Count => Indices.Count;

    public override T this[int index]
    {
        get { CheckIndex(index); return Dataset[Indices[index]]; }
    }
}
