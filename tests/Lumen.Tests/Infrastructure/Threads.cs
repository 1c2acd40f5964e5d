using Lumen.Kernels;

namespace Lumen.Tests;

/// <summary>Runs code at a given thread count and puts the previous one back.</summary>
public static class Threads
{
    /// <summary><paramref name="body"/>'s result, run with <paramref name="threads"/> threads.</summary>
    public static T With<T>(int threads, Func<T> body)
    {
        int old = ParallelFor.NumThreads;
        try
        {
            Torch.SetNumThreads(threads);
            return body();
        }
        finally { ParallelFor.NumThreads = old; }
    }
}
