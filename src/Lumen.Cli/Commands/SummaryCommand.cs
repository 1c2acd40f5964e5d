using System.Globalization;
using Lumen.Cli.Models;
using Lumen.NN;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen summary MODEL --input 1x28x28</c>: the model's repr, its parameters per tensor and the totals.</summary>
public static class SummaryCommand
{
    public static readonly CommandSpec Spec = new("summary",
        "Print a model's structure (PyTorch's repr), the shape and size of every parameter, and the totals.",
        "summary MODEL [--input CxHxW] [--classes N]",
        new OptionSpec[]
        {
            new("input", "CxHxW", "one example's shape (default 1x28x28)"),
            new("classes", "N", "number of classes (default 10)"),
        },
        Run, MinArgs: 1, MaxArgs: 1);

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        var input = ParseShape(a.String("input") ?? "1x28x28");
        int classes = a.Int("classes", min: 1) ?? 10;
        Torch.ManualSeed(0);
        var model = ModelZoo.Create(a.Positionals[0], input, classes);
        ctx.Out.WriteLine(model.ToString());
        ctx.Out.WriteLine();
        Tensor output;
        using (Lumen.Autograd.Autograd.NoGrad())
        {
            model.Eval();
            try { output = model.Call(Torch.Zeros(new[] { 1 }.Concat(input).ToArray())); }
            catch (Exception e) when (e is ShapeMismatchException or ArgumentException)
            { throw new CliException($"model '{a.Positionals[0]}' does not take input [{string.Join(", ", input)}]: {e.Message}"); }
        }
        var rows = model.NamedParameters().Select(p => (p.Name, Shape: $"[{string.Join(", ", p.Parameter.Shape.ToArray())}]", Count: (long)p.Parameter.Numel(), p.Parameter.RequiresGrad)).ToList();
        int w = Math.Max(20, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
        ctx.Out.WriteLine($"{"parameter".PadRight(w)}  {"shape",-20} {"count",12}");
        foreach (var r in rows) ctx.Out.WriteLine($"{r.Name.PadRight(w)}  {r.Shape,-20} {r.Count.ToString("N0", CultureInfo.InvariantCulture),12}");
        long total = rows.Sum(r => r.Count), trainable = rows.Where(r => r.RequiresGrad).Sum(r => r.Count);
        ctx.Out.WriteLine(new string('-', w + 35));
        ctx.Out.WriteLine($"input [1, {string.Join(", ", input)}] -> output [{string.Join(", ", output.Shape.ToArray())}]");
        ctx.Out.WriteLine($"total parameters: {total.ToString("N0", CultureInfo.InvariantCulture)}");
        ctx.Out.WriteLine($"trainable parameters: {trainable.ToString("N0", CultureInfo.InvariantCulture)}");
        ctx.Out.WriteLine($"parameter size: {(total * 4 / 1048576.0).ToString("F2", CultureInfo.InvariantCulture)} MB (float32)");
        return 0;
    }

    internal static int[] ParseShape(string s)
    {
        var parts = s.ToLowerInvariant().Split('x', ',');
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
                throw new CliException($"--input: expected a shape like 1x28x28 or 3x32x32, got '{s}'");
        return dims;
    }
}
