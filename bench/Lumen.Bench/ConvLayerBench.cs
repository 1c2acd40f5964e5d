using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>The <c>--conv-layers</c> mode: each convolution shape of ResNet-18 (batch 8, 224²) and VGG-16 (batch 4)
/// timed pass by pass (forward, input gradient, weight gradient) on the kernels alone, by PyTorch 1.13
/// (<c>bench/pytorch_conv_layers.py</c>, its ResNet-18/VGG-16 shapes), libtorch 2.10 (the partner's <c>--conv-layers</c>, given
/// every shape of the table) and Lumen, same threads, in the same run, with Lumen's share of the FMA peak (<see cref="FmaPeak"/>). Options:
/// <c>--threads 2 --reps 7 --only r18 --best</c> (fastest call instead of median), <c>--cpu</c> (process CPU time instead of wall clock), <c>--no-torch</c> (neither partner), <c>--isa sse|avx2</c>, <c>--clock-ghz X</c>, <c>--fma-units N</c>, <c>--strategy batched</c>, <c>--width 128</c> (the direct kernels' widest vectors), <c>--kept-winograd</c> (planned as a module with a kept Winograd transform),
/// <c>--direct-vs-gemm</c> (forward and input gradient through SGEMM vs the direct kernel forced on, alternately).</summary>
internal static class ConvLayerBench
{
    /// <summary>One convolution: batch, channels in/out, square kernel, stride, padding, square input size, and how
    /// many times it occurs in its model (the weight of its row in the model's total).</summary>
    private sealed record Layer(string Name, int N, int C, int OC, int K, int S, int P, int HW, int Count, int Dims = 2);

    // Same names and shapes as bench/pytorch_conv_layers.py.
    private static readonly Layer[] Layers =
    {
        new("r18.conv1 7x7/2 3-64 224", 8, 3, 64, 7, 2, 3, 224, 1),
        new("r18.l1 3x3 64-64 56", 8, 64, 64, 3, 1, 1, 56, 4),
        new("r18.l2.0 3x3/2 64-128 56", 8, 64, 128, 3, 2, 1, 56, 1),
        new("r18.l2 3x3 128-128 28", 8, 128, 128, 3, 1, 1, 28, 3),
        new("r18.l2.ds 1x1/2 64-128 56", 8, 64, 128, 1, 2, 0, 56, 1),
        new("r18.l3.0 3x3/2 128-256 28", 8, 128, 256, 3, 2, 1, 28, 1),
        new("r18.l3 3x3 256-256 14", 8, 256, 256, 3, 1, 1, 14, 3),
        new("r18.l3.ds 1x1/2 128-256 28", 8, 128, 256, 1, 2, 0, 28, 1),
        new("r18.l4.0 3x3/2 256-512 14", 8, 256, 512, 3, 2, 1, 14, 1),
        new("r18.l4 3x3 512-512 7", 8, 512, 512, 3, 1, 1, 7, 3),
        new("r18.l4.ds 1x1/2 256-512 14", 8, 256, 512, 1, 2, 0, 14, 1),
        new("vgg.c1 3x3 3-64 224", 4, 3, 64, 3, 1, 1, 224, 1),
        new("vgg.c2 3x3 64-64 224", 4, 64, 64, 3, 1, 1, 224, 1),
        new("vgg.c4 3x3 128-128 112", 4, 128, 128, 3, 1, 1, 112, 1),
        new("vgg.c6 3x3 256-256 56", 4, 256, 256, 3, 1, 1, 56, 2),
        new("vgg.c9 3x3 512-512 28", 4, 512, 512, 3, 1, 1, 28, 2),
        new("vgg.c12 3x3 512-512 14", 4, 512, 512, 3, 1, 1, 14, 3),
        // The small bench models' convolutions with K = C·3·3 above 256 (MnistCNN, batch 100, 28² unpadded; SimpleCNN,
        // batch 64, 32² padded; Lumen only).
        new("mnist.l3 3x3 32-64 12", 100, 32, 64, 3, 1, 0, 12, 1),
        new("mnist.l4 3x3 64-128 10", 100, 64, 128, 3, 1, 0, 10, 1),
        new("scnn.l2 3x3 32-64 16", 64, 32, 64, 3, 1, 1, 16, 1),
        new("scnn.l3 3x3 64-128 8", 64, 64, 128, 3, 1, 1, 8, 1),
        // The seeds' thin layers (K ≤ 256: the direct kernels' rule; Lumen only): MnistCNN's first two (batch 100, 28²
        // unpadded), DLwPT's Net (batch 64, 32² padded), LeNet-5 (batch 64), seed 001's ConvNet conv1 (batch 64, 32²).
        new("mnist.l1 3x3 1-16 28", 100, 1, 16, 3, 1, 0, 28, 1),
        new("mnist.l2 3x3 16-32 26", 100, 16, 32, 3, 1, 0, 26, 1),
        new("net.conv1 3x3 3-16 32", 64, 3, 16, 3, 1, 1, 32, 1),
        new("net.conv2 3x3 16-8 16", 64, 16, 8, 3, 1, 1, 16, 1),
        new("lenet.c1 5x5 1-6 28", 64, 1, 6, 5, 1, 2, 28, 1),
        new("lenet.c2 5x5 6-16 14", 64, 6, 16, 5, 1, 0, 14, 1),
        new("convnet.c1 3x3 3-48 32", 64, 3, 48, 3, 1, 0, 32, 1),
        // Pointwise stride-1 probes for the thin direct rule (batch 8; Lumen only).
        new("pw 1x1 3-16 64", 8, 3, 16, 1, 1, 0, 64, 1),
        new("pw 1x1 8-32 56", 8, 8, 32, 1, 1, 0, 56, 1),
        new("pw 1x1 16-64 56", 8, 16, 64, 1, 1, 0, 56, 1),
        new("pw 1x1 32-64 56", 8, 32, 64, 1, 1, 0, 56, 1),
        new("pw 1x1 64-256 56", 8, 64, 256, 1, 1, 0, 56, 1),
        new("pw 1x1 256-64 56", 8, 256, 64, 1, 1, 0, 56, 1),
        // Tiny3D's two convolutions (3-d, batch 8; Lumen only, bench/pytorch_conv_layers.py has no 3-d shapes).
        new("t3d.conv1 3x3x3 1-8 32", 8, 1, 8, 3, 1, 1, 32, 1, 3),
        new("t3d.conv2 3x3x3 8-16 16", 8, 8, 16, 3, 1, 1, 16, 1, 3),
    };

