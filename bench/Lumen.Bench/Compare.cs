using System.Diagnostics;
using System.Globalization;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>The <c>--compare</c> mode: Lumen's SGEMM and PyTorch's <c>a @ b</c> timed in the same run with the same
/// thread count, printed as a table of GFLOP/s and their ratio.</summary>
internal static class Compare
{
    public static float[] RandomMatrix(int n, int seed) => RandomFloats(n * n, seed);

    /// <summary><paramref name="count"/> floats uniform in [−1, 1) from a seeded <see cref="Random"/>.</summary>
    public static float[] RandomFloats(int count, int seed)
    {
        var rng = new Random(seed);
        var d = new float[count];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(rng.NextDouble() * 2 - 1);
        return d;
    }

    /// <summary>Median and best seconds of <paramref name="runs"/> timed n³ products after a warm-up.</summary>
    private static (double Median, double Best) TimeLumen(int n, int runs)
    {
        var a = RandomMatrix(n, 1); var b = RandomMatrix(n, 2); var c = new float[n * n];
        for (int w = 0; w < 2; w++) Gemm.Sgemm(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Gemm.Sgemm(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(times);
        return (times[runs / 2], times[0]);
    }

    /// <summary>Runs bench/pytorch_sgemm.py for one size; null (with a printed reason, once) when Python or torch is missing.</summary>
    private static (double Median, double Best)? TimePyTorch(string script, int threads, int runs, int n)
    {
        var (code, stdout, stderr) = Partners.Run(Side.PyTorch, script, new[] { threads.ToString(), runs.ToString(), n.ToString() });
        if (code != 0)
        {
            var why = stderr.Contains("No module named 'torch'") ? "torch is not installed for /usr/bin/python3" : Partners.LastLine(stderr);
            Console.WriteLine($"PyTorch 1.13 column n/a: {why}");
            return null;
        }
        var f = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Split(' ');
        return (Partners.D(f[1]), Partners.D(f[2]));
    }

    /// <summary>Times libtorch's <c>torch.matmul</c> in the partner (case sgemm1024 / sgemm2048: the same warm-up and
    /// run counts); its output is GFLOP/s, turned back into seconds here. Null when it failed (reason printed).</summary>
    private static (double Median, double Best)? TimeLibtorch(string dll, int threads, int n)
    {
        var (code, stdout, stderr) = Partners.Run(Side.Libtorch, dll, new[] { "--threads", threads.ToString(), "--only", $"sgemm{n}" });
        var f = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (code != 0 || f is not { Length: 3 }) { Console.WriteLine($"libtorch 2.10 column n/a: {Partners.LastLine(stderr)}"); return null; }
        double flops = 2.0 * n * n * n;
        return (flops / (Partners.D(f[1]) * 1e9), flops / (Partners.D(f[2]) * 1e9));
    }

    public static int Run(string[] args)
    {
        int threads = 2, rounds = 3;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--threads") threads = int.Parse(args[++i]);
            else if (args[i] == "--rounds") rounds = int.Parse(args[++i]);
        }
        int[] sizes = { 1024, 2048 };
        var runs = new Dictionary<int, int> { [1024] = 9, [2048] = 5 };
        Torch.SetNumThreads(threads);
        ParallelFor.NumThreads = threads; // the bench's own copy of the kernels (Lumen.Bench.csproj)
        string? py = Partners.PythonScript("pytorch_sgemm.py", out var pyWhy);
        string? ts = Partners.TsbenchDll;
        var (peak, peakHow) = FmaPeak.Derive(threads, args);
        Console.WriteLine($"SGEMM C = A·B, float32, square n×n×n, {threads} threads; Lumen path {Gemm.BestPath}; " +
                          $"median of {runs[1024]} (1024) / {runs[2048]} (2048) runs after warm-up; {rounds} rounds, Lumen, PyTorch 1.13 (OpenBLAS), libtorch 2.10 (oneMKL) in each.");
        Console.WriteLine("GFLOP/s = 2n³ / time, shown as median / best of the runs; ratio = Lumen / the faster partner of the medians (* : libtorch); peak % = Lumen's median / FMA peak.");
        Console.WriteLine(IsaCap.Current.Describe());
        Console.WriteLine(peakHow);
        if (pyWhy != null) Console.WriteLine(pyWhy);
        if (ts == null) Console.WriteLine(Partners.LibtorchMissing(false));
        Console.WriteLine($"{"round",5} {"case",7} {"PyTorch GFLOP/s",16} {"libtorch GFLOP/s",16} {"Lumen GFLOP/s",16} {"ratio",6} {"peak %",6}");
        var ratios = sizes.ToDictionary(s => s, _ => new List<double>());
        var best = sizes.ToDictionary(s => s, _ => new double[] { double.MaxValue, double.MaxValue, double.MaxValue });   // PyTorch, libtorch, Lumen
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var s in sizes)
            {
                var lumen = TimeLumen(s, runs[s]);
                var torch = py == null ? null : TimePyTorch(py, threads, runs[s], s);
                if (torch == null) py = null;
                var lt = ts == null ? null : TimeLibtorch(ts, threads, s);
                if (lt == null) ts = null;
                double flops = 2.0 * s * s * s;
                string G((double Median, double Best)? t) => t is { } v ? $"{flops / v.Median / 1e9,6:F1} / {flops / v.Best / 1e9,6:F1}" : "n/a";
                // The faster partner is the one with the shorter median time.
                double partner = Math.Min(torch?.Median ?? double.MaxValue, lt?.Median ?? double.MaxValue);
                string ratio = "-";
                if (partner < double.MaxValue)
                {
                    double r = partner / lumen.Median;
                    ratios[s].Add(r);
                    ratio = r.ToString("F2", CultureInfo.InvariantCulture) + (lt is { } l && l.Median == partner ? "*" : "");
                }
                best[s][0] = Math.Min(best[s][0], torch?.Best ?? double.MaxValue);
                best[s][1] = Math.Min(best[s][1], lt?.Best ?? double.MaxValue);
                best[s][2] = Math.Min(best[s][2], lumen.Best);
                string pct = double.IsNaN(peak) ? "-" : (100 * flops / lumen.Median / 1e9 / peak).ToString("F0", CultureInfo.InvariantCulture);
                Console.WriteLine($"{round,5} {$"{s}³",7} {G(torch),16} {G(lt),16} {G(lumen),16} {ratio,6} {pct,6}");
            }
        }
        foreach (var s in sizes)
        {
            double flops = 2.0 * s * s * s;
            string Gf(double t) => t == double.MaxValue ? "n/a" : (flops / t / 1e9).ToString("F1", CultureInfo.InvariantCulture);
            string range = ratios[s].Count == 0 ? "no partner" : $"ratio to the faster partner over {ratios[s].Count} rounds min {ratios[s].Min():F2}, max {ratios[s].Max():F2}";
            Console.WriteLine($"{s}³: {range}; best single runs PyTorch {Gf(best[s][0])}, libtorch {Gf(best[s][1])}, Lumen {Gf(best[s][2])} GFLOP/s");
        }
        return 0;
    }
}
