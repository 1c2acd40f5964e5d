namespace Lumen;

public static partial class Torch
{
    private static volatile bool _splitInvariantReductions;

    /// <summary>
    /// Makes every reduction over the batch dimension of convolution, linear and batch-norm layers split-invariant
    /// (default off): a batch of B is computed sample by sample and the per-sample partials are summed by a fixed
    /// "decimation" tree, sum(x[0..B)) = sum(x[0::2]) + sum(x[1::2]) recursively (<see cref="NN.BatchTree"/>). A batch
    /// dealt out as positions r, r+N, r+2N, … to N = 2^k ranks (what <c>DistributedSampler</c> does) then sums to exactly
    /// the subtrees of the one-process tree, so N ranks × B and 1 process × N·B train to bit-identical weights, which float32
    /// otherwise cannot promise (summation order). It costs speed (one kernel call per sample, per-sample weight-gradient
    /// partials); off, nothing changes. Layers not covered: transposed convolution, layer/group/instance norm's affine
    /// gradients, embedding.
    /// </summary>
    public static void UseSplitInvariantReductions(bool enabled) => _splitInvariantReductions = enabled;

    /// <summary>Whether <see cref="UseSplitInvariantReductions"/> is on.</summary>
    public static bool AreSplitInvariantReductionsEnabled() => _splitInvariantReductions;
}
