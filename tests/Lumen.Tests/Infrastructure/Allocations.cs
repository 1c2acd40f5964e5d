namespace Lumen.Tests;

/// <summary>Managed bytes a call allocates on the calling thread in the steady state.</summary>
public static class Allocations
{
    /// <summary>The fewest bytes per call over up to <paramref name="windows"/> windows of <paramref name="calls"/> calls
    /// each (stopping at a window that allocated nothing). A per-call cost shows in every window; a once-per-process
    /// event that can land in one of them does not (a lock's first contention inflates it, a method's tier-up or a type
    /// load allocates once: seen about once in 30 runs of the whole suite under the AVX2 cap).</summary>
    public static long SteadyPerCall(Action call, int calls = 5, int windows = 3)
    {
        long fewest = long.MaxValue;
        for (int w = 0; w < windows && fewest > 0; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) call();
            fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / calls);
        }
        return fewest;
    }
}
