using Lumen.Data;
using Xunit;

namespace Lumen.Tests.Data;

[Collection("GlobalRng")]
public class DataLoaderTests
{
    private static int[][] Lists(FixtureCase c, string key) =>
        c.Raw(key).EnumerateArray().Select(a => a.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();

    private static TensorDataset Arange(int n) => new(Torch.Arange(n));

    private static int[][] Epoch(DataLoader<Tensor[], Tensor[]> loader) =>
        loader.Select(b => b[0].ToArray<long>().Select(v => (int)v).ToArray()).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Shuffled_batches_after_manual_seed_0_match_PyTorch_whatever_numWorkers(int workers)
    {
        var c = Fixtures.Case("data", "dataloader_shuffle");
        Torch.ManualSeed(0);
        var loader = new DataLoader<Tensor[], Tensor[]>(Arange(23), batchSize: 5, shuffle: true, numWorkers: workers);
        Assert.Equal(5, loader.Count);
        Assert.Equal(Lists(c, "epoch1"), Epoch(loader));
        Assert.Equal(Lists(c, "epoch2"), Epoch(loader));
        TensorAssert.Close(c.Tensor("after"), Torch.Rand(2), 0); // the base-seed and sampler draws advanced the stream as PyTorch's
    }

    [Fact]
    public void Sequential_loader_with_dropLast_still_draws_the_base_seed()
    {
        var c = Fixtures.Case("data", "dataloader_sequential");
        Torch.ManualSeed(0);
        var loader = new DataLoader<Tensor[], Tensor[]>(Arange(23), batchSize: 5, dropLast: true);
        Assert.Equal(Lists(c, "epoch1"), Epoch(loader));
        TensorAssert.Close(c.Tensor("after"), Torch.Rand(2), 0);
    }

    [Fact]
    public void Loader_with_its_own_generator_matches_PyTorch()
    {
        var c = Fixtures.Case("data", "dataloader_generator");
        var loader = new DataLoader<Tensor[], Tensor[]>(Arange(23), batchSize: 4, shuffle: true, generator: new Generator(9), numWorkers: 3);
        Assert.Equal(Lists(c, "epoch1"), Epoch(loader));
    }

    private sealed class Labelled : Dataset<(Tensor Image, long Label)>
    {
        public int Loads;
        public int FailAt = -1;
        public override int Count => 10;
        public override (Tensor Image, long Label) this[int index]
        {
            get
            {
                Interlocked.Increment(ref Loads);
                if (index == FailAt) throw new InvalidOperationException($"sample {index} is broken");
                return (Torch.Full(new[] { 2, 3 }, index), index % 3);
            }
        }
    }

    [Fact]
    public void Default_collate_stacks_images_and_makes_int64_labels()
    {
        var loader = new DataLoader(new Labelled(), batchSize: 4);
        var batches = loader.ToList();
        Assert.Equal(3, batches.Count);
        var (images, labels) = batches[0];
        Assert.Equal(new Shape(4, 2, 3), images.Shape);
        Assert.Equal(DType.Int64, labels.DType);
        Assert.Equal(new long[] { 0, 1, 2, 0 }, labels.ToArray<long>());
        Assert.Equal(3f, images[3].ToArray().Distinct().Single());
        Assert.Equal(new Shape(2, 2, 3), batches[2].Images.Shape);
    }

    [Fact]
    public void A_failing_sample_surfaces_its_own_exception_from_a_worker()
    {
        var ds = new Labelled { FailAt = 7 };
        var loader = new DataLoader(ds, batchSize: 2, numWorkers: 2);
        var e = Assert.Throws<InvalidOperationException>(() => loader.ToList());
        Assert.Contains("sample 7", e.Message);
    }

    [Fact]
    public void Breaking_out_early_stops_the_workers_and_the_queue_stays_bounded()
    {
        var ds = new Labelled();
        var loader = new DataLoader(ds, batchSize: 1, numWorkers: 2, prefetchFactor: 1);
        using (var it = loader.GetEnumerator())
        {
            Assert.True(it.MoveNext());
            Thread.Sleep(100);
            Assert.True(ds.Loads <= 1 + 2, $"loaded {ds.Loads} samples with a window of 2 batches");
        }
        int after = ds.Loads;
        Thread.Sleep(50);
        Assert.Equal(after, ds.Loads);
    }

    [Fact]
    public void Option_conflicts_are_rejected_as_PyTorch_does()
    {
        var ds = new Labelled();
        Assert.Throws<ArgumentException>(() => new DataLoader(ds, shuffle: true, sampler: new SequentialSampler(ds)));
        Assert.Throws<ArgumentException>(() => new DataLoader(ds, batchSize: 3, batchSampler: new BatchSampler(new SequentialSampler(ds), 2)));
        Assert.Throws<ArgumentException>(() => new DataLoader(ds, numWorkers: -1));
    }

    [Fact]
    public void Subset_ConcatDataset_and_TensorDataset_index_like_PyTorch()
    {
        var a = new TensorDataset(Torch.Arange(5), Torch.Arange(5).Mul(10));
        var b = new TensorDataset(Torch.Arange(3).Add(100), Torch.Arange(3));
        var cat = new ConcatDataset<Tensor[]>(new[] { a, b });
        Assert.Equal(8, cat.Count);
        Assert.Equal(new[] { 5, 8 }, cat.CumulativeSizes);
        Assert.Equal(101L, cat[6][0].Item<long>());
        Assert.Equal(102L, cat[-1][0].Item<long>());
        Assert.Equal(40L, a[4][1].Item<long>());
        var sub = new Subset<Tensor[]>(cat, new[] { 7, 0 });
        Assert.Equal(102L, sub[0][0].Item<long>());
        Assert.Throws<ArgumentOutOfRangeException>(() => cat[8]);
        Assert.Throws<ShapeMismatchException>(() => new TensorDataset(Torch.Arange(5), Torch.Arange(4)));
    }
}
