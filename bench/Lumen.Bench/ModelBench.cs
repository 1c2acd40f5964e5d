using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Lumen.NN;
using Module = Lumen.NN.Module;
using Lumen.Optim;

namespace Lumen.Bench;

/// <summary>The <c>--models</c> mode: each case of /work/shared/bench/pytorch_baseline.py trained (forward, backward,
/// optimizer step) by Lumen and by PyTorch in the same run, one child process per case and side so that each side's
/// peak RSS belongs to that case alone. Rounds interleave the two sides; the table shows median and best.</summary>
internal static class ModelBench
{
    /// <summary>One benchmark case: a model, its input shape, classes and optimizer, as in pytorch_baseline.py.</summary>
    /// <remarks><c>Fuse</c>: an inference case that calls <c>FuseForInference</c> first (Conv→BatchNorm→ReLU folded); its
    /// PyTorch twin runs eager, as the unfused case's does.</remarks>
    private sealed record Case(string Name, Func<Module?> Model, int[] Shape, int Classes, string Optimizer, int Steps, int Warm, bool Train = true, bool Fuse = false);

    private static readonly Case[] Cases =
    {
        new("mnist_cnn_seed004_b100_adam", () => new MnistCNN(), new[] { 100, 1, 28, 28 }, 10, "adam", 10, 3),
        new("net_dlwpt_b64_sgd", () => new Net(), new[] { 64, 3, 32, 32 }, 2, "sgd", 50, 3),
        new("simplecnn_seed004_b64_sgd", () => new SimpleCNN(), new[] { 64, 3, 32, 32 }, 10, "sgd", 10, 3),
        new("tiny3d_b8_sgd", () => new Tiny3D(), new[] { 8, 1, 32, 32, 32 }, 2, "sgd", 10, 3),
        new("resnet18_224_b8_sgd", ResNet18, new[] { 8, 3, 224, 224 }, 1000, "sgd", 3, 1),
        new("resnet18_224_b8_infer", ResNet18, new[] { 8, 3, 224, 224 }, 1000, "sgd", 5, 2, Train: false),
        new("resnet18_224_b8_infer_fused", ResNet18, new[] { 8, 3, 224, 224 }, 1000, "sgd", 5, 2, Train: false, Fuse: true),
        new("vgg16_224_b4_infer", () => Lumen.Vision.Models.Models.VGG16(), new[] { 4, 3, 224, 224 }, 1000, "sgd", 3, 1, Train: false),
        // Seed 001's ConvNet (c1 48, c2 96, l1 256) as its HyperSearch trains it: CIFAR-10 3×32×32, batch 512, Adam.
        new("convnet_seed001_b512_adam", () => new Lumen.Vision.Models.ConvNet(), new[] { 512, 3, 32, 32 }, 10, "adam", 2, 1),
    };

