using System.Globalization;
using System.Text;

namespace Lumen.NN;

/// <summary>One row of a <see cref="Summary"/>: a module that ran during the probe forward pass.</summary>
/// <param name="Path">Dotted path from the model ("layer1.conv1"; "" for the model itself).</param>
/// <param name="Type">The module's type name.</param>
/// <param name="Depth">Nesting depth (0 for the model).</param>
/// <param name="OutputShape">Shape of the module's output for the probe input.</param>
/// <param name="Parameters">Elements of the module's own parameters (not its children's).</param>
/// <param name="MultiplyAdds">Multiply-adds of the module's own weights for the probe input (see <see cref="Summary"/>).</param>
public sealed record SummaryRow(string Path, string Type, int Depth, Shape OutputShape, long Parameters, long MultiplyAdds);

/// <summary>
/// A per-layer table of a model — path, type, output shape, parameters and multiply-adds — with totals and memory
/// estimates, what <c>torchinfo.summary(model, input_size)</c> prints for PyTorch:
/// <code>Console.WriteLine(Summary.Of(model, 1, 1, 28, 28));</code>
/// The model runs once on zeros of <c>inputShape</c> (batch dimension included) in eval mode without recording a graph;
/// its training mode is restored afterwards. Multiply-adds count the products with each layer's weights:
/// convolution = output elements × (in_channels / groups) × kernel volume, transposed convolution = input elements ×
/// (out_channels / groups) × kernel volume, linear = output elements × in_features, other layers = their parameter
/// count × output elements per channel when they have weights (BatchNorm's affine), else 0.
/// </summary>
public sealed class Summary
{
    public IReadOnlyList<SummaryRow> Rows { get; }
    public Shape InputShape { get; }
    public long TotalParameters { get; }
    public long TrainableParameters { get; }
    public long TotalMultiplyAdds { get; }
    /// <summary>Bytes of every module output of the probe pass, ×2 for the gradients a training step keeps (torchinfo's
    /// "forward/backward pass size").</summary>
    public long ActivationBytes { get; }
    public long ParameterBytes { get; }
    public long InputBytes { get; }
    private Summary(Shape input, List<SummaryRow> rows, long total, long trainable, long activations, long paramBytes)
    {
        InputShape = input;
        Rows = rows;
        TotalParameters = total;
        TrainableParameters = trainable;
        TotalMultiplyAdds = rows.Sum(r => r.MultiplyAdds);
        ActivationBytes = activations;
        ParameterBytes = paramBytes;
        InputBytes = input.Numel * sizeof(float);
    }

    /// <summary>Runs <paramref name="model"/> on zeros of <paramref name="inputShape"/> and tabulates every module that ran.</summary>
    public static Summary Of(Module model, params int[] inputShape)
    {
        var paths = model.NamedModules().ToDictionary<(string Name, Module Module), Module, string>(
            m => m.Module, m => m.Name, ReferenceEqualityComparer.Instance);
        // Pre-hooks record calls in the order they start (parents before children); forward hooks fill in the output
        // of the innermost call still open. A module called twice (a shared block) gets two rows.
        var calls = new List<Call>();
        var open = new Stack<Call>();
        var handles = new List<HookHandle>();
        foreach (var (_, m) in model.NamedModules())
        {
            handles.Add(m.RegisterForwardPreHook((mod, input) => { var c = new Call(mod, input); calls.Add(c); open.Push(c); return null; }));
            handles.Add(m.RegisterForwardHook((mod, input, output) => { open.Pop().Output = output; }));
        }
        bool wasTraining = model.Training;
        try
        {
            model.Eval();
            using (Autograd.Autograd.NoGrad()) model.Call(Torch.Zeros(inputShape));
        }
        finally
        {
            foreach (var h in handles) h.Remove();
            model.Train(wasTraining);
        }
        var rows = new List<SummaryRow>();
        long activationElements = 0;
        foreach (var c in calls.Where(c => c.Output != null))
        {
            string path = paths[c.Module];
            long own = c.Module.NamedParametersOwn().Sum(p => (long)p.Parameter.Numel());
            rows.Add(new SummaryRow(path, c.Module.GetType().Name, path.Length == 0 ? 0 : path.Count(ch => ch == '.') + 1,
                                    c.Output!.Shape, own, MultiplyAdds(c.Module, c.Input, c.Output)));
            if (!c.Module.Children().Any()) activationElements += c.Output.Numel();
        }
        var all = model.Parameters().ToList();
        long total = all.Sum(p => (long)p.Numel());
        long trainable = all.Where(p => p.RequiresGrad).Sum(p => (long)p.Numel());
        return new Summary(Shape.Wrap(inputShape), rows, total, trainable,
                           activationElements * sizeof(float) * 2, total * sizeof(float));
    }

