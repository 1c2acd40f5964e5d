using Lumen.Data;
using Xunit;

namespace Lumen.Tests.Data;

/// <summary>Samplers, random_split and the DataLoader's order against PyTorch 1.13 (tests/Fixtures/gen_transforms.py → data.json).</summary>
[Collection("GlobalRng")]
public class SamplerTests
{
    private sealed class Range : Dataset<int>
    {
        private readonly int _n;
        public Range(int n) => _n = n;
        public override int Count => _n;
        public override int this[int index] { get { CheckIndex(index); return index; } }
    }

    private static int[] Ints(FixtureCase c, string key) => c.Ints(key);
    private static int[][] Lists(FixtureCase c, string key) =>
        c.Raw(key).EnumerateArray().Select(a => a.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();

    [Fact]
    public void Seed_draw_matches_torch_empty_int64_random_()
    {
        var c = Fixtures.Case("data", "seed_draw");
        Torch.ManualSeed(0);
        Assert.Equal(c.Raw("value").GetInt64(), Sampler.DrawSeed(null));
    }

    [Fact]
    public void RandomSampler_after_manual_seed_0_gives_PyTorchs_order_and_leaves_the_global_stream_where_PyTorch_does()
    {
        var c = Fixtures.Case("data", "random_sampler_seed0");
        Torch.ManualSeed(0);
        var s = new RandomSampler(new Range(10));
        Assert.Equal(Ints(c, "epoch1"), s.ToArray());
        Assert.Equal(Ints(c, "epoch2"), new RandomSampler(new Range(10)).ToArray());
        TensorAssert.Close(c.Tensor("after"), Torch.Rand(2), 0);
    }

    [Fact]
    public void RandomSampler_with_a_generator_draws_from_it_directly()
    {
        var c = Fixtures.Case("data", "random_sampler_generator");
        Assert.Equal(Ints(c, "order"), new RandomSampler(new Range(13), generator: new Generator(42)).ToArray());
    }

    [Fact]
    public void RandomSampler_with_replacement_draws_randint_in_blocks_of_32()
    {
        var c = Fixtures.Case("data", "random_sampler_replacement");
        Torch.ManualSeed(3);
        Assert.Equal(Ints(c, "order"), new RandomSampler(new Range(7), replacement: true, numSamples: 40).ToArray());
        TensorAssert.Close(c.Tensor("after"), Torch.Rand(2), 0);
    }

    [Fact]
    public void RandomSampler_with_more_samples_than_items_repeats_permutations()
    {
        var c = Fixtures.Case("data", "random_sampler_num_samples");
        Torch.ManualSeed(4);
        Assert.Equal(Ints(c, "order"), new RandomSampler(new Range(10), numSamples: 25).ToArray());
        TensorAssert.Close(c.Tensor("after"), Torch.Rand(2), 0);
    }

    [Fact]
    public void SubsetRandomSampler_and_BatchSampler_match_PyTorch()
    {
        Torch.ManualSeed(5);
        Assert.Equal(Ints(Fixtures.Case("data", "subset_random_sampler"), "order"), new SubsetRandomSampler(Enumerable.Range(10, 10).ToArray()).ToArray());
        var c = Fixtures.Case("data", "batch_sampler");
        Torch.ManualSeed(6);
        Assert.Equal(Lists(c, "batches"), new BatchSampler(new RandomSampler(new Range(11)), 4).ToArray());
        var drop = new BatchSampler(new RandomSampler(new Range(11)), 4, dropLast: true);
        Assert.Equal(Lists(c, "batches_drop"), drop.ToArray());
        Assert.Equal(2, drop.Count);
    }

    [Theory]
    [InlineData("weighted_replacement", 20, true, 1)]
    [InlineData("weighted_no_replacement", 4, false, 2)]
    public void WeightedRandomSampler_matches_torch_multinomial(string name, int n, bool replacement, long seed)
    {
        var c = Fixtures.Case("data", name);
        var w = c.Raw("weights").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(Ints(c, "order"), new WeightedRandomSampler(w, n, replacement, new Generator(seed)).ToArray());
    }

    [Fact]
    public void WeightedRandomSampler_of_one_sample_with_replacement_takes_the_cumulative_path()
    {
        var c = Fixtures.Case("data", "weighted_one");
        var w = c.Raw("weights").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var s = new WeightedRandomSampler(w, 1, generator: new Generator(3));
        Assert.Equal(Lists(c, "order"), Enumerable.Range(0, 5).Select(_ => s.ToArray()).ToArray());
    }

    [Fact]
    public void WeightedRandomSampler_rejects_negative_weights_and_too_many_samples_without_replacement()
    {
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler(new[] { 1.0, -1.0 }, 2));
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler(new[] { 1.0, 1.0 }, 3, replacement: false));
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler(new[] { 0.0, 0.0 }, 1));
    }

    [Fact]
    public void RandomSplit_by_lengths_and_by_fractions_matches_PyTorch()
    {
        Torch.ManualSeed(0);
        var parts = Dataset.RandomSplit(new Range(10), new[] { 3, 7 });
        Assert.Equal(Lists(Fixtures.Case("data", "random_split_lengths"), "splits"), parts.Select(p => p.Indices.ToArray()).ToArray());
        var fr = Dataset.RandomSplit(new Range(31), new[] { 0.3, 0.3, 0.4 }, new Generator(42));
        Assert.Equal(Lists(Fixtures.Case("data", "random_split_fractions"), "splits"), fr.Select(p => p.Indices.ToArray()).ToArray());
        Assert.Equal(new[] { 10, 9, 12 }, fr.Select(p => p.Count).ToArray()); // floor 9, 9, 12 then the remainder round-robin
    }

    [Fact]
    public void RandomSplit_rejects_lengths_that_do_not_sum_to_the_dataset()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(new Range(10), new[] { 3, 6 }));
        Assert.Contains("(10)", e.Message);
        Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(new Range(10), new[] { 0.5, 0.6 }));
    }
}
