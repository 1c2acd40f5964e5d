using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TsBench;

/// <summary>libtorch's side of Lumen's <c>bench/run.sh --conv-layers</c>: each convolution given as
/// <c>--layer NAME=n,c,oc,k,s,p,hw,dims</c> (Lumen's parent passes its own table, so the shapes cannot drift) timed pass
/// by pass as bench/pytorch_conv_layers.py does: forward conv2d/conv3d, input gradient (autograd.grad w.r.t. the input
/// only) and weight gradient (w.r.t. the weight only), median (or with --best the fastest) of --reps calls after two
/// warm-up calls. One JSON line per layer, the format pytorch_conv_layers.py prints. Added to the TorchSharp partner by
/// Lumen's bench/partner/setup.sh.</summary>
public static class ConvLayers
{
    public static int Run(string[] args)
    {
        int threads = 2, reps = 7;
        bool best = args.Contains("--best"), cpu = args.Contains("--cpu");
        var layers = new List<(string Name, long[] G)>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--threads") threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--reps") reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--layer")
            {
                var spec = args[++i];
                int eq = spec.LastIndexOf('=');
                var g = eq < 0 ? Array.Empty<long>() : spec[(eq + 1)..].Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                if (g.Length != 8) { Console.Error.WriteLine($"--layer '{spec}': expected NAME=n,c,oc,k,s,p,hw,dims"); return 2; }
                layers.Add((spec[..eq], g));
            }
        }
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var proc = Process.GetCurrentProcess();
        double Ms(Action a)
        {
            a(); a();
            var ts = new double[reps];
            for (int r = 0; r < reps; r++)
            {
                if (cpu)
                {
                    proc.Refresh(); var c0 = proc.TotalProcessorTime; a(); proc.Refresh();
                    ts[r] = (proc.TotalProcessorTime - c0).TotalMilliseconds;
                    continue;
                }
                long t0 = Stopwatch.GetTimestamp(); a(); ts[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            Array.Sort(ts);
            return best ? ts[0] : ts[reps / 2];
        }
        foreach (var (name, g) in layers)
        {
            long n = g[0], c = g[1], oc = g[2], k = g[3], s = g[4], p = g[5], hw = g[6], dims = g[7];
            long[] D(long v) => Enumerable.Repeat(v, (int)dims).ToArray();
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(new long[] { n, c }.Concat(D(hw)).ToArray()).requires_grad_();
            var w = torch.randn(new long[] { oc, c }.Concat(D(k)).ToArray()).requires_grad_();
            Tensor Conv() => dims == 3 ? F.conv3d(x, w, null, D(s), D(p)) : F.conv2d(x, w, null, D(s), D(p));
            var y = Conv();
            var gy = torch.randn_like(y);
            double Pass(Tensor wrt) => Ms(() => { using var _ = torch.NewDisposeScope(); torch.autograd.grad(new[] { y }, new[] { wrt }, new[] { gy }, retain_graph: true); });
            double fwd = Ms(() => { using var _ = torch.NewDisposeScope(); Conv(); });   // with the graph recorded, as pytorch_conv_layers.py
            double dx = Pass(x), dw = Pass(w);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"layer\": \"{name}\", \"forward_ms\": {fwd}, \"input_grad_ms\": {dx}, \"weight_grad_ms\": {dw}}}"));
        }
        return 0;
    }
}
