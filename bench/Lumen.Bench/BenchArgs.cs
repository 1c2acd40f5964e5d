using System.Globalization;

namespace Lumen.Bench;

/// <summary>The modes' <c>--name value</c> options, read from the argument list.</summary>
internal static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when the option is absent (or last).</summary>
    public static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static int Int(string[] args, string name, int fallback) =>
        Value(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary><c>--threads</c> (default 2), set for the library and for the bench's own copy of the kernels (the kernel
    /// modes call that copy: Lumen.Bench.csproj compiles the sources again).</summary>
    public static int Threads(string[] args)
    {
        int threads = Int(args, "--threads", 2);
        Torch.SetNumThreads(threads);
        Lumen.Kernels.ParallelFor.NumThreads = threads;
        return threads;
    }

    public static double Double(string[] args, string name, double fallback) =>
        Value(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
