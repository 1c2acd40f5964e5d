using System.Diagnostics;
using Lumen.NN;

namespace Lumen.Bench;

/// <summary>The <c>--profile-infer</c> mode: ResNet-18 inference (eval, no_grad, batch 8, 224²) with every leaf module
/// timed by forward hooks, summed by module type and by layer over <c>--reps</c> forwards after warm-up (<c>--fuse</c>:
/// after <c>FuseForInference</c>). Finds where an inference's time goes.</summary>
internal static class InferenceProfile
{
    public static int Run(string[] args)
    {
        int threads = BenchArgs.Threads(args), reps = BenchArgs.Int(args, "--reps", 10);
        Torch.ManualSeed(0);
        var model = Lumen.Vision.Models.Models.ResNet18();
        model.Eval();
        var x = Torch.Randn(8, 3, 224, 224);
        if (args.Contains("--fuse")) model.FuseForInference(x.Narrow(0, 0, 1));
        var byName = new Dictionary<string, double>();
        var names = model.NamedModules().Where(m => !m.Module.Children().Any()).ToList();
        long t0 = 0;
        bool on = false;
        foreach (var (name, m) in names)
        {
            m.RegisterForwardPreHook((_, input) => { t0 = Stopwatch.GetTimestamp(); return null; });
            m.RegisterForwardHook((Module mod, Tensor _, Tensor _) =>
            {
                if (!on) return;
                var key = $"{mod.GetType().Name} {name}";
                byName[key] = byName.GetValueOrDefault(key) + Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            });
        }
        using (Torch.NoGrad())
        {
            for (int i = 0; i < 5; i++) { using var s = Torch.NewDisposeScope(); model.Call(x); }
            on = true;
            var total = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) { using var s = Torch.NewDisposeScope(); model.Call(x); }
            double ms = total.Elapsed.TotalMilliseconds / reps;
            Console.WriteLine($"ResNet-18 inference, batch 8, {threads} threads: {ms:F1} ms per forward ({8000 / ms:F1} images/s); leaf modules, ms per forward:");
            foreach (var g in byName.GroupBy(kv => kv.Key.Split(' ')[0]).OrderByDescending(g => g.Sum(kv => kv.Value)))
                Console.WriteLine($"  {g.Key,-14} {g.Sum(kv => kv.Value) / reps,7:F2}");
            foreach (var (k, v) in byName.OrderByDescending(kv => kv.Value).Take(args.Contains("--all") ? 1000 : 25))
                Console.WriteLine($"    {k,-40} {v / reps,7:F2}");
        }
        return 0;
    }
}
