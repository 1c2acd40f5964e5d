using System.Diagnostics;
using System.Globalization;
using Lumen.NN;

namespace Lumen.Bench;

/// <summary>The <c>--profile tiny3d</c> mode: Tiny3D's layers one at a time (each fed a detached copy of the previous
/// layer's output, requiring grad except for the input), forward and backward timed separately; median of
/// <c>--reps</c> (default 9) calls, <c>--threads</c> (default 2). Finds where a training step's time goes.</summary>
internal static class LayerProfile
{
    public static int Run(string[] args)
    {
        int threads = Arg(args, "--threads", 2), reps = Arg(args, "--reps", 9);
        Torch.SetNumThreads(threads);
        Torch.ManualSeed(0);
        var model = new Tiny3D();
        model.Train();
        var layers = model.Conv.Children().Append(new FlattenFc(model.Fc)).ToList();
        var x = Torch.Randn(8, 1, 32, 32, 32);
        double tf = 0, tb = 0;
        Console.WriteLine($"Tiny3D layer by layer, {threads} threads, median of {reps}, ms");
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

    private sealed class FlattenFc(Linear fc) : Module
    {
        private readonly Linear _fc = fc;
        public override Tensor Forward(Tensor x) => _fc.Call(Torch.Flatten(x, startDim: 1));
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }
}
