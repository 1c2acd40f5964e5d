using System.Diagnostics;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>The <c>--bn-micro</c> mode: the batch-norm kernels alone on MNIST CNN's first batch norm (100×16×26×26),
/// median ms of 30 calls each, to tell kernel time from the layer's overhead in <c>--profile mnist</c>.</summary>
internal static class BnMicro
{
    public static int Run(string[] args)
    {
        Torch.SetNumThreads(2);
        ParallelFor.NumThreads = 2;
        int n = 100, c = 16, s = 26 * 26;
        var rng = new Random(1);
        var x = new float[n * c * s]; var dy = new float[x.Length]; var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) { x[i] = (float)rng.NextDouble(); dy[i] = (float)rng.NextDouble(); }
        var xv = View<float>.Contiguous(x, 0, n, c, s); var dyv = View<float>.Contiguous(dy, 0, n, c, s); var yv = View<float>.Contiguous(y, 0, n, c, s);
        var mean = new float[c]; var vs = new double[c]; var a = new float[c]; var b = new float[c]; var sd = new double[c]; var dp = new double[c];
        Array.Fill(a, 1.5f);
        double T(Action f)
        {
            var t = new double[30];
            for (int r = -5; r < 30; r++) { long t0 = Stopwatch.GetTimestamp(); f(); if (r >= 0) t[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds; }
            Array.Sort(t); return t[15];
        }
        Console.WriteLine($"stats {T(() => NormKernels.BatchNormStats(xv, mean, vs)):F3} ms, affine {T(() => NormKernels.ChannelAffine(xv, a, b, yv)):F3} ms, " +
                          $"backward sums {T(() => NormKernels.BatchNormBackwardSums(xv, dyv, mean, sd, dp)):F3} ms, " +
                          $"backward input {T(() => NormKernels.BatchNormBackwardInput(xv, dyv, mean, a, a, sd, dp, yv)):F3} ms");
        return 0;
    }
}
