using System.Diagnostics;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>The <c>--sgemm-shapes</c> mode: Lumen's SGEMM alone on the square sizes and on the products ResNet-18's
/// convolutions make (per-sample forward, batched forward, per-sample and batched weight gradient), GFLOP/s median of 7 after
/// 2 warm-ups, <c>--threads</c> (default 2). For tuning the blocking; the partners are in the default SGEMM mode.</summary>
internal static class SgemmShapes
{
    public static int Run(string[] args)
    {
        BenchArgs.Threads(args);
        var shapes = new (string Name, bool TransB, int M, int N, int K)[]
        {
            ("1024^3", false, 1024, 1024, 1024), ("2048^3", false, 2048, 2048, 2048),
            ("l2.0 fwd/sample 128x784x576", false, 128, 784, 576), ("l4 fwd batched 512x392x4608", false, 512, 392, 4608),
            ("l3.0 fwd batched 256x1568x1152", false, 256, 1568, 1152), ("l1 dw/sample 64x576x3136 B^T", true, 64, 576, 3136),
            ("l3 dw batched 256x2304x1568 B^T", true, 256, 2304, 1568), ("l4 dw batched 512x4608x392 B^T", true, 512, 4608, 392),
            // Winograd's per-position products on one thread's block: the forward's (OC × tiles × C) and the weight
            // gradient's (OC × C × tiles, B transposed).
            ("wino l1 fwd 64x256x64", false, 64, 256, 64), ("wino l3 fwd 256x252x256", false, 256, 252, 256),
            ("wino l1 dw 64x64x2048 B^T", true, 64, 64, 2048), ("wino l3 dw 256x256x392 B^T", true, 256, 256, 392),
        };
        foreach (var (name, transB, m, n, k) in shapes)
        {
            var a = Compare.RandomFloats(m * k, 1);
            var b = Compare.RandomFloats(k * n, 2);
            var c = new float[m * n];
            int ldb = transB ? k : n;
            for (int w = 0; w < 2; w++) Gemm.Sgemm(false, transB, m, n, k, 1f, a, k, b, ldb, 0f, c, n);
            var t = new double[7];
            for (int r = 0; r < t.Length; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Gemm.Sgemm(false, transB, m, n, k, 1f, a, k, b, ldb, 0f, c, n);
                t[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            }
            Array.Sort(t);
            Console.WriteLine($"{name,-34} {2.0 * m * n * k / t[3] / 1e9,8:F1} GFLOP/s");
        }
        return 0;
    }
}
