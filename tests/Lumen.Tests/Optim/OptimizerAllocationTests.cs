using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Tests.Optim;

/// <summary>The hot optimizers update in place from span kernels: a step allocates a few hundred bytes per parameter
/// (closures and bookkeeping), never buffers the size of the parameter.</summary>
public class OptimizerAllocationTests
{
    [Theory]
    [InlineData("SGD")]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    public void A_step_allocates_far_less_than_the_parameters(string which)
    {
        var ps = Enumerable.Range(0, 8).Select(_ => new Parameter(Torch.Ones(100, 100))).ToArray();
        foreach (var p in ps) p.Grad = Torch.Full(new[] { 100, 100 }, 0.5f);
        Optimizer opt = which switch
        {
            "SGD" => new SGD(ps, lr: 0.1, momentum: 0.9, weightDecay: 1e-4, nesterov: true),
            "Adam" => new Adam(ps, lr: 1e-3, weightDecay: 1e-4),
            _ => new AdamW(ps, lr: 1e-3),
        };
        opt.Step(); opt.Step(); // state created, JIT warmed
        long before = GC.GetAllocatedBytesForCurrentThread();
        opt.Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 * 512, $"{which}: one step over 8 × 10,000 parameters allocated {allocated} bytes");
    }
}
