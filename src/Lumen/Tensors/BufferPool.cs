namespace Lumen;

/// <summary>Arrays handed back by code that knows they are dead, kept by element type and exact length so the next
/// allocation of the same size reuses them instead of allocating (often large-object-heap) arrays that only a gen-2
/// collection would reclaim. Two kinds of owner return arrays here:
/// <list type="bullet">
/// <item>the autograd engine: allocations made on the thread running <see cref="Autograd.Engine"/> while an epoch is
/// open are tagged with it; a tagged gradient that was consumed and is not aliased by any pending gradient is returned.
/// Anything that escapes (a leaf's .Grad, a retained or captured gradient) is untagged first;</item>
/// <item>a <see cref="DisposeScope"/>: every storage allocated on its thread while it is open is rented here and goes
/// back when the scope is disposed (unless it was detached or moved out).</item>
/// </list>
/// Buckets that no allocation has touched for <see cref="TrimAfterTicks"/> outermost scope disposals are dropped, so
/// sizes a program stopped using (a smaller last batch, an evaluation pass) do not stay resident.</summary>
internal static class BufferPool
{
    /// <summary>Float arrays shorter than this (64 KB) that the engine allocates outside any scope are cheap gen-0
    /// allocations and are not pooled.</summary>
    public const int MinLength = 16 * 1024;

    /// <summary>At most this many bytes wait in the pool; more returned arrays are left to the GC. A quarter of the memory
    /// the GC may use, at least 1 GiB: a step of seed 001's ConvNet at batch 512 frees about 1.5 GB, and the part a 1 GiB
    /// cap turned away came back as large-object allocations and gen-2 collections every step.</summary>
    private static readonly long MaxFreeBytes = Math.Max(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <summary>A bucket unused for this many outermost scope disposals (training steps) is dropped.</summary>
    internal const int TrimAfterTicks = 32;

    private static readonly object Gate = new();
    private static readonly List<Action<int>> Trimmers = new();
    private static long _freeBytes;
    private static int _lastEpoch;
    private static int _tick;

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

    /// <summary>The free arrays of one element type, by length.</summary>
    private static class Buckets<T> where T : unmanaged
    {
        public static readonly Dictionary<int, Slot> Free = CreateAndRegister();

        private static Dictionary<int, Slot> CreateAndRegister()
        {
            var free = new Dictionary<int, Slot>();
            lock (Gate) Trimmers.Add(oldest =>
            {
                List<int>? dead = null;
                foreach (var (len, slot) in free)
                    if (slot.LastUsed < oldest) (dead ??= new()).Add(len);
                if (dead == null) return;
                foreach (var len in dead)
                {
                    _freeBytes -= (long)free[len].Arrays.Count * len * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
                    free.Remove(len);
                }
            });
            return free;
        }

        public sealed class Slot
        {
            public readonly Stack<T[]> Arrays = new();
            public int LastUsed;
        }
    }

    /// <summary>An array of exactly <paramref name="length"/> elements, recycled when one is free (contents stale).</summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        var free = Buckets<T>.Free;
        lock (Gate)
        {
            if (free.TryGetValue(length, out var s))
            {
                s.LastUsed = _tick;
                if (s.Arrays.Count > 0)
                {
                    _freeBytes -= (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
                    return s.Arrays.Pop();
                }
            }
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>A temporary array the caller gives back with <see cref="ReturnScratch{T}"/> before it returns: pooled when
    /// it is large or a <see cref="DisposeScope"/> is open (a training step), otherwise an ordinary small allocation.</summary>
    public static T[] RentScratch<T>(int length) where T : unmanaged =>
        length >= MinLength || DisposeScope.Current != null ? Rent<T>(length) : new T[length];

    /// <summary>Gives back an array from <see cref="RentScratch{T}"/>.</summary>
    public static void ReturnScratch<T>(T[] array) where T : unmanaged
    {
        if (array.Length >= MinLength || DisposeScope.Current != null) Return(array);
    }

    /// <summary>A float array of exactly <paramref name="length"/> elements (contents stale).</summary>
    public static float[] Rent(int length) => Rent<float>(length);

    /// <summary>Gives <paramref name="array"/> back; the caller must hold no other reference that is still used.</summary>
    public static void Return<T>(T[] array) where T : unmanaged
    {
        long bytes = (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var free = Buckets<T>.Free;
        lock (Gate)
        {
            if (_freeBytes + bytes > MaxFreeBytes) return;
            if (!free.TryGetValue(array.Length, out var s)) free[array.Length] = s = new Buckets<T>.Slot();
            s.Arrays.Push(array);
            s.LastUsed = _tick;
            _freeBytes += bytes;
        }
    }

    /// <summary>Gives back an array of any pooled element type (float, double, long, int, byte, bool).</summary>
    public static void Return(Array array)
    {
        switch (array)
        {
            case float[] f: Return(f); break;
            case long[] l: Return(l); break;
            case int[] i: Return(i); break;
            case double[] d: Return(d); break;
            case byte[] b: Return(b); break;
            case bool[] z: Return(z); break;
        }
    }

    /// <summary>Counts one outermost scope disposal (a training step) and drops buckets unused for
    /// <see cref="TrimAfterTicks"/> of them.</summary>
    internal static void Tick()
    {
        lock (Gate)
        {
            int now = ++_tick;
            if (now % 8 != 0) return;    // trimming every step would only cost time
            foreach (var trim in Trimmers) trim(now - TrimAfterTicks);
        }
    }

    /// <summary>Bytes now waiting in the pool (tests and benchmarks).</summary>
    internal static long FreeBytes { get { lock (Gate) return _freeBytes; } }
}
