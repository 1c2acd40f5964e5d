using System.Diagnostics;
using Lumen.Data;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;

namespace Lumen.Bench;

/// <summary>`--dataloader [root] [--epochs N] [--workers a,b,…]`: times one pass over the dogcat ImageFolder through seed 002's
/// pipeline (Resize (224, 224), ToTensor, Normalize) in batches of 64, shuffled with a fixed seed, for each worker count,
/// and checks that every worker count yields the same batch order. Prints the median of the epochs for each.</summary>
public static class DataLoaderBench
{
    public static int Run(string[] args)
    {
        string root = args.FirstOrDefault(a => !a.StartsWith("--") && Directory.Exists(a))
                      ?? new[] { Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data/dogcat"), "/work/shared/data/dogcat" }
                          .Select(Path.GetFullPath).FirstOrDefault(Directory.Exists) ?? "";
        if (!Directory.Exists(root)) { Console.Error.WriteLine("dogcat folder not found; pass its path."); return 1; }
        int epochs = Option(args, "--epochs", 3);
        var workers = (args.SkipWhile(a => a != "--workers").Skip(1).FirstOrDefault() ?? "0,2").Split(',').Select(int.Parse).ToArray();
        var ds = new ImageFolder(root, transform: new Compose(new Resize((224, 224)), new ToTensor(),
            new Normalize(new[] { 0.12f, 0.11f, 0.40f }, new[] { 0.89f, 0.21f, 0.12f })));
        Console.WriteLine($"dogcat: {ds.Count} images from {root}; batch 64, shuffle, Resize((224, 224)) + ToTensor + Normalize; " +
                          $"{Environment.ProcessorCount} logical cores; {epochs} timed epochs after one warm-up epoch");
        long[]? reference = null;
        var results = new List<(int Workers, double Median)>();
        foreach (var w in workers)
        {
            var times = new List<double>();
            for (int e = 0; e <= epochs; e++)
            {
                var loader = new DataLoader(ds, batchSize: 64, shuffle: true, numWorkers: w, generator: new Generator(0));
                var order = new List<long>();
                var sw = Stopwatch.StartNew();
                foreach (var (images, labels) in loader) order.AddRange(labels.ToArray<long>());
                sw.Stop();
                if (e > 0) times.Add(sw.Elapsed.TotalSeconds);
                var o = order.ToArray();
                if (reference is null) reference = o;
                else if (!reference.SequenceEqual(o)) { Console.Error.WriteLine($"numWorkers={w}: batch order differs!"); return 2; }
            }
            times.Sort();
            double median = times[times.Count / 2];
            results.Add((w, median));
            Console.WriteLine($"numWorkers={w}: epoch {median:F2} s median ({string.Join(", ", times.Select(t => t.ToString("F2")))}), {ds.Count / median:F0} images/s");
        }
        var baseT = results[0].Median;
        foreach (var (w, m) in results.Skip(1)) Console.WriteLine($"numWorkers={w} vs {results[0].Workers}: {baseT / m:F2}x");
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }
}
