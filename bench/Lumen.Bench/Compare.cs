using System.Diagnostics;
using System.Globalization;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>The <c>--compare</c> mode: Lumen's SGEMM and PyTorch's <c>a @ b</c> timed in the same run with the same
/// thread count, printed as a table of GFLOP/s and their ratio.</summary>
internal static class Compare
{
    public static float[] RandomMatrix(int n, int seed)
    {
        var rng = new Random(seed);
        var d = new float[n * n];
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

    /// <summary>Runs bench/pytorch_sgemm.py; null (with a printed reason) when Python or torch is missing.</summary>
    private static Dictionary<int, (double Median, double Best)>? TimePyTorch(int threads, int runs, int[] sizes)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "pytorch_sgemm.py");
        if (!File.Exists("/usr/bin/python3")) { Console.WriteLine("PyTorch comparison skipped: /usr/bin/python3 not found."); return null; }
        var psi = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Those two variables slow OpenBLAS on this machine; PyTorch's own baseline runs without them too.
        foreach (var arg in new[] { "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE", "/usr/bin/python3", script,
                                    threads.ToString(), runs.ToString() }.Concat(sizes.Select(s => s.ToString())))
            psi.ArgumentList.Add(arg);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var why = stderr.Contains("No module named 'torch'") ? "torch is not installed for /usr/bin/python3" : stderr.Trim().Split('\n').LastOrDefault();
            Console.WriteLine($"PyTorch comparison skipped: {why}");
            return null;
        }
        var r = new Dictionary<int, (double, double)>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            r[int.Parse(f[0])] = (double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture));
        }
        return r;
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
        Console.WriteLine($"SGEMM C = A·B, float32, square n×n×n, {threads} threads; Lumen path {Gemm.BestPath}; " +
                          $"median of {runs[1024]} (1024) / {runs[2048]} (2048) runs after warm-up; {rounds} rounds, Lumen then PyTorch in each.");
        Console.WriteLine("GFLOP/s = 2n³ / time, shown as median / best of the runs; ratio = Lumen / PyTorch of the medians.");
        Console.WriteLine($"{"round",5} {"case",7} {"PyTorch GFLOP/s",17} {"Lumen GFLOP/s",17} {"ratio",6}");
        var ratios = sizes.ToDictionary(s => s, _ => new List<double>());
        var bestTime = sizes.ToDictionary(s => s, _ => (Torch: double.MaxValue, Lumen: double.MaxValue));
        for (int round = 1; round <= rounds; round++)
        {
            var lumen = sizes.ToDictionary(s => s, s => TimeLumen(s, runs[s]));
            var torch = new Dictionary<int, (double Median, double Best)>();
            foreach (var s in sizes)
            {
                var t = TimePyTorch(threads, runs[s], new[] { s });
                if (t == null) { torch.Clear(); break; }
                torch[s] = t[s];
            }
            foreach (var s in sizes)
            {
                double flops = 2.0 * s * s * s;
                string G((double Median, double Best) t) => $"{flops / t.Median / 1e9,7:F1} / {flops / t.Best / 1e9,6:F1}";
                string tg = "-", ratio = "-";
                if (torch.TryGetValue(s, out var tt))
                {
                    tg = G(tt);
                    double r = tt.Median / lumen[s].Median;
                    ratio = r.ToString("F2", CultureInfo.InvariantCulture);
                    ratios[s].Add(r);
                    bestTime[s] = (Math.Min(bestTime[s].Torch, tt.Best), Math.Min(bestTime[s].Lumen, lumen[s].Best));
                }
                else bestTime[s] = (bestTime[s].Torch, Math.Min(bestTime[s].Lumen, lumen[s].Best));
                Console.WriteLine($"{round,5} {$"{s}³",7} {tg,17} {G(lumen[s]),17} {ratio,6}");
            }
        }
        foreach (var s in sizes)
        {
            double flops = 2.0 * s * s * s;
            if (ratios[s].Count == 0) { Console.WriteLine($"{s}³: Lumen best {flops / bestTime[s].Lumen / 1e9:F1} GFLOP/s (no PyTorch)"); continue; }
            Console.WriteLine($"{s}³: ratio of medians over {ratios[s].Count} rounds min {ratios[s].Min():F2}, max {ratios[s].Max():F2}; " +
                              $"best single runs PyTorch {flops / bestTime[s].Torch / 1e9:F1}, Lumen {flops / bestTime[s].Lumen / 1e9:F1} GFLOP/s " +
                              $"(ratio {bestTime[s].Torch / bestTime[s].Lumen:F2})");
        }
        return 0;
    }
}
