using System.Runtime.ExceptionServices;

namespace Lumen.Kernels;

/// <summary>Intra-op parallelism with one global thread count (<see cref="Torch.SetNumThreads"/>).
/// Work is split into fixed, contiguous chunks so results never depend on scheduling, and a kernel
/// that is already running on a worker runs nested loops serially (no oversubscription).
/// The chunks run on a persistent pool of NumThreads − 1 background threads plus the calling thread;
/// a call allocates nothing beyond the caller's own delegate.</summary>
internal static class ParallelFor
{
    private static int _numThreads = Environment.ProcessorCount;
    [ThreadStatic] private static bool _inWorker;

    // One job at a time runs on the pool; _gate is held by the caller for the job's whole life.
    private static readonly object _gate = new();
    private static Worker[] _workers = [];
    private static Action<int, int>? _body;
    private static int _count, _chunks, _next, _participants;
    private static Exception? _error;
    private static readonly ManualResetEventSlim _done = DoneEvent();

    public static int NumThreads
    {
        get => _numThreads;
        set
        {
            if (value < 1 || value > Torch.MaxNumThreads)
                throw new ArgumentOutOfRangeException(nameof(value), $"Thread count must be between 1 and {Torch.MaxNumThreads}, got {value}.");
            lock (_gate)
            {
                _numThreads = value;
                Resize(value - 1);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, <paramref name="count"/>) in at most NumThreads chunks,
    /// each at least <paramref name="grain"/> items; serially when the work is small or already parallel.
    /// Chunk c always covers [count·c/chunks, count·(c+1)/chunks), whichever thread runs it.
    /// An exception thrown by a chunk is rethrown on the caller once every chunk has stopped.</summary>
    public static void Run(int count, int grain, Action<int, int> body)
    {
        if (count <= 0) return;
        int chunks = Math.Min(_numThreads, (count + grain - 1) / Math.Max(grain, 1));
        if (chunks <= 1 || _inWorker) { body(0, count); return; }
        if (!Monitor.TryEnter(_gate))
        {
            // Another thread owns the pool: run the same chunks here, one after another (same results).
            RunChunksSerially(count, chunks, body);
            return;
        }
        try
        {
            // The thread count may have changed since the count above was read; under the gate it agrees with the pool,
            // which is made here on first use. (Growing the pool to the stale count made this caller allocate worker
            // threads mid-kernel and left the pool larger than the count set.)
            chunks = Math.Min(_numThreads, (count + grain - 1) / Math.Max(grain, 1));
            if (_workers.Length < _numThreads - 1) Resize(_numThreads - 1);
            if (chunks <= 1) { RunChunksSerially(count, 1, body); return; }
            int helpers = chunks - 1;
            _body = body;
            _count = count;
            _chunks = chunks;
            _next = 0;
            _error = null;
            _participants = helpers + 1;
            _done.Reset();
            for (int i = 0; i < helpers; i++) _workers[i].Wake();
            Participate();
            _done.Wait();
            _body = null;
            var error = _error;
            _error = null;
            if (error != null) ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally { Monitor.Exit(_gate); }
    }

    /// <summary>The caller's "every chunk stopped" event. Its first blocking wait makes a lock object (24 bytes); one timed
    /// wait here makes it at start-up rather than inside whichever kernel first has to block, so a kernel call allocates
    /// nothing however its timing falls.</summary>
    private static ManualResetEventSlim DoneEvent()
    {
        var done = new ManualResetEventSlim(false);
        done.Wait(1);
        return done;
    }

    private static void RunChunksSerially(int count, int chunks, Action<int, int> body)
    {
        bool was = _inWorker;
        _inWorker = true;
        try
        {
            for (int c = 0; c < chunks; c++)
                body((int)((long)count * c / chunks), (int)((long)count * (c + 1) / chunks));
        }
        finally { _inWorker = was; }
    }

    /// <summary>Takes chunks from the shared counter until none are left, then signs off.</summary>
    private static void Participate()
    {
        bool was = _inWorker;
        _inWorker = true;
        try
        {
            var body = _body!;
            int count = _count, chunks = _chunks;
            while (true)
            {
                int c = Interlocked.Increment(ref _next) - 1;
                if (c >= chunks) break;
                if (Volatile.Read(ref _error) != null) continue; // drain remaining chunks without running them
                try { body((int)((long)count * c / chunks), (int)((long)count * (c + 1) / chunks)); }
                catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            }
        }
        finally
        {
            _inWorker = was;
            if (Interlocked.Decrement(ref _participants) == 0) _done.Set();
        }
    }

    /// <summary>Grows or shrinks the pool to <paramref name="size"/> workers. Caller holds <see cref="_gate"/>.</summary>
    private static void Resize(int size)
    {
        if (size == _workers.Length) return;
        var next = new Worker[size];
        int keep = Math.Min(size, _workers.Length);
        Array.Copy(_workers, next, keep);
        for (int i = keep; i < _workers.Length; i++) _workers[i].Stop();
        for (int i = keep; i < size; i++) next[i] = new Worker(i + 1);
        _workers = next;
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _go = new(false, spinCount: 200);
        private volatile bool _stop;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Lumen worker {index}" };
            thread.Start();
        }

        public void Wake() => _go.Set();

        public void Stop() { _stop = true; _go.Set(); }

        private void Loop()
        {
            _inWorker = true;
            while (true)
            {
                _go.Wait();
                _go.Reset();
                if (_stop) return;
                Participate();
            }
        }
    }
}
