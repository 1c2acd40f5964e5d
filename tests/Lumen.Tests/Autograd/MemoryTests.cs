using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Autograd;

/// <summary>Runs alone: GC.GetTotalMemory is process-wide, so tests running beside it would blur the measurement.</summary>
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryTestsCollection { }

[Collection(nameof(MemoryTests))]
public class MemoryTests
{
    private readonly ITestOutputHelper _out;
    public MemoryTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Ten_thousand_forward_backward_iterations_keep_retained_memory_flat()
    {
        // Tensors are plain managed objects: once a step's graph is unreachable the GC reclaims it, no Dispose needed.
        var w = Torch.Tensor(Enumerable.Range(0, 256).Select(i => MathF.Sin(i)).ToArray(), 16, 16).RequiresGrad_();
        var x = Torch.Tensor(Enumerable.Range(0, 64 * 16).Select(i => MathF.Cos(i)).ToArray(), 64, 16);
        long baseline = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var h = (x.Unsqueeze(2) * w).Sum(1);          // [64,16]
            var loss = h.Exp().Add(1f).Log().Mean();
            loss.Backward();
            using (Lumen.Autograd.Autograd.NoGrad()) { w.Sub_(w.Grad!.Mul(1e-3f)); }
            w.Grad = null;
            if (i == 999) baseline = GC.GetTotalMemory(forceFullCollection: true);
        }
        long end = GC.GetTotalMemory(forceFullCollection: true);
        _out.WriteLine($"retained after 1,000 iterations: {baseline / 1024} KiB; after 10,000: {end / 1024} KiB");
        Assert.True(end - baseline < 1 << 20, $"retained memory grew by {(end - baseline) / 1024} KiB over 9,000 iterations");
    }
}
