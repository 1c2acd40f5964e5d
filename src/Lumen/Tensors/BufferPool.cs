namespace Lumen;

/// <summary>Float buffers that the autograd engine hands back once it knows they are dead, so that a training step
/// reuses the previous step's gradient buffers instead of allocating (large-object-heap) arrays that only a gen-2
/// collection would reclaim. Only the engine releases, and only storages it tagged itself: allocations made on the
/// thread running <see cref="Autograd.Engine"/> while an epoch is open are tagged with it; a tagged gradient that
/// was consumed and is not aliased by any pending gradient is returned here. Anything that escapes (a leaf's .Grad,
/// a retained or captured gradient) is untagged first, so user-visible tensors are never recycled.</summary>
internal static class BufferPool
{
    /// <summary>Arrays shorter than this (64 KB) are cheap gen-0 allocations and are not pooled.</summary>
    public const int MinLength = 16 * 1024;

    /// <summary>At most this many bytes wait in the pool; more returned arrays are left to the GC.</summary>
    private const long MaxFreeBytes = 512L << 20;

    private static readonly Dictionary<int, Stack<float[]>> Free = new();
    private static long _freeBytes;
    private static int _lastEpoch;

    /// <summary>The open epoch of this thread (0: none, allocations are ordinary).</summary>
    [ThreadStatic] internal static int CurrentEpoch;

    /// <summary>Opens a fresh epoch on this thread; returns the previous one for <see cref="EndEpoch"/>.</summary>
    public static int BeginEpoch()
    {
        int prev = CurrentEpoch;
        CurrentEpoch = Interlocked.Increment(ref _lastEpoch);
        return prev;
    }

    public static void EndEpoch(int previous) => CurrentEpoch = previous;

    /// <summary>A float array of exactly <paramref name="length"/> elements, recycled when one is free (contents stale).</summary>
    public static float[] Rent(int length)
    {
        lock (Free)
        {
            if (Free.TryGetValue(length, out var s) && s.Count > 0)
            {
                _freeBytes -= (long)length * sizeof(float);
                return s.Pop();
            }
        }
        return GC.AllocateUninitializedArray<float>(length);
    }

    public static void Return(float[] array)
    {
        long bytes = (long)array.Length * sizeof(float);
        lock (Free)
        {
            if (_freeBytes + bytes > MaxFreeBytes) return;
            if (!Free.TryGetValue(array.Length, out var s)) Free[array.Length] = s = new Stack<float[]>();
            s.Push(array);
            _freeBytes += bytes;
        }
    }

    /// <summary>Bytes now waiting in the pool (tests and benchmarks).</summary>
    internal static long FreeBytes { get { lock (Free) return _freeBytes; } }
}
