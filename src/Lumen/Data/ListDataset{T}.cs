namespace Lumen.Data;

/// <summary>A dataset over samples already in memory, the Lumen twin of handing PyTorch's <c>DataLoader</c> a Python list
/// (Deep Learning with PyTorch, chapter 7: <c>cifar2 = [(img, label_map[label]) for img, label in cifar10 if label in
/// [0, 2]]</c>). The list is copied, so later changes to it do not reach the dataset.</summary>
/// <typeparam name="T">the sample type, <c>(Tensor Image, long Label)</c> for image data.</typeparam>
public sealed class ListDataset<T> : Dataset<T>
{
    private readonly T[] _items;

    /// <param name="items">the samples, in the order the dataset yields them.</param>
    public ListDataset(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.ToArray();
    }

    public override int Count => _items.Length;

    public override T this[int index]
    {
        get { CheckIndex(index); return _items[index]; }
    }
}