    private sealed class Call(Module module, Tensor input)
    {
        public Module Module { get; } = module;
        public Tensor Input { get; } = input;
        public Tensor? Output { get; set; }
    }

    private static long MultiplyAdds(Module m, Tensor input, Tensor output)
    {
        switch (m)
        {
            case ConvNd conv:
                long kernel = 1;
                for (int i = 0; i < conv.SpatialDims; i++) kernel *= conv.Weight.Size(2 + i);
                return conv.Transposed
                    ? (long)input.Numel() * (conv.OutChannels / conv.Groups) * kernel
                    : (long)output.Numel() * (conv.InChannels / conv.Groups) * kernel;
            case Linear lin:
                return (long)output.Numel() * lin.InFeatures;
            default:
                if (m.Children().Any()) return 0;
                long own = m.NamedParametersOwn().Sum(p => (long)p.Parameter.Numel());
                if (own == 0 || output.Ndim < 2) return own;
                return own * (output.Numel() / Math.Max(1, output.Size(1)));
        }
    }

    /// <summary>The table in torchinfo's layout.</summary>
    public override string ToString()
    {
        var ci = CultureInfo.InvariantCulture;
        string Num(long v) => v.ToString("N0", ci);
        var lines = new List<string[]> { new[] { "Layer (type)", "Output Shape", "Param #", "Mult-Adds" } };
        foreach (var r in Rows)
        {
            string name = r.Depth == 0 ? r.Type : new string(' ', 2 * (r.Depth - 1)) + "└─" + r.Path.Split('.')[^1] + " (" + r.Type + ")";
            lines.Add(new[] { name, r.OutputShape.ToString(), r.Parameters == 0 ? "--" : Num(r.Parameters), r.MultiplyAdds == 0 ? "--" : Num(r.MultiplyAdds) });
        }
        int[] w = Enumerable.Range(0, 4).Select(c => lines.Max(l => l[c].Length) + 2).ToArray();
        int width = w.Sum();
        var sb = new StringBuilder();
        string rule = new('=', width), thin = new('-', width);
        sb.AppendLine(rule);
        for (int i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            sb.AppendLine(l[0].PadRight(w[0]) + l[1].PadRight(w[1]) + l[2].PadLeft(w[2] - 2).PadRight(w[2]) + l[3].PadLeft(w[3] - 2));
            if (i == 0) sb.AppendLine(rule);
        }
        sb.AppendLine(rule);
        sb.AppendLine($"Total params: {Num(TotalParameters)}");
        sb.AppendLine($"Trainable params: {Num(TrainableParameters)}");
        sb.AppendLine($"Non-trainable params: {Num(TotalParameters - TrainableParameters)}");
        sb.AppendLine($"Total mult-adds (M): {(TotalMultiplyAdds / 1e6).ToString("F2", ci)}");
        sb.AppendLine(thin);
        sb.AppendLine($"Input size (MB): {(InputBytes / 1e6).ToString("F2", ci)}");
        sb.AppendLine($"Forward/backward pass size (MB): {(ActivationBytes / 1e6).ToString("F2", ci)}");
        sb.AppendLine($"Params size (MB): {(ParameterBytes / 1e6).ToString("F2", ci)}");
        sb.AppendLine($"Estimated Total Size (MB): {((InputBytes + ActivationBytes + ParameterBytes) / 1e6).ToString("F2", ci)}");
        sb.Append(rule);
        return sb.ToString();
    }
}
