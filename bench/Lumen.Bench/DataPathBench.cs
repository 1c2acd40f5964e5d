using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;
using Module = Lumen.NN.Module;

namespace Lumen.Bench;

/// <summary>The <c>--data</c> mode (<c>bench/run.sh --data</c>): the seeds' CIFAR training epochs end to end from the
/// CIFAR-10 JPEG class folders (../shared/data/cifar10-jpeg/train): decode, ToTensor, Normalize, shuffle, batch, forward,
/// loss, backward, optimizer step. Lumen (ImageFolder + DataLoader(numWorkers: 2)) and PyTorch 1.13 (torchvision's
/// ImageFolder + DataLoader(num_workers=2), bench/pytorch_data.py) in the same run, one child process per case and side,
/// so the first epoch (JIT, the workers' start, cold file cache, the pool's filling) shows separately from the later ones.
/// <list type="bullet">
/// <item><c>birds_airplanes_seed003</c>: DLwPT ch. 8 (seed 003): airplane → 0, bird → 1 (10,000 images), the book's
/// CIFAR-10 mean/std, batch 64 shuffled, Net, SGD lr 1e-2.</item>
/// <item><c>cifar10_convnet_seed001</c>: seed 001: all ten classes (50,000 images), Normalize(0.5, 0.5), batch 512
/// shuffled (its HyperSearch batch), ConvNet(48, 96, 256), Adam lr 1e-3.</item>
/// </list>
/// Options: <c>--epochs 2</c> (the first and one later), <c>--limit N</c> (N images per epoch, spread evenly over the
/// case's images, the same ones on both sides; 0 = all), <c>--only NAME</c>, <c>--threads 2</c>, <c>--workers 2</c>,
/// <c>--rounds 1</c>, <c>--root DIR</c> (the cifar10-jpeg folder).</summary>
internal static class DataPathBench
{
    private sealed record Case(string Name, string[]? Classes, float[] Mean, float[] Std, int Batch, string Optimizer, Func<Module> Model);

    private static readonly Case[] Cases =
    {
        new("birds_airplanes_seed003", new[] { "airplane", "bird" }, new[] { 0.4915f, 0.4823f, 0.4468f }, new[] { 0.2470f, 0.2435f, 0.2616f },
            64, "sgd", () => new Net()),
        new("cifar10_convnet_seed001", null, new[] { 0.5f, 0.5f, 0.5f }, new[] { 0.5f, 0.5f, 0.5f },
            512, "adam", () => new Lumen.Vision.Models.ConvNet()),
    };

    /// <summary>The cifar10-jpeg folder: --root, else ../shared/data/cifar10-jpeg from the project root, else /work/shared.</summary>
    private static string? Root(string[] args) =>
        new[] { Opt(args, "--root"), Path.GetFullPath("../shared/data/cifar10-jpeg"), "/work/shared/data/cifar10-jpeg" }
            .FirstOrDefault(d => d != null && Directory.Exists(Path.Combine(d, "train")));

    /// <summary>Parent mode: the table.</summary>
    public static int Run(string[] args)
    {
        string? root = Root(args);
        if (root == null) { Console.Error.WriteLine("--data: no cifar10-jpeg folder with train/ (give --root DIR; ../shared/data/README.md)"); return 2; }
        int threads = Int(args, "--threads", 2), workers = Int(args, "--workers", 2), epochs = Int(args, "--epochs", 2),
            limit = Int(args, "--limit", 0), rounds = Int(args, "--rounds", 1);
        string? only = Opt(args, "--only");
        string? py = Partners.PythonScript("pytorch_data.py", out var pyWhy);
        Console.WriteLine($"Training epochs from the JPEG folders {root}/train, end to end (decode + transforms + shuffled batches + train step), " +
                          $"{threads} compute threads and {workers} loader workers each side, {epochs} epoch(s), {(limit > 0 ? $"{limit} images per epoch (evenly spread)" : "every image")}, " +
                          $"{rounds} round(s) of (Lumen, PyTorch 1.13) child processes. process = the child's wall time from start to exit; " +
                          "setup = from its first line (Lumen: Main; PyTorch: before `import torch`) to the loader ready; epoch 1 and the median of the later epochs in s; img/s of the later epochs (else of epoch 1).");
        Console.WriteLine(IsaCap.Current.Describe());
        if (pyWhy != null) Console.WriteLine(pyWhy);
        Console.WriteLine($"{"case",-26} {"side",-8} {"process s",9} {"setup s",8} {"epoch 1 s",9} {"later s",8} {"img/s",7} {"loss",7} {"vs PT",6}");
        foreach (var c in Cases)
        {
            if (only != null && !c.Name.Contains(only)) continue;
            for (int r = 0; r < rounds; r++)
            {
                var common = new[] { "--threads", threads.ToString(), "--workers", workers.ToString(), "--epochs", epochs.ToString(), "--limit", limit.ToString(), "--root", root };
                var lumen = Child(Side.Lumen, null, new[] { "--data-case", c.Name }.Concat(common));
                var torch = py == null ? null : Child(Side.PyTorch, py, new[] { c.Name }.Concat(common));
                Row(c.Name, "Lumen", lumen, torch);
                Row(c.Name, "PyTorch", torch, null);
            }
        }
        return 0;
    }

