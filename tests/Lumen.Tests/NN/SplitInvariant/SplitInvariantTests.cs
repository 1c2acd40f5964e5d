using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

[CollectionDefinition(nameof(SplitInvariantTests), DisableParallelization = true)]
public sealed class SplitInvariantCollection { }

/// <summary>Torch.UseSplitInvariantReductions: the same numbers as the default mode (to rounding), correct gradients,
/// and a batch's reductions equal to its even and odd halves' added once, bit for bit (what makes 2 ranks × B train
/// exactly as 1 × 2B; the MPI runs are in Lumen.Distributed.Tests). The switch is global, so this collection runs alone.</summary>
[Collection(nameof(SplitInvariantTests))]
public sealed class SplitInvariantTests : IDisposable
{
    public SplitInvariantTests() => Torch.UseSplitInvariantReductions(true);
    public void Dispose() => Torch.UseSplitInvariantReductions(false);

    [Fact]
    public void BatchTree_adds_the_even_subtree_to_the_odd_one()
    {
        // 1e8 + 1 − 1e8 depends on the order: the tree of 6 is ((p0 + p4) + p2) + ((p1 + p5) + p3).
        float[] p = { 1e8f, 1f, 1f, -1e8f, -1e8f, 3f };
        var sum = BatchTree.Sum<float>(6, 1, (i, b) => b[0] = p[i])[0];
        Assert.Equal(((p[0] + p[4]) + p[2]) + ((p[1] + p[5]) + p[3]), sum);
        // The split property for 100 random values: the whole tree is the tree of the evens plus the tree of the odds.
        var r = Torch.Randn(new[] { 100 }, new Generator(5)).ToArray<float>();
        float whole = BatchTree.Sum<float>(100, 1, (i, b) => b[0] = r[i])[0];
        float evens = BatchTree.Sum<float>(50, 1, (i, b) => b[0] = r[2 * i])[0];
        float odds = BatchTree.Sum<float>(50, 1, (i, b) => b[0] = r[2 * i + 1])[0];
        Assert.Equal(evens + odds, whole);
        Assert.Empty(BatchTree.Sum<double>(0, 0, (_, _) => { }));
    }

    [Fact]
    public void The_switch_is_off_by_default()
    {
        Torch.UseSplitInvariantReductions(false);
        Assert.False(Torch.AreSplitInvariantReductionsEnabled());
    }

    /// <summary>Positions start, start + 2, … below n (int64, for IndexSelect).</summary>
    private static Tensor EveryOther(int start, int n) => Torch.Tensor(Enumerable.Range(0, n / 2).Select(i => (long)(start + 2 * i)).ToArray());

    private static Module SmallNet(int seed)
    {
        Torch.ManualSeed(seed);
        return new Sequential(new Conv2d(3, 4, kernelSize: 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                              new Flatten(), new Linear(4 * 4 * 4, 6), new Tanh(), new Linear(6, 3));
    }

    private static Dictionary<string, float[]> Grads(Module net, Tensor x, Tensor weights)
    {
        foreach (var p in net.Parameters()) p.Grad = null;
        (net.Call(x) * weights).Sum().Backward();
        return net.NamedParameters().ToDictionary(kv => kv.Name, kv => kv.Parameter.Grad!.ToArray<float>());
    }

    [Fact]
    public void Conv_BatchNorm_and_Linear_give_the_default_modes_outputs_and_gradients_to_rounding()
    {
        var g = new Generator(11);
        var x = Torch.Randn(new[] { 6, 3, 8, 8 }, g);
        var weights = Torch.Randn(new[] { 6, 3 }, g);
        var net = SmallNet(3);
        var on = Grads(net, x, weights);
        var yOn = net.Call(x).ToArray<float>();
        Torch.UseSplitInvariantReductions(false);
        net = SmallNet(3);
        var off = Grads(net, x, weights);
        var yOff = net.Call(x).ToArray<float>();
        for (int i = 0; i < yOn.Length; i++) Assert.True(Math.Abs(yOn[i] - yOff[i]) <= 1e-5 + 1e-5 * Math.Abs(yOff[i]), $"output {i}: {yOn[i]} vs {yOff[i]}");
        foreach (var (k, a) in on)
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(a[i] - off[k][i]) <= 1e-4 + 1e-4 * Math.Abs(off[k][i]), $"{k}[{i}]: {a[i]} vs {off[k][i]}");
    }

