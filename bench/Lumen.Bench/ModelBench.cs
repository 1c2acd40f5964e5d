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
        int threads = Arg(args, "--threads", 2), windows = Arg(args, "--windows", 5);
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
        for (int i = 0; i < c.Warm; i++) step();
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

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }

    private static string? ArgS(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static JsonElement? Child(string file, IEnumerable<string> arguments, bool python)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string stderr = errTask.Result;
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (p.ExitCode != 0 || line == null)
        {
            Console.Error.WriteLine($"{(python ? "PyTorch" : "Lumen")} child failed (exit {p.ExitCode}): {stderr.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Parent mode <c>--models [--threads n] [--rounds r] [--only substring]</c>: the comparison table.</summary>
    public static int Run(string[] args)
    {
        int threads = Arg(args, "--threads", 2), rounds = Arg(args, "--rounds", 3), windows = Arg(args, "--windows", 5);
        string? only = ArgS(args, "--only");
        bool noScope = args.Contains("--no-scope");
        string self = Environment.ProcessPath!, dll = typeof(ModelBench).Assembly.Location;
        string py = Path.Combine(AppContext.BaseDirectory, "pytorch_models.py");
        bool havePy = File.Exists("/usr/bin/python3") && File.Exists(py);
        Console.WriteLine($"Training step = forward + CrossEntropyLoss + zero_grad + backward + optimizer step (inference: forward under no_grad), " +
                          $"{threads} threads each side, one child process per case and side, {rounds} rounds interleaved (Lumen then PyTorch), " +
                          $"{windows} timing windows per process; images/s shown as median of the per-process medians / best single window; " +
                          "ratio = Lumen / PyTorch of the medians; alloc = Lumen managed bytes allocated per step in the steady state (all threads, over as many steps again after the timed windows) " +
                          "(GC.GetTotalAllocatedBytes deltas); RSS = peak resident set of the case's process (Lumen VmHWM, PyTorch ru_maxrss). " +
                          (noScope ? "Lumen steps run WITHOUT a DisposeScope (--no-scope): the GC frees their tensors."
                                   : "Each Lumen step runs in `using var scope = Torch.NewDisposeScope();` (--no-scope to compare without)."));
        Console.WriteLine($"{"case",-28} {"PyTorch img/s",17} {"Lumen img/s",17} {"ratio",6} {"alloc/step",11} {"gen0/2",7} {"RSS PT MB",9} {"RSS Lumen",9}");
        foreach (var c in Cases)
        {
            if (only != null && !c.Name.Contains(only)) continue;
            var lumen = new List<JsonElement>(); var torch = new List<JsonElement>();
            string? skipped = null;
            for (int r = 0; r < rounds && skipped == null; r++)
            {
                var lumenArgs = new List<string> { dll, "--model-case", c.Name, "--threads", threads.ToString(), "--windows", windows.ToString() };
                if (noScope) lumenArgs.Add("--no-scope");
                var l = Child(self, lumenArgs, false);
                if (l is { } le)
                {
                    if (le.TryGetProperty("skipped", out var why)) { skipped = why.GetString(); break; }
                    lumen.Add(le);
                }
                if (havePy)
                {
                    var t = Child("env", new[] { "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE", "/usr/bin/python3", py, c.Name,
                                                 "--threads", threads.ToString(), "--windows", windows.ToString() }, true);
                    if (t is { } te) torch.Add(te);
                }
            }
            if (skipped != null) { Console.WriteLine($"{c.Name,-28} skipped: {skipped}"); continue; }
            static (double Med, double Best) Ips(List<JsonElement> rows)
            {
                if (rows.Count == 0) return (double.NaN, double.NaN);
                var med = rows.Select(r => r.GetProperty("images_per_s_median").GetDouble()).OrderBy(v => v).ToList();
                return (med[med.Count / 2], rows.Max(r => r.GetProperty("images_per_s_best").GetDouble()));
            }
            var (lm, lb) = Ips(lumen); var (tm, tb) = Ips(torch);
            string F1(double v) => double.IsNaN(v) ? "-" : v.ToString(v < 10 ? "F1" : "F0", CultureInfo.InvariantCulture);
            string ratio = double.IsNaN(tm) || double.IsNaN(lm) ? "-" : (lm / tm).ToString("F2", CultureInfo.InvariantCulture);
            string alloc = lumen.Count == 0 ? "-" : Bytes(lumen.Min(r => r.GetProperty("bytes_per_step").GetInt64()));
            string gcs = lumen.Count == 0 ? "-" : $"{lumen.Max(r => r.GetProperty("gen0").GetInt32())}/{lumen.Max(r => r.GetProperty("gen2").GetInt32())}";
            string rssL = lumen.Count == 0 ? "-" : lumen.Max(r => r.GetProperty("peak_rss_mb").GetDouble()).ToString("F0", CultureInfo.InvariantCulture);
            string rssT = torch.Count == 0 ? "-" : torch.Max(r => r.GetProperty("peak_rss_mb").GetDouble()).ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine($"{c.Name,-28} {$"{F1(tm)} / {F1(tb)}",17} {$"{F1(lm)} / {F1(lb)}",17} {ratio,6} {alloc,11} {gcs,7} {rssT,9} {rssL,9}");
        }
        return 0;
    }

    private static string Bytes(long b) => b >= 1 << 20 ? $"{b / 1048576.0:F1} MB" : b >= 1024 ? $"{b / 1024.0:F1} KB" : $"{b} B";
}
