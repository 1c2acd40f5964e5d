namespace Lumen.Data;

/// <summary>The given indices in a random order, PyTorch's <c>SubsetRandomSampler(indices, generator)</c>:
/// each epoch yields <c>indices[randperm(len(indices), generator)]</c>.</summary>
public sealed class SubsetRandomSampler : Sampler
{
    private readonly int[] _indices;

    /// <summary>The generator drawn from; the global one when null.</summary>
    public Generator? Generator { get; }

    public SubsetRandomSampler(IReadOnlyList<int> indices, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        _indices = indices.ToArray();
        Generator = generator;
    }

    public override int Count => _indices.Length;

    public override IEnumerator<int> GetEnumerator()
    {
        var perm = Torch.RandPerm(_indices.Length, Generator).ToArray<long>();
        foreach (var p in perm) yield return _indices[p];
    }
}
