using Lumen.Kernels;
using Xunit;

namespace Lumen.Tests.Kernels;

public class ParallelForTests
{
    [Fact]
    public void Chunks_cover_the_range_once_with_fixed_boundaries_and_nested_calls_run_inline()
    {
        int old = ParallelFor.NumThreads;
        try
        {
            Torch.SetNumThreads(4);
            var seen = new int[1000];
            var chunks = new System.Collections.Concurrent.ConcurrentBag<(int, int)>();
            ParallelFor.Run(1000, 1, (s, e) =>
            {
                chunks.Add((s, e));
                for (int i = s; i < e; i++) Interlocked.Increment(ref seen[i]);
                int inner = 0;
                ParallelFor.Run(100, 1, (a, b) => inner += b - a);   // nested: one serial call, no deadlock
                Assert.Equal(100, inner);
            });
            Assert.All(seen, v => Assert.Equal(1, v));
            Assert.Equal(new[] { (0, 250), (250, 500), (500, 750), (750, 1000) }, chunks.OrderBy(c => c.Item1));
        }
        finally { Torch.SetNumThreads(old); }
    }

    [Fact]
    public void A_chunk_exception_reaches_the_caller_and_the_pool_keeps_working_after_a_resize()
    {
        int old = ParallelFor.NumThreads;
        try
        {
            Torch.SetNumThreads(3);
            var ex = Assert.Throws<InvalidOperationException>(() =>
                ParallelFor.Run(30, 1, (s, e) => { if (s == 10) throw new InvalidOperationException("chunk 1"); }));
            Assert.Equal("chunk 1", ex.Message);
            Torch.SetNumThreads(2);
            long total = 0;
            ParallelFor.Run(10_000, 1, (s, e) => { long t = 0; for (int i = s; i < e; i++) t += i; Interlocked.Add(ref total, t); });
            Assert.Equal(10_000L * 9_999 / 2, total);
        }
        finally { Torch.SetNumThreads(old); }
    }

    [Fact]
    public void Torch_ParallelFor_splits_an_offset_range_like_at_parallel_for_and_checks_its_arguments()
    {
        int old = Torch.GetNumThreads();
        try
        {
            Torch.SetNumThreads(4);
            var seen = new int[1000];
            var chunks = new System.Collections.Concurrent.ConcurrentBag<(int, int)>();
            Torch.ParallelFor(100, 1100, 50, (s, e) =>
            {
                chunks.Add((s, e));
                for (int i = s; i < e; i++) Interlocked.Increment(ref seen[i - 100]);
                int inner = 0;
                Torch.ParallelFor(0, 100, 1, (a, b) => inner += b - a);   // nested: inline, no oversubscription
                Assert.Equal(100, inner);
            });
            Assert.All(seen, v => Assert.Equal(1, v));
            Assert.Equal(new[] { (100, 350), (350, 600), (600, 850), (850, 1100) }, chunks.OrderBy(c => c.Item1));

            int calls = 0;
            Torch.ParallelFor(0, 1000, 600, (s, e) => Interlocked.Increment(ref calls));   // grain: at most 2 chunks
            Assert.Equal(2, calls);
            Torch.ParallelFor(5, 5, 1, (s, e) => throw new InvalidOperationException("an empty range runs nothing"));

            Assert.Throws<ArgumentOutOfRangeException>(() => Torch.ParallelFor(10, 9, 1, (s, e) => { }));
            Assert.Throws<ArgumentOutOfRangeException>(() => Torch.ParallelFor(0, 10, 0, (s, e) => { }));
        }
        finally { Torch.SetNumThreads(old); }
    }
}
