namespace Lumen.Data;

/// <summary>What a sampler needs to know about a dataset: its length, PyTorch's <c>Sized</c> (<c>len(dataset)</c>).</summary>
public interface IDataset
{
    /// <summary>Number of samples, PyTorch's <c>__len__</c>.</summary>
    int Count { get; }
}
