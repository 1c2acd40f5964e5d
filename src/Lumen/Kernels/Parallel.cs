namespace Lumen.Kernels;

/// <summary>Intra-op parallelism with one global thread count (<see cref="Torch.SetNumThreads"/>).
/// Work is split into fixed, contiguous chunks so results never depend on scheduling, and a kernel
/// that is already running on a worker runs nested loops serially (no oversubscription).</summary>
internal static class ParallelFor
{
    private static int _numThreads = Environment.ProcessorCount;
    [ThreadStatic] private static bool _inWorker;

    public static int NumThreads
    {
        get => _numThreads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), $"Thread count must be at least 1, got {value}.");
            _numThreads = value;
        }
    }

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, <paramref name="count"/>) in at most NumThreads chunks,
    /// each at least <paramref name="grain"/> items; serially when the work is small or already parallel.</summary>
    public static void Run(int count, int grain, Action<int, int> body)
    {
        if (count <= 0) return;
        int chunks = Math.Min(_numThreads, (count + grain - 1) / Math.Max(grain, 1));
        if (chunks <= 1 || _inWorker) { body(0, count); return; }
        System.Threading.Tasks.Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            bool was = _inWorker;
            _inWorker = true;
            try
            {
                long start = (long)count * c / chunks, end = (long)count * (c + 1) / chunks;
                body((int)start, (int)end);
            }
            finally { _inWorker = was; }
        });
    }
}
