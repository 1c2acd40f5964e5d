using System.Text.Json;
using Lumen.Data;
using Lumen.Tests;

namespace Lumen.Distributed.Tests;

public sealed class DistributedSamplerTests
{
    public static IEnumerable<object[]> Cases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "distributed_sampler.json");
        foreach (var p in JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateObject()) yield return new object[] { p.Name };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_rank_draws_PyTorchs_shard_in_both_epochs(string name)
    {
        var c = Fixtures.Case("distributed_sampler", name);
        int n = c.Raw("n").GetInt32(), replicas = c.Raw("replicas").GetInt32();
        var ds = new TensorDataset(Torch.Arange(n));
        foreach (var rank in c.Raw("ranks").EnumerateObject())
        {
            var s = new DistributedSampler(ds, replicas, int.Parse(rank.Name), c.Raw("shuffle").GetBoolean(),
                                           c.Raw("seed").GetInt64(), c.Raw("drop_last").GetBoolean());
            Assert.Equal(rank.Value.GetProperty("len").GetInt32(), s.Count);
            int epoch = 0;
            foreach (var expected in rank.Value.GetProperty("epochs").EnumerateArray())
            {
                s.SetEpoch(epoch++);
                Assert.Equal(expected.EnumerateArray().Select(e => e.GetInt32()), s.ToList());
            }
        }
    }

    [Fact]
    public void The_shards_of_one_epoch_cover_the_dataset_once_plus_padding()
    {
        var ds = new TensorDataset(Torch.Arange(11));
        var all = Enumerable.Range(0, 3).SelectMany(r => new DistributedSampler(ds, 3, r, seed: 9)).ToList();
        Assert.Equal(12, all.Count);
        Assert.Equal(Enumerable.Range(0, 11), all.Distinct().Order());
    }

    [Fact]
    public void A_rank_outside_the_group_is_rejected_with_its_number()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DistributedSampler(new TensorDataset(Torch.Arange(4)), 2, 2));
        Assert.Contains("invalid rank 2", ex.Message);
    }
}
