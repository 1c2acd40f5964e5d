using System.Collections;

namespace Lumen.Data;

/// <summary>An ordering of dataset indices, PyTorch's <c>torch.utils.data.Sampler</c>. Each enumeration is one epoch;
/// random samplers draw afresh every time they are enumerated.</summary>
public abstract class Sampler : IEnumerable<int>
{
    /// <summary>Number of indices one enumeration yields, PyTorch's <c>len(sampler)</c>.</summary>
    public abstract int Count { get; }

    public abstract IEnumerator<int> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>PyTorch's <c>torch.empty((), dtype=torch.int64).random_(generator=g).item()</c>: one 64-bit draw modulo 2⁶³.
    /// RandomSampler seeds its private generator with it, and every DataLoader iterator draws one as its base seed.</summary>
    internal static long DrawSeed(Generator? generator)
    {
        var g = generator ?? Generator.Default;
        lock (g.Sync) return (long)(g.Random64() & long.MaxValue);
    }
}
