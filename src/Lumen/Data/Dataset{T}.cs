using System.Collections;

namespace Lumen.Data;

/// <summary>A map-style dataset, PyTorch's <c>torch.utils.data.Dataset</c>: <see cref="Count"/> samples reached by index.
/// Image datasets yield <c>(Tensor Image, long Label)</c>; <see cref="TensorDataset"/> yields one row of each tensor.</summary>
/// <typeparam name="T">the sample type.</typeparam>
public abstract class Dataset<T> : IDataset, IReadOnlyList<T>
{
    /// <summary>Number of samples, PyTorch's <c>__len__</c>.</summary>
    public abstract int Count { get; }

    /// <summary>The sample at <paramref name="index"/> (0 ≤ index &lt; Count), PyTorch's <c>__getitem__</c>.</summary>
    public abstract T this[int index] { get; }

    /// <summary>Concatenates two datasets, PyTorch's <c>dataset + other</c> (a <see cref="ConcatDataset{T}"/>).</summary>
    public static ConcatDataset<T> operator +(Dataset<T> a, Dataset<T> b) => new(new[] { a, b });

    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the dataset when <paramref name="index"/> is out of range.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"{GetType().Name}: index {index} is out of range for a dataset of {Count} samples.");
    }
}
