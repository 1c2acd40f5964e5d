using System.Diagnostics;
using System.Numerics.Tensors;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>`--unary-math`: Lumen's own elementwise kernels (Kernels/UnaryMath.cs, docs/accuracy.md) against the
/// System.Numerics.Tensors ones they replaced, on the same 2¹⁶ random floats in one thread. Reports process CPU time per
/// call (best of 5 × 1000 calls), which holds up on a machine shared with other jobs better than wall time does.</summary>
public static class UnaryMathBench
{
    public static int Run(string[] args)
    {
        const int n = 1 << 16;
        var rnd = new System.Random(1);
        var xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = (float)(rnd.NextDouble() * 20 - 10);
        var pos = xs.Select(v => Math.Abs(v) + 1e-3f).ToArray();
        var ys = new float[n];
        var cases = new (string Name, Action Old, Action New)[]
        {
            ("tanh", () => TensorPrimitives.Tanh(xs, ys), () => UnaryDriver.RunInDouble(new TanhOp(), xs, ys)),
            ("sigmoid", () => TensorPrimitives.Sigmoid(xs, ys), () => UnaryDriver.RunInDouble(new SigmoidOp(), xs, ys)),
            ("silu", () => { TensorPrimitives.Sigmoid(xs, ys); TensorPrimitives.Multiply(xs, ys, ys); }, () => UnaryDriver.RunInDouble(new SiluOp(), xs, ys)),
            ("exp", () => TensorPrimitives.Exp(xs, ys), () => UnaryDriver.RunInDouble(new ExpOp(), xs, ys)),
            ("elu (old: scalar exp(x) - 1)", () => { for (int i = 0; i < n; i++) { float v = xs[i]; ys[i] = v <= 0f ? MathF.Exp(v) - 1f : v; } },
                () => UnaryDriver.RunInDouble(new EluOp(1f, 1f, 1f), xs, ys)),
            ("log", () => TensorPrimitives.Log(pos, ys), () => UnaryDriver.Run(new LogOp(), pos, ys)),
            ("sin", () => TensorPrimitives.Sin(xs, ys), () => UnaryDriver.Run(new SinOp(), xs, ys)),
            ("cos", () => TensorPrimitives.Cos(xs, ys), () => UnaryDriver.Run(new CosOp(), xs, ys)),
        };
        Console.WriteLine($"2^16 floats, 1 thread, process CPU time per call (best of 5 x 1000); Vector<float> = {System.Numerics.Vector<float>.Count} lanes");
        foreach (var (name, oldK, newK) in cases)
            Console.WriteLine($"{name,-30} TensorPrimitives/old {Time(oldK),8:F1} us   Lumen {Time(newK),8:F1} us");
        return 0;
    }

    private static double Time(Action a)
    {
        var proc = Process.GetCurrentProcess();
        for (int i = 0; i < 20; i++) a();
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            proc.Refresh();
            double c0 = proc.TotalProcessorTime.TotalMicroseconds;
            for (int i = 0; i < 1000; i++) a();
            proc.Refresh();
            best = Math.Min(best, (proc.TotalProcessorTime.TotalMicroseconds - c0) / 1000);
        }
        return best;
    }
}