    /// <summary>The planner overrides given on the command line (<c>--strategy</c>, <c>--width 128|256|512</c>).</summary>
    private static ConvPlanOptions Plan;

    /// <summary>Report the fastest call instead of the median (<c>--best</c>; steadier on a shared machine).</summary>
    private static bool Best;

    /// <summary>Time by the process's CPU time instead of the wall clock (<c>--cpu</c>; with <c>--threads 1</c> this
    /// measures the kernels' own work, whatever else the machine is running).</summary>
    private static bool Cpu;

    /// <summary>Median (or with <c>--best</c> fastest) of <paramref name="reps"/> calls after two warm-ups, wall time (or
    /// with <c>--cpu</c> process CPU time), ms.</summary>
    internal static double MedianMs(Action a, int reps)
    {
        a(); a();
        var ts = new double[reps];
        var proc = Process.GetCurrentProcess();
        for (int i = 0; i < reps; i++)
        {
            if (Cpu)
            {
                proc.Refresh();
                var c0 = proc.TotalProcessorTime;
                a();
                proc.Refresh();
                ts[i] = (proc.TotalProcessorTime - c0).TotalMilliseconds;
                continue;
            }
            long t0 = Stopwatch.GetTimestamp();
            a();
            ts[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(ts);
        return Best ? ts[0] : ts[reps / 2];
    }

    /// <summary>A layer's geometry and operands: random x, w and dy in [−1, 1) (seed 0), zeroed y, dx and dw.</summary>
    private sealed record Operands(ConvGeometry G, float[] X, float[] W, float[] Y, float[] Gy, float[] Gx, float[] Gw);

    /// <summary>A flat contiguous kernel view of the whole array.</summary>
    private static View<float> V(float[] a) => View<float>.Of(a);

    private static Operands Make(Layer l)
    {
        int o = (l.HW + 2 * l.P - l.K) / l.S + 1;
        int[] D(int v) => Enumerable.Repeat(v, l.Dims).ToArray();
        long Pow(int v) => (long)Math.Pow(v, l.Dims);
        var g = new ConvGeometry(l.N, l.C, l.OC, 1, D(l.HW), D(l.K), D(l.S), D(l.P), D(1), D(o));
        var rng = new Random(0);
        float[] Rand(long n) { var a = new float[n]; for (long i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1); return a; }
        var x = Rand(l.N * l.C * Pow(l.HW));
        var w = Rand(l.OC * l.C * Pow(l.K));
        var y = new float[l.N * l.OC * Pow(o)];
        var gy = Rand(y.Length);
        return new Operands(g, x, w, y, gy, new float[x.Length], new float[w.Length]);
    }

    private static (double F, double Dx, double Dw) TimeLumen(Layer l, int reps)
    {
        var (g, x, w, y, gy, gx, gw) = Make(l);
        double f = MedianMs(() => ConvKernels.Forward(g, V(x), V(w), default, V(y), Plan), reps);
        double dx = MedianMs(() => ConvKernels.Backward(g, default, V(w), V(gy), V(gx), default, options: Plan), reps);
        double dw = MedianMs(() => ConvKernels.Backward(g, V(x), V(w), V(gy), default, V(gw), options: Plan), reps);
        return (f, dx, dw);
    }

    /// <summary>Medians of two actions timed alternately (a, b, a, b, ...), so load that comes and goes hits both.</summary>
    private static (double A, double B) MedianPair(Action a, Action b, int reps)
    {
        // Warm-up: at least 3 calls each and half a second, so tiered compilation has settled whichever path runs first.
        long w0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < 3 || Stopwatch.GetElapsedTime(w0).TotalMilliseconds < 500; i++) { a(); b(); }
        var ta = new double[reps];
        var tb = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            a();
            ta[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            t0 = Stopwatch.GetTimestamp();
            b();
            tb[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(ta);
        Array.Sort(tb);
        return Best ? (ta[0], tb[0]) : (ta[reps / 2], tb[reps / 2]);
    }

    /// <summary>The <c>--direct-vs-gemm</c> mode: per layer, the forward, the input gradient, and the input and weight
    /// gradients together (a training step's backward), through im2col + SGEMM (direct kernels off) and through the
    /// direct kernel (forced, whatever K; the weight gradient then goes as Backward sends it), timed alternately; "-"
    /// where the direct kernel cannot take the geometry (stride 2).</summary>
    private static int DirectVsGemm(string? only, int threads, int reps)
    {
        Console.WriteLine($"Forward and input gradient, im2col + SGEMM vs direct kernel, {threads} threads, {(Best ? "fastest" : "median")} of {reps} alternating calls, ms; speed-up = GEMM time / direct time; auto: what the default dispatch sends to the direct kernel (F forward, D input gradient).");
        Console.WriteLine($"{"layer",-28} {"K",5} {"OC·KK",5} {"auto",4} {"fwd gemm",9} {"direct",7} {"x",5}   {"dx gemm",9} {"direct",7} {"x",5}   {"dx+dw gem",9} {"direct",7} {"x",5}");
        foreach (var l in Layers)
        {
            if (only != null && !l.Name.Contains(only)) continue;
            var (g, x, w, y, gy, gx, gw) = Make(l);
            string F(double v) => double.IsNaN(v) ? "-" : v.ToString("F1", CultureInfo.InvariantCulture);
            string X(double a, double b) => double.IsNaN(b) ? "-" : (a / b).ToString("F2", CultureInfo.InvariantCulture);
            double fg, fd = double.NaN, dg, dd = double.NaN, bg, bd = double.NaN;
            string rule = (ConvPlanner.Plan(g, ConvPass.Forward, Plan).IsDirect ? "F" : "") + (ConvPlanner.Plan(g, ConvPass.InputGrad, Plan).IsDirect ? "D" : "");
            var gemm = Plan with { Direct = DirectMode.Off };
            var direct = Plan with { Direct = DirectMode.Force };
            void Fwd(ConvPlanOptions o) => ConvKernels.Forward(g, V(x), V(w), default, V(y), o);
            void Dx(ConvPlanOptions o) => ConvKernels.Backward(g, default, V(w), V(gy), V(gx), default, options: o);
            void DxDw(ConvPlanOptions o) => ConvKernels.Backward(g, V(x), V(w), V(gy), V(gx), V(gw), options: o);
            if (ConvPlanner.Plan(g, ConvPass.Forward, direct).IsDirect) (fg, fd) = MedianPair(() => Fwd(gemm), () => Fwd(direct), reps);
            else fg = MedianMs(() => Fwd(gemm), reps);
            if (ConvPlanner.Plan(g, ConvPass.InputGrad, direct).IsDirect)
            {
                (dg, dd) = MedianPair(() => Dx(gemm), () => Dx(direct), reps);
                (bg, bd) = MedianPair(() => DxDw(gemm), () => DxDw(direct), reps);
            }
            else
            {
                dg = MedianMs(() => Dx(gemm), reps);
                bg = MedianMs(() => DxDw(gemm), reps);
            }
            Console.WriteLine($"{l.Name,-28} {g.K,5} {g.OC * g.KK,5} {rule,4} {F(fg),9} {F(fd),7} {X(fg, fd),5}   {F(dg),9} {F(dd),7} {X(dg, dd),5}   {F(bg),9} {F(bd),7} {X(bg, bd),5}");
        }
        return 0;
    }

    public static int Run(string[] args)
    {
        int threads = BenchArgs.Threads(args), reps = BenchArgs.Int(args, "--reps", 7);
        string? only = BenchArgs.Value(args, "--only");
        Best = args.Contains("--best");
        Cpu = args.Contains("--cpu");
        int si = Array.IndexOf(args, "--strategy");
        if (si >= 0) Plan = Plan with { Strategy = Enum.Parse<ConvStrategy>(args[si + 1], ignoreCase: true) };
        int wi = Array.IndexOf(args, "--width");
        if (wi >= 0) Plan = Plan with { MaxWidth = (VectorWidth)int.Parse(args[wi + 1], CultureInfo.InvariantCulture) };
        if (args.Contains("--no-fused")) Plan = Plan with { NoFusedIm2Col = true };
        if (args.Contains("--no-winograd")) Plan = Plan with { NoWinograd = true };
        // Planned as a module plans them (its Winograd transform kept: across calls in inference, from the forward to the
        // input gradient in training); here each pass still transforms the weights itself.
        if (args.Contains("--kept-winograd")) Plan = Plan with { KeptWinogradWeights = true };
        bool noTorch = args.Contains("--no-torch");
        if (args.Contains("--direct-vs-gemm")) return DirectVsGemm(only, threads, reps);

        var selected = Layers.Where(l => only == null || l.Name.Contains(only)).ToList();
        var torch = noTorch ? new() : Partner(Side.PyTorch, threads, reps, only, selected);
        var libtorch = noTorch ? new() : Partner(Side.Libtorch, threads, reps, only, selected);
        var (peak, peakHow) = FmaPeak.Derive(threads, args);

        Console.WriteLine($"Convolution kernels alone, {threads} threads, {(Best ? "fastest" : "median")} of {reps} calls{(Cpu ? " (process CPU time)" : "")}, ms (PyTorch 1.13 / libtorch 2.10 / Lumen); " +
                          "ratio = the faster partner's time / Lumen's time over the three passes (> 1: Lumen faster; * : libtorch is the faster partner); " +
                          "peak % = Lumen's 3 × 2·N·OC·out·C·k^d flops over its three passes / their time / the FMA peak.");
        Console.WriteLine(IsaCap.Current.Describe());
        Console.WriteLine(peakHow);
        Console.WriteLine($"{"layer",-28} {"x",2} {"forward",23} {"input grad",23} {"weight grad",23} {"ratio",6} {"peak %",6}");
        var totals = new Dictionary<string, double[]>();
        foreach (var l in selected)
        {
            var (f, dx, dw) = TimeLumen(l, reps);
            double[] T(Dictionary<string, JsonElement> d) => d.TryGetValue(l.Name, out var t)
                ? new[] { t.GetProperty("forward_ms").GetDouble(), t.GetProperty("input_grad_ms").GetDouble(), t.GetProperty("weight_grad_ms").GetDouble() }
                : new[] { double.NaN, double.NaN, double.NaN };
            var pt = T(torch); var lt = T(libtorch); var lu = new[] { f, dx, dw };
            string model = l.Name[..l.Name.IndexOfAny(new[] { '.', ' ' })];   // "r18.l1 …" → r18, "pw 1x1 …" → pw
            if (!totals.TryGetValue(model, out var tot)) totals[model] = tot = new double[10];
            for (int i = 0; i < 3; i++) { tot[i] += l.Count * pt[i]; tot[3 + i] += l.Count * lt[i]; tot[6 + i] += l.Count * lu[i]; }
            tot[9] += l.Count * Flops(l);
            Console.WriteLine($"{l.Name,-28} {l.Count,2} {Triple(pt[0], lt[0], f),23} {Triple(pt[1], lt[1], dx),23} {Triple(pt[2], lt[2], dw),23} " +
                              $"{R(pt.Sum(), lt.Sum(), lu.Sum()),6} {Pct(Flops(l), lu.Sum(), peak),6}");
        }
        foreach (var (model, t) in totals)
            Console.WriteLine($"{model + " total (weighted)",-31} {Triple(t[0], t[3], t[6]),23} {Triple(t[1], t[4], t[7]),23} {Triple(t[2], t[5], t[8]),23} " +
                              $"{R(t[0] + t[1] + t[2], t[3] + t[4] + t[5], t[6] + t[7] + t[8]),6} {Pct(t[9], t[6] + t[7] + t[8], peak),6}");
        return 0;
    }

    /// <summary>A partner's per-layer times: PyTorch 1.13 through bench/pytorch_conv_layers.py (its own ResNet-18 / VGG-16
    /// table), libtorch 2.10 through the partner's --conv-layers mode, given every selected layer's geometry here. Empty
    /// (with a printed reason) when the partner is missing.</summary>
    private static Dictionary<string, JsonElement> Partner(Side side, int threads, int reps, string? only, List<Layer> layers)
    {
        var result = new Dictionary<string, JsonElement>();
        var args = new List<string>();
        string? target;
        if (side == Side.PyTorch)
        {
            target = Partners.PythonScript("pytorch_conv_layers.py", out var why);
            if (target == null) { Console.WriteLine(why); return result; }
            if (only != null) { args.Add("--only"); args.Add(only); }
        }
        else
        {
            if (!Partners.TsbenchHasLumenAdditions) { Console.WriteLine(Partners.LibtorchMissing(true)); return result; }
            target = Partners.TsbenchDll;
            args.Add("--conv-layers");
            foreach (var l in layers)
            {
                args.Add("--layer");
                args.Add(string.Create(CultureInfo.InvariantCulture, $"{l.Name}={l.N},{l.C},{l.OC},{l.K},{l.S},{l.P},{l.HW},{l.Dims}"));
            }
        }
        args.AddRange(new[] { "--threads", threads.ToString(), "--reps", reps.ToString() });
        if (Best) args.Add("--best");
        if (Cpu) args.Add("--cpu");
        var (code, stdout, stderr) = Partners.Run(side, target, args);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (line.StartsWith('{'))
            {
                var e = JsonDocument.Parse(line).RootElement.Clone();
                result[e.GetProperty("layer").GetString()!] = e;
            }
        if (code != 0) Console.WriteLine($"{side} conv layers failed (exit {code}): {Partners.LastLine(stderr)}");
        return result;
    }

    /// <summary>Flops of one pass of a layer (forward, input gradient and weight gradient each do as many), times 3.</summary>
    private static double Flops(Layer l)
    {
        int o = (l.HW + 2 * l.P - l.K) / l.S + 1;
        return 3 * 2.0 * l.N * l.OC * l.C * Math.Pow(o, l.Dims) * Math.Pow(l.K, l.Dims);
    }

    private static string Pct(double flops, double ms, double peak) =>
        double.IsNaN(peak) ? "-" : (100 * flops / (ms * 1e-3) / 1e9 / peak).ToString("F0", CultureInfo.InvariantCulture);

    private static string Triple(double pt, double lt, double l)
    {
        static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("F1", CultureInfo.InvariantCulture);
        return $"{F(pt)} / {F(lt)} / {F(l)}";
    }

    /// <summary>The faster partner's time over Lumen's, "*" when that partner is libtorch.</summary>
    private static string R(double pt, double lt, double l)
    {
        double faster = double.IsNaN(lt) ? pt : double.IsNaN(pt) ? lt : Math.Min(pt, lt);
        return Partners.Ratio(faster, l) + (!double.IsNaN(lt) && lt == faster ? "*" : "");
    }
}
