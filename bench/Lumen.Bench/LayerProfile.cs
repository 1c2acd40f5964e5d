using System.Diagnostics;
using System.Globalization;
using Lumen.NN;

namespace Lumen.Bench;

/// <summary>The <c>--profile tiny3d|simplecnn|mnist</c> mode: the model's leaf layers one at a time (each fed a detached copy of the previous
/// layer's output, requiring grad except for the input), forward and backward timed separately; median of
/// <c>--reps</c> (default 9) calls, <c>--threads</c> (default 2). Finds where a training step's time goes.</summary>
internal static class LayerProfile
{
    public static int Run(string[] args)
    {
        int threads = BenchArgs.Threads(args), reps = BenchArgs.Int(args, "--reps", 9);
        Torch.ManualSeed(0);
        string which = args.Contains("simplecnn") ? "SimpleCNN" : args.Contains("mnist") ? "MnistCNN" : "Tiny3D";
        // Leaf layers in order (an in-place ReLU as a plain one: its input here is a leaf), the flatten with the head.
        static IEnumerable<Module> Leaves(params Sequential[] seqs) =>
            seqs.SelectMany(s => s.Children()).Select(m => m is ReLU ? new ReLU() : m);
        (List<Module> layers, Tensor x) = which switch
        {
            "SimpleCNN" => new SimpleCNN() is var s
                ? (Leaves(s.Layer1, s.Layer2, s.Layer3).Append(new FlattenThen(s.Layer4)).ToList(), Torch.Randn(64, 3, 32, 32)) : default,
            "MnistCNN" => new MnistCNN() is var m
                ? (Leaves(m.Layer1, m.Layer2, m.Layer3, m.Layer4).Append(new FlattenThen(m.Fc)).ToList(), Torch.Randn(100, 1, 28, 28)) : default,
            _ => new Tiny3D() is var t
                ? (t.Conv.Children().Append(new FlattenThen(t.Fc)).ToList(), Torch.Randn(8, 1, 32, 32, 32)) : default,
        };
        foreach (var l in layers) l.Train();
        double tf = 0, tb = 0;
        Console.WriteLine($"{which} layer by layer, {threads} threads, median of {reps}, ms");
        Console.WriteLine($"{"layer",-24} {"forward",9} {"backward",9}");
        for (int i = 0; i < layers.Count; i++)
        {
            var input = i == 0 ? x : x.Detach().RequiresGrad_();
            var layer = layers[i];
            var y = layer.Call(input);
            var gy = Torch.RandnLike(y);
            var f = new double[reps]; var b = new double[reps];
            for (int r = -2; r < reps; r++)
            {
                using var scope = Torch.NewDisposeScope();
                long t0 = Stopwatch.GetTimestamp();
                var o = layer.Call(input);
                double ft = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                t0 = Stopwatch.GetTimestamp();
                o.Backward(gy);
                double bt = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (r >= 0) { f[r] = ft; b[r] = bt; }
            }
            Array.Sort(f); Array.Sort(b);
            tf += f[reps / 2]; tb += b[reps / 2];
            Console.WriteLine($"{i + ":" + layer.GetType().Name,-24} {F(f[reps / 2]),9} {F(b[reps / 2]),9}");
            x = y.Detach();
        }
        Console.WriteLine($"{"total",-24} {F(tf),9} {F(tb),9}");
        return 0;
    }

    private sealed class FlattenThen(Module head) : Module
    {
        [Unregistered] private readonly Module _head = head;
        public override Tensor Forward(Tensor x) => _head.Call(Torch.Flatten(x, startDim: 1));
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