    /// <summary>ResNet-18 from the model zoo (src/Lumen.Vision/Models) when this build has it, found by name so the
    /// bench compiles with or without it; null otherwise.</summary>
    private static Module? ResNet18()
    {
        var asm = typeof(Lumen.Vision.Datasets.MNIST).Assembly;
        foreach (var t in asm.GetTypes().Where(t => t.IsPublic && t.Namespace == "Lumen.Vision.Models"))
        {
            var m = t.GetMethods(BindingFlags.Public | BindingFlags.Static)
                     .FirstOrDefault(m => string.Equals(m.Name, "ResNet18", StringComparison.OrdinalIgnoreCase)
                                          && typeof(Module).IsAssignableFrom(m.ReturnType)
                                          && m.GetParameters().All(p => p.IsOptional));
            if (m != null) return (Module)m.Invoke(null, m.GetParameters().Select(_ => Type.Missing).ToArray())!;
            if (t.Name == "ResNet18" && typeof(Module).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) != null)
                return (Module)Activator.CreateInstance(t)!;
        }
        return null;
    }

    /// <summary>Child mode <c>--model-case NAME [--threads n] [--windows w]</c>: times one case and prints one JSON line.</summary>
    public static int RunCase(string[] args)
    {
        string name = args[0];
        int threads = BenchArgs.Int(args, "--threads", 2), windows = BenchArgs.Int(args, "--windows", 5);
        bool scoped = !args.Contains("--no-scope");
        var c = Cases.Single(c => c.Name == name);
        Torch.SetNumThreads(threads);
        var model = c.Model();
        if (model == null) { Console.WriteLine(JsonSerializer.Serialize(new { @case = name, skipped = "resnet18: model zoo not merged in this build" })); return 0; }
        Torch.ManualSeed(0);
        var x = Torch.Randn(c.Shape);
        var y = Torch.RandInt(0, c.Classes, new[] { c.Shape[0] });
        Action step;
        if (c.Train)
        {
            var ps = model.Parameters().ToList();
            Optimizer opt = c.Optimizer == "adam" ? new Adam(ps) : new SGD(ps, lr: 1e-2);
            var lossFn = new CrossEntropyLoss();
            model.Train();
            step = () =>
            {
                // As a user writes it: the step's tensors go back to the pool when it ends (PyTorch frees them by refcount).
                using var scope = scoped ? Torch.NewDisposeScope() : null;
                var loss = lossFn.Call(model.Call(x), y);
                opt.ZeroGrad(setToNone: false);   // PyTorch 1.13's default, as the baseline runs it
                loss.Backward();
                opt.Step();
            };
        }
        else
        {
            if (c.Fuse) model.FuseForInference(x.Narrow(0, 0, 1));   // one sample finds the same chains, with less memory
            model.Eval();
            step = () =>
            {
                using var scope = scoped ? Torch.NewDisposeScope() : null;
                using (Autograd.Autograd.NoGrad()) model.Call(x);
            };
        }
        // Warm-up: the case's steps, then more until --warm-seconds (default 2) have passed, so that pools and caches are
        // filled. Lumen.Bench runs without tiered JIT (its csproj, as the lumen CLI): under the default tiers a kernel called
        // once or twice per step runs its quick first compilation for ~10 s (docs/performance.md, "JIT tiers").
        double warmSeconds = BenchArgs.Double(args, "--warm-seconds", 2);
        long warm0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < c.Warm || Stopwatch.GetElapsedTime(warm0).TotalSeconds < warmSeconds; i++) step();
        if (args.Contains("--alloc-trace"))
        {
            for (int i = 0; i < 5; i++) step();   // past the pool's filling, as the steady-state figure below is
            AllocTrace.Run(step, 20);             // stderr: where the allocation per step goes, by type
        }
        var perStep = new double[windows];
        long allocated = 0; int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        for (int w = 0; w < windows; w++)
        {
            long a0 = GC.GetTotalAllocatedBytes(precise: true);
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < c.Steps; i++) step();
            perStep[w] = Stopwatch.GetElapsedTime(t0).TotalSeconds / c.Steps;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - a0;
        }
        Array.Sort(perStep);
        // Steady-state allocation, measured after the timed windows: the baseline's warm-up (one step for ResNet-18) is
        // too short for the pool to have seen every size twice, so the first timed steps still fill it.
        long s0 = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < c.Steps; i++) step();
        long steady = (GC.GetTotalAllocatedBytes(precise: true) - s0) / c.Steps;
        int batch = c.Shape[0];
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            @case = name,
            images_per_s_median = batch / perStep[windows / 2],
            images_per_s_best = batch / perStep[0],
            bytes_per_step = steady,
            bytes_per_timed_step = allocated / (windows * c.Steps),
            gen0 = GC.CollectionCount(0) - gen0,
            gen2 = GC.CollectionCount(2) - gen2,
            peak_rss_mb = PeakRssMb(),
        }));
        return 0;
    }

    /// <summary>VmHWM of this process from /proc/self/status, else the runtime's peak working set.</summary>
    private static double PeakRssMb()
    {
        if (File.Exists("/proc/self/status"))
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:"))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
    }


    private static string? ArgS(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>One child's JSON line (Lumen, PyTorch), or for libtorch its "case median best" line and the peak RSS
    /// from its stderr, as the same JSON fields; null (with a note on stderr) when it failed.</summary>
    private static JsonElement? Child(Side side, string? script, IEnumerable<string> arguments)
    {
        var (code, stdout, stderr) = Partners.Run(side, script, arguments);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string? line = side == Side.Libtorch ? LibtorchJson(lines.LastOrDefault(), stderr) : lines.LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || line == null)
        {
            Console.Error.WriteLine($"{side} child failed (exit {code}): {Partners.LastLine(stderr)}");
            return null;
        }
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>tsbench prints <c>case  median  best</c> on stdout and <c>... peak RSS N MB ...</c> on stderr.</summary>
    private static string? LibtorchJson(string? line, string stderr)
    {
        var f = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f is not { Length: 3 }) return null;
        var rss = System.Text.RegularExpressions.Regex.Match(stderr, @"peak RSS (\d+) MB");
        return JsonSerializer.Serialize(new
        {
            @case = f[0], images_per_s_median = Partners.D(f[1]), images_per_s_best = Partners.D(f[2]),
            peak_rss_mb = rss.Success ? Partners.D(rss.Groups[1].Value) : -1,
        });
    }

    /// <summary><c>--models --params</c>: every case's parameter names and shapes on the three sides, compared as lists
    /// (libtorch's <c>tsbench --params --names</c> prints them grouped by class, one model per case but the inference
    /// duplicate; PyTorch's pytorch_models.py --params prints them per case). A difference is printed and exits 1.</summary>
    private static int CheckParams(string? only)
    {
        string? py = Partners.PythonScript("pytorch_models.py", out var pyWhy);
        string? ts = Partners.TsbenchDll;
        var torch = new Dictionary<string, List<string>>();
        if (py != null)
            foreach (var line in Partners.Run(Side.PyTorch, py, new[] { "--params" }).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var e = JsonDocument.Parse(line).RootElement;
                torch[e.GetProperty("case").GetString()!] = e.GetProperty("params").EnumerateArray().Select(v => v.GetString()!).ToList();
            }
        else Console.WriteLine(pyWhy);
        var libtorch = new List<List<string>>();   // one list per model class, in tsbench's case order
        if (ts != null)
            foreach (var g in Partners.Run(Side.Libtorch, ts, new[] { "--params", "--names" }).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                                     .Select(l => l.Split(' ', 2)).GroupBy(f => f[0]))
                libtorch.Add(g.Select(f => f[1]).ToList());
        else Console.WriteLine(Partners.LibtorchMissing(false));
        Console.WriteLine($"{"case",-28} {"params",12} {"tensors",7} {"PyTorch 1.13",13} {"libtorch 2.10",13}");
        int bad = 0;
        foreach (var c in Cases)
        {
            if (only != null && !c.Name.Contains(only)) continue;
            var model = c.Model();
            if (model == null) continue;
            var mine = model.NamedParameters().Select(p => $"{p.Name} [{string.Join(",", p.Parameter.Shape)}]").ToList();
            string pt = py == null ? "n/a" : !torch.TryGetValue(c.Name, out var t) ? "missing" : t.SequenceEqual(mine) ? "same" : "DIFFERS";
            string lt = ts == null ? "n/a" : libtorch.Any(l => l.SequenceEqual(mine)) ? "same"
                      : Partners.TsbenchHasLumenAdditions ? "DIFFERS" : "n/a (setup)";   // the shared build lacks ConvNet
            if (pt is "DIFFERS" or "missing" || lt == "DIFFERS") bad++;
            Console.WriteLine($"{c.Name,-28} {model.NumParameters(),12:N0} {mine.Count,7} {pt,13} {lt,13}");
        }
        return bad == 0 ? 0 : 1;
    }

    /// <summary>Parent mode <c>--models [--threads n] [--rounds r] [--windows w] [--only substring] [--isa sse|avx2|native]</c>:
    /// the comparison table, three columns (PyTorch 1.13, libtorch 2.10, Lumen) and Lumen's ratio to the faster partner.</summary>
    public static int Run(string[] args)
    {
        int threads = BenchArgs.Int(args, "--threads", 2), rounds = BenchArgs.Int(args, "--rounds", 3), windows = BenchArgs.Int(args, "--windows", 5);
        string? only = ArgS(args, "--only");
        bool noScope = args.Contains("--no-scope");
        if (args.Contains("--params")) return CheckParams(only);
        string? py = Partners.PythonScript("pytorch_models.py", out var pyWhy);
        string? ts = Partners.TsbenchDll;
        Console.WriteLine($"Training step = forward + CrossEntropyLoss + zero_grad + backward + optimizer step (inference: forward under no_grad), " +
                          $"{threads} threads each side, one child process per case and side, {rounds} rounds interleaved (Lumen, PyTorch 1.13, libtorch 2.10), " +
                          $"{windows} timing windows per process after the warm-up (the partners' warm-up steps; Lumen's too, then more until " +
                          $"{BenchArgs.Value(args, "--warm-seconds") ?? "2"} s have passed; no tiered JIT); images/s shown as median of the per-process medians / best single window; " +
                          "ratio = Lumen / the faster partner (by median; * marks libtorch as that partner); alloc = Lumen managed bytes allocated per step in the steady state (all threads, over as many steps again after the timed windows) " +
                          "(GC.GetTotalAllocatedBytes deltas); RSS = peak resident set of the case's process (VmHWM; PyTorch ru_maxrss). " +
                          (noScope ? "Lumen steps run WITHOUT a DisposeScope (--no-scope): the GC frees their tensors."
                                   : "Each Lumen step runs in `using var scope = Torch.NewDisposeScope();` (--no-scope to compare without)."));
        Console.WriteLine(IsaCap.Current.Describe());
        if (pyWhy != null) Console.WriteLine(pyWhy);
        if (ts == null) Console.WriteLine(Partners.LibtorchMissing(false));
        Console.WriteLine($"{"case",-28} {"PyTorch img/s",15} {"libtorch img/s",15} {"Lumen img/s",15} {"ratio",6} {"alloc/step",11} {"gen0/2",7} {"RSS PT",6} {"RSS LT",6} {"RSS L",6}");
        foreach (var c in Cases)
        {
            if (only != null && !c.Name.Contains(only)) continue;
            var lumen = new List<JsonElement>(); var torch = new List<JsonElement>(); var lt = new List<JsonElement>();
            string? skipped = null;
            for (int r = 0; r < rounds && skipped == null; r++)
            {
                var lumenArgs = new List<string> { "--model-case", c.Name, "--threads", threads.ToString(), "--windows", windows.ToString() };
                if (noScope) lumenArgs.Add("--no-scope");
                if (BenchArgs.Value(args, "--warm-seconds") is { } warm) lumenArgs.AddRange(new[] { "--warm-seconds", warm });
                if (Child(Side.Lumen, null, lumenArgs) is { } le)
                {
                    if (le.TryGetProperty("skipped", out var why)) { skipped = why.GetString(); break; }
                    lumen.Add(le);
                }
                if (py != null && Child(Side.PyTorch, py, new[] { c.Name, "--threads", threads.ToString(), "--windows", windows.ToString() }) is { } te)
                    torch.Add(te);
                if (ts != null)
                {
                    // The fused case is Lumen's option; the partner runs its eager inference, as PyTorch's side does.
                    var tsArgs = new List<string> { "--threads", threads.ToString(), "--windows", windows.ToString(), "--only", c.Fuse ? c.Name.Replace("_fused", "") : c.Name };
                    if (noScope) tsArgs.Add("--no-scope");
                    if (Child(Side.Libtorch, ts, tsArgs) is { } le2) lt.Add(le2);
                }
            }
            if (skipped != null) { Console.WriteLine($"{c.Name,-28} skipped: {skipped}"); continue; }
            static (double Med, double Best) Ips(List<JsonElement> rows)
            {
                if (rows.Count == 0) return (double.NaN, double.NaN);
                var med = rows.Select(r => r.GetProperty("images_per_s_median").GetDouble()).OrderBy(v => v).ToList();
                return (med[med.Count / 2], rows.Max(r => r.GetProperty("images_per_s_best").GetDouble()));
            }
            var (lm, lb) = Ips(lumen); var (tm, tb) = Ips(torch); var (sm, sb) = Ips(lt);
            string F1(double v) => double.IsNaN(v) ? "-" : v.ToString(v < 10 ? "F1" : "F0", CultureInfo.InvariantCulture);
            string Pair(double m, double b) => double.IsNaN(m) ? "n/a" : $"{F1(m)} / {F1(b)}";
            double faster = double.IsNaN(sm) ? tm : double.IsNaN(tm) ? sm : Math.Max(tm, sm);
            string ratio = Partners.Ratio(lm, faster) + (!double.IsNaN(sm) && sm == faster ? "*" : "");
            string alloc = lumen.Count == 0 ? "-" : Bytes(lumen.Min(r => r.GetProperty("bytes_per_step").GetInt64()));
            string gcs = lumen.Count == 0 ? "-" : $"{lumen.Max(r => r.GetProperty("gen0").GetInt32())}/{lumen.Max(r => r.GetProperty("gen2").GetInt32())}";
            static string Rss(List<JsonElement> rows) =>
                rows.Count == 0 ? "-" : rows.Max(r => r.GetProperty("peak_rss_mb").GetDouble()) is var v && v < 0 ? "-" : v.ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine($"{c.Name,-28} {Pair(tm, tb),15} {Pair(sm, sb),15} {Pair(lm, lb),15} {ratio,6} {alloc,11} {gcs,7} {Rss(torch),6} {Rss(lt),6} {Rss(lumen),6}");
        }
        return 0;
    }

    private static string Bytes(long b) => b >= 1 << 20 ? $"{b / 1048576.0:F1} MB" : b >= 1024 ? $"{b / 1024.0:F1} KB" : $"{b} B";
}
