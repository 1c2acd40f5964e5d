namespace Lumen.Data;

/// <summary>0, 1, …, Count − 1, PyTorch's <c>SequentialSampler(data_source)</c>.</summary>
public sealed class SequentialSampler : Sampler
{
    private readonly IDataset _source;

    public SequentialSampler(IDataset dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _source = dataSource;
    }

    public override int Count => _source.Count;

    public override IEnumerator<int> GetEnumerator()
    {
        int n = _source.Count;
        for (int i = 0; i < n; i++) yield return i;
    }
}