    private sealed record Result(double Process, double Setup, double[] Epochs, int Images, double Loss);

    private static Result? Child(Side side, string? script, IEnumerable<string> args)
    {
        long t0 = Stopwatch.GetTimestamp();
        var (code, stdout, stderr) = Partners.Run(side, script, args);
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || line == null) { Console.WriteLine($"{side} child failed (exit {code}): {Partners.LastLine(stderr)}"); return null; }
        var e = JsonDocument.Parse(line).RootElement;
        return new Result(wall, e.GetProperty("setup_s").GetDouble(), e.GetProperty("epoch_s").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                          e.GetProperty("images").GetInt32(), e.GetProperty("last_loss").GetDouble());
    }

    private static double Later(Result r)
    {
        if (r.Epochs.Length < 2) return double.NaN;
        var l = r.Epochs.Skip(1).OrderBy(v => v).ToArray();
        return l[l.Length / 2];
    }

    private static void Row(string name, string side, Result? r, Result? torch)
    {
        if (r == null) { Console.WriteLine($"{name,-26} {side,-8} n/a"); return; }
        static string F(double v) => double.IsNaN(v) ? "-" : v.ToString(v < 100 ? "F2" : "F0", CultureInfo.InvariantCulture);
        double later = Later(r), perEpoch = double.IsNaN(later) ? r.Epochs[0] : later;
        // vs PT: PyTorch's time over Lumen's for the whole process (> 1: Lumen faster end to end).
        string vs = torch == null ? "" : Partners.Ratio(torch.Process, r.Process);
        Console.WriteLine($"{name,-26} {side,-8} {F(r.Process),9} {F(r.Setup),8} {F(r.Epochs[0]),9} {F(later),8} {r.Images / perEpoch,7:F0} {r.Loss,7:F4} {vs,6}");
    }

    /// <summary>Child mode <c>--data-case NAME ...</c>: trains the epochs and prints one JSON line.</summary>
    public static int RunCase(string[] args)
    {
        var start = Stopwatch.StartNew();
        var c = Cases.Single(c => c.Name == args[0]);
        int threads = Int(args, "--threads", 2), workers = Int(args, "--workers", 2), epochs = Int(args, "--epochs", 2), limit = Int(args, "--limit", 0);
        string root = Root(args) ?? throw new DirectoryNotFoundException("--data-case: no cifar10-jpeg folder (give --root DIR)");
        Torch.SetNumThreads(threads);
        Torch.ManualSeed(0);
        var transform = new Compose(new ToTensor(), new Normalize(c.Mean, c.Std));
        // seed 003's label_map = {0: 0, 2: 1}: the kept classes renumbered in their order (keep is set once the folder is read).
        int[]? keep = null;
        var folder = new ImageFolder(Path.Combine(root, "train"), transform, targetTransform: t => keep == null ? t : Array.IndexOf(keep, (int)t));
        keep = c.Classes?.Select(n => folder.ClassToIdx[n]).ToArray();
        var idx = Enumerable.Range(0, folder.Count).Where(i => keep == null || keep.Contains(folder.Targets[i])).ToArray();
        if (limit > 0 && limit < idx.Length) idx = Enumerable.Range(0, limit).Select(i => idx[(long)i * idx.Length / limit]).ToArray();
        var data = new Subset<(Tensor Image, long Label)>(folder, idx);
        var loader = new DataLoader(data, batchSize: c.Batch, shuffle: true, numWorkers: workers, generator: new Generator(0));
        var model = c.Model();
        var ps = model.Parameters().ToList();
        Optimizer opt = c.Optimizer == "adam" ? new Adam(ps, lr: 1e-3) : new SGD(ps, lr: 1e-2);
        var lossFn = new CrossEntropyLoss();
        double setup = start.Elapsed.TotalSeconds;
        var times = new List<double>();
        float last = float.NaN;
        for (int e = 0; e < epochs; e++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Train();
            foreach (var (x, y) in loader)
            {
                using var scope = Torch.NewDisposeScope();
                var loss = lossFn.Call(model.Call(x), y);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
                last = loss.Item();
            }
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            Console.Error.WriteLine($"# {c.Name} Lumen epoch {e + 1}: {times[^1]:F2} s, last loss {last:F4}");
        }
        Console.WriteLine(JsonSerializer.Serialize(new { @case = c.Name, setup_s = setup, epoch_s = times, images = idx.Length, last_loss = (double)last }));
        return 0;
    }

    private static string? Opt(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Opt(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
