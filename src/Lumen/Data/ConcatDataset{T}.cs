namespace Lumen.Data;

/// <summary>Several datasets one after another, PyTorch's <c>ConcatDataset(datasets)</c>.</summary>
public sealed class ConcatDataset<T> : Dataset<T>
{
    private readonly int[] _cumulative;

    /// <summary>The concatenated datasets, in order.</summary>
    public IReadOnlyList<Dataset<T>> Datasets { get; }

    /// <summary>Running totals of the datasets' lengths, PyTorch's <c>cumulative_sizes</c>.</summary>
    public IReadOnlyList<int> CumulativeSizes => _cumulative;

    public ConcatDataset(IEnumerable<Dataset<T>> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        Datasets = datasets.ToArray();
        if (Datasets.Count == 0) throw new ArgumentException("ConcatDataset: datasets should not be an empty iterable.");
        _cumulative = new int[Datasets.Count];
        long s = 0;
        for (int i = 0; i < Datasets.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(Datasets[i]);
            s += Datasets[i].Count;
            if (s > int.MaxValue) throw new ArgumentException($"ConcatDataset: total length {s} exceeds {int.MaxValue}.");
            _cumulative[i] = (int)s;
        }
    }

    public override int Count => _cumulative[^1];

    public override T this[int index]
    {
        get
        {
            if (index < 0 && -index <= Count) index += Count; // PyTorch accepts negative indices here
            CheckIndex(index);
            int d = Array.BinarySearch(_cumulative, index);
            d = d < 0 ? ~d : d + 1; // bisect_right
            int start = d == 0 ? 0 : _cumulative[d - 1];
            return Datasets[d][index - start];
        }
    }
}
