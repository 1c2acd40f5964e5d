using Lumen.Serialization;

namespace Lumen.Distributed.Tests;

/// <summary>N ranks × batch B give the update of 1 rank × batch N·B: the Done-when of issue 19, run as real mpirun jobs.</summary>
[Collection("mpi")]
public sealed class DataParallelTests
{
    private static string Run(int ranks, string model, string norm, int steps, string dir)
    {
        var file = Path.Combine(dir, $"{model}-{norm}-{ranks}.safetensors");
        var r = MpiRun.Worker(ranks, new[] { "equiv", model, norm, "100", steps.ToString(), file });
        Assert.True(r.ExitCode == 0, r.ToString());
        return file;
    }

    [MpiFact]
    public void Net_of_DLwPT_two_ranks_of_50_end_20_steps_where_one_rank_of_100_does()
    {
        var dir = MpiRun.TempDir("net");
        var one = Run(1, "net", "plain", 20, dir);
        var two = Run(2, "net", "plain", 20, dir);
        foreach (var (k, d) in Weights.RelativeDifferences(two, one)) Assert.True(d <= 1e-6, $"{k}: relative difference {d:E2}");
        // The ranks hold the same replica.
        Assert.All(Weights.RelativeDifferences(two + ".rank1", two + ".rank0"), kv => Assert.Equal(0, kv.Value));
    }

    /// <summary>Seed 004's MNIST CNN with SyncBatchNorm (2 × 50) against BatchNorm (1 × 100), SGD with momentum. After the
    /// first step every tensor agrees to 1e-6. Over 20 steps the network's own sensitivity takes over: the 1-rank run
    /// itself, started from weights scaled by (1 + 1e-7), ends about 2e-2 away in the BatchNorm biases (ReLU and max-pool
    /// decisions flip), so after 20 steps the two runs are held to that band (docs/distributed.md).</summary>
    [MpiFact]
    public void MnistCNN_with_SyncBatchNorm_two_ranks_of_50_match_one_rank_of_100()
    {
        var dir = MpiRun.TempDir("mnist");
        var one = Run(1, "mnist", "plain", 20, dir);
        var two = Run(2, "mnist", "sync", 20, dir);
        foreach (var (k, d) in Weights.RelativeDifferences(two + ".step1", one + ".step1")) Assert.True(d <= 1e-6, $"step 1, {k}: relative difference {d:E2}");
        double global = Weights.GlobalRelativeDifference(two, one);
        Assert.True(global <= 1e-3, $"after 20 steps the weights differ by {global:E2} (relative, all tensors)");
    }

    /// <summary>Plain BatchNorm under DDP normalises with each rank's own batch: rank r's running mean after one forward is
    /// 0.9·0 + 0.1·(mean of its own 20 images' features), different on the two ranks, as in PyTorch.</summary>
    [MpiFact]
    public void Plain_BatchNorm_keeps_per_rank_statistics()
    {
        var prefix = Path.Combine(MpiRun.TempDir("bn"), "bn");
        var r = MpiRun.Worker(2, new[] { "bnstats", prefix });
        Assert.True(r.ExitCode == 0, r.ToString());
        var rank0 = SafeTensors.Load(prefix + ".rank0.safetensors")["layer1.1.running_mean"].ToArray<float>();
        var rank1 = SafeTensors.Load(prefix + ".rank1.safetensors")["layer1.1.running_mean"].ToArray<float>();
        // What one process computes for each half of the batch alone.
        var expected = LocalRunningMeans();
        Assert.Equal(expected[0], rank0);
        Assert.Equal(expected[1], rank1);
        Assert.NotEqual(rank0, rank1);
    }

    private static float[][] LocalRunningMeans()
    {
        var tf = new Lumen.Vision.Transforms.Compose(new Lumen.Vision.Transforms.ToTensor(), new Lumen.Vision.Transforms.Normalize(new[] { 0.5f }, new[] { 0.5f }));
        var ds = new Lumen.Vision.Datasets.MNIST(train: true, transform: tf);
        var result = new float[2][];
        for (int rank = 0; rank < 2; rank++)
        {
            Torch.ManualSeed(4);
            var net = new Lumen.Vision.Models.MnistCNN();
            // DistributedSampler(shuffle: false) gives rank r the indices r, r+2, r+4, … of the first 40.
            var x = Torch.Stack(Enumerable.Range(0, 20).Select(i => ds[2 * i + rank].Image).ToArray());
            net.Call(x);
            result[rank] = net.StateDict()["layer1.1.running_mean"].ToArray<float>();
        }
        return result;
    }
}
