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
}