    [Fact]
    public void A_batchs_conv_and_linear_gradients_are_its_even_and_odd_halves_added_bit_for_bit()
    {
        // Without BatchNorm the samples are independent, so one process can split the batch itself: the whole batch's
        // weight and bias gradients equal those of positions 0, 2, 4, … plus those of 1, 3, 5, …, exactly.
        var g = new Generator(12);
        var x = Torch.Randn(new[] { 10, 3, 8, 8 }, g);
        var weights = Torch.Randn(new[] { 10, 3 }, g);
        Torch.ManualSeed(4);
        var net = new Sequential(new Conv2d(3, 4, kernelSize: 3, padding: 1), new ReLU(), new MaxPool2d(2), new Flatten(),
                                 new Linear(4 * 4 * 4, 6), new Tanh(), new Linear(6, 3));
        var whole = Grads(net, x, weights);
        var even = EveryOther(0, 10);
        var odd = EveryOther(1, 10);
        var evens = Grads(net, x.IndexSelect(0, even), weights.IndexSelect(0, even));
        var odds = Grads(net, x.IndexSelect(0, odd), weights.IndexSelect(0, odd));
        foreach (var (k, w) in whole)
            Assert.Equal(w, evens[k].Zip(odds[k], (a, b) => a + b).ToArray());
    }

    [Fact]
    public void BatchNorm_split_over_two_threads_that_add_their_sums_normalises_as_the_whole_batch_bit_for_bit()
    {
        // Two "ranks" as threads: each normalises every other sample, and sumAcrossProcesses adds the two threads' vectors
        // (even + odd, as the tree over ranks does). Outputs and running statistics equal the one-batch run exactly.
        var x = Torch.Randn(new[] { 8, 3, 5 }, new Generator(13));
        var rmWhole = Torch.Zeros(3); var rvWhole = Torch.Ones(3);
        var whole = F.BatchNorm(x, rmWhole, rvWhole, training: true).ToArray<float>();
        var exchange = new double[2][];
        using var barrier = new Barrier(2);
        var results = new float[2][];
        var stats = new (float[] Mean, float[] Var)[2];
        var halves = new[] { x.IndexSelect(0, EveryOther(0, 8)), x.IndexSelect(0, EveryOther(1, 8)) };
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(rank => new Thread(() =>
        {
            try
            {
                var half = halves[rank];
                var rm = Torch.Zeros(3); var rv = Torch.Ones(3);
                results[rank] = F.SplitInvariantBatchNorm(half, rm, rv, null, null, 0.1, 1e-5, v =>
                {
                    exchange[rank] = (double[])v.Clone();
                    barrier.SignalAndWait();
                    for (int i = 0; i < v.Length; i++) v[i] = exchange[0][i] + exchange[1][i];
                    barrier.SignalAndWait();
                }).ToArray<float>();
                stats[rank] = (rm.ToArray<float>(), rv.ToArray<float>());
            }
            catch (Exception e) { errors[rank] = e; barrier.RemoveParticipant(); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.All(errors, e => Assert.Null(e));
        for (int rank = 0; rank < 2; rank++)
        {
            var expected = Enumerable.Range(0, 4).SelectMany(i => whole.Skip((2 * i + rank) * 15).Take(15)).ToArray();
            Assert.Equal(expected, results[rank]);
            Assert.Equal(rmWhole.ToArray<float>(), stats[rank].Mean);
            Assert.Equal(rvWhole.ToArray<float>(), stats[rank].Var);
        }
    }

    [Fact]
    public void The_split_invariant_forms_pass_the_finite_difference_gradient_check()
    {
        var g = new Generator(14);
        // Convolution and linear are linear in each input, so a wider step loses nothing to curvature and keeps the float32
        // rounding of the loss (which differs with and without hardware FMA) small against the difference.
        GradCheck.Assert(a => F.Conv2d(a[0], a[1], a[2], padding: 1), new[] { Torch.Randn(new[] { 3, 2, 5, 5 }, g), Torch.Randn(new[] { 4, 2, 3, 3 }, g), Torch.Randn(new[] { 4 }, g) }, 1e-2, 1e-3, 1e-2);
        GradCheck.Assert(a => F.Linear(a[0], a[1], a[2]), new[] { Torch.Randn(new[] { 3, 2, 5 }, g), Torch.Randn(new[] { 4, 5 }, g), Torch.Randn(new[] { 4 }, g) }, 1e-2, 1e-3, 1e-2);
        GradCheck.Assert(a => F.BatchNorm(a[0], null, null, a[1], a[2], training: true), Torch.Randn(new[] { 4, 3, 5 }, g), Torch.Randn(new[] { 3 }, g), Torch.Randn(new[] { 3 }, g));
    }
}
