using Google.Protobuf;
using Lumen.NN;
using Lumen.Onnx.Protobuf;
using Lumen.Tracing;

namespace Lumen.Onnx.Export;

/// <summary>
/// ONNX export, PyTorch's <c>torch.onnx.export(model, dummy_input, path, input_names, output_names, dynamic_axes,
/// opset_version)</c>: <c>OnnxExporter.Export(model, dummyInput, "model.onnx")</c>. Like PyTorch's exporter it runs one
/// Forward call on the dummy input in eval mode and records what runs: Lumen's layers (convolutions 1-3d incl. groups,
/// dilation and transposed, pools incl. ceil mode and adaptive, BatchNorm, Linear, activations, Dropout, Flatten,
/// Upsample, paddings) are written from their settings, and the tensor ops a custom Forward calls between them
/// (residual adds, views, flatten, cat, functional pools, …) from the trace (<see cref="Tracer"/>). Parameters and
/// buffers become initializers under their state-dict names. By default dimension 0 of the input and output is the
/// symbolic "batch", so one file runs any batch size. Anything that cannot be written — a layer or op without an ONNX
/// form, or a configuration whose ONNX semantics differ — is an <see cref="OnnxExportException"/> naming the module
/// path and type. The model's training flags are restored afterwards.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The opset written unless another is asked for.</summary>
    public const int DefaultOpsetVersion = 17;
    /// <summary>Oldest opset the exporter writes.</summary>
    public const int MinOpsetVersion = 13;
    /// <summary>Newest opset the exporter writes.</summary>
    public const int MaxOpsetVersion = 17;

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/> (written to a temporary file and renamed).</summary>
    /// <param name="model">The network; run once in eval mode on <paramref name="args"/>.</param>
    /// <param name="args">A dummy input of the shape the model takes, batch included (float32).</param>
    /// <param name="path">The .onnx file.</param>
    /// <param name="inputNames">The input's name (one); "input" by default.</param>
    /// <param name="outputNames">The output's name (one); "output" by default.</param>
    /// <param name="dynamicAxes">Symbolic dimensions by value name, PyTorch's <c>dynamic_axes</c>; null makes dimension 0 of
    /// input and output "batch"; an empty dictionary exports static shapes. Only dimension 0 can be symbolic.</param>
    /// <param name="opsetVersion">ONNX opset, <see cref="MinOpsetVersion"/> to <see cref="MaxOpsetVersion"/>.</param>
    public static void Export(Module model, Tensor args, string path, IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? outputNames = null,
                              IReadOnlyDictionary<string, IReadOnlyDictionary<int, string>>? dynamicAxes = null, int opsetVersion = DefaultOpsetVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToModelProto(model, args, inputNames, outputNames, dynamicAxes, opsetVersion).ToByteArray();
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, full, overwrite: true);
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
    }

    /// <summary>The exported model as bytes (see <see cref="Export"/>).</summary>
    public static byte[] ExportToBytes(Module model, Tensor args, IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? outputNames = null,
                                      IReadOnlyDictionary<string, IReadOnlyDictionary<int, string>>? dynamicAxes = null, int opsetVersion = DefaultOpsetVersion) =>
        ToModelProto(model, args, inputNames, outputNames, dynamicAxes, opsetVersion).ToByteArray();

    /// <summary>The exported model as a protobuf message (see <see cref="Export"/>).</summary>
    public static ModelProto ToModelProto(Module model, Tensor args, IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? outputNames = null,
                                         IReadOnlyDictionary<string, IReadOnlyDictionary<int, string>>? dynamicAxes = null, int opsetVersion = DefaultOpsetVersion)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(args);
        if (opsetVersion is < MinOpsetVersion or > MaxOpsetVersion)
            throw new ArgumentOutOfRangeException(nameof(opsetVersion), $"opset {opsetVersion}: the exporter writes opsets {MinOpsetVersion} to {MaxOpsetVersion}.");
        if (args.DType != DType.Float32) throw new ArgumentException($"the dummy input must be float32, got {args.DType}.", nameof(args));
        if (args.Ndim == 0) throw new ArgumentException("the dummy input must have a batch dimension, got a scalar.", nameof(args));
        string inputName = Single(inputNames, "input", nameof(inputNames));
        string outputName = Single(outputNames, "output", nameof(outputNames));
        if (inputName == outputName) throw new ArgumentException($"input and output are both named '{inputName}'.");
        dynamicAxes ??= new Dictionary<string, IReadOnlyDictionary<int, string>>
        {
            [inputName] = new Dictionary<int, string> { [0] = "batch" },
            [outputName] = new Dictionary<int, string> { [0] = "batch" },
        };
        foreach (var (name, axes) in dynamicAxes)
        {
            if (name != inputName && name != outputName) throw new ArgumentException($"dynamicAxes names '{name}', which is neither the input '{inputName}' nor the output '{outputName}'.", nameof(dynamicAxes));
            if (axes.Keys.Any(a => a != 0)) throw new ArgumentException($"dynamicAxes['{name}']: only dimension 0 (the batch) can be symbolic.", nameof(dynamicAxes));
        }
        if (!Autograd.Autograd.IsGradEnabled)
            throw new InvalidOperationException("ONNX export traces with grad mode on (it checks every tensor's grad_fn); call it outside Torch.NoGrad().");

        var graph = new ExportGraph(opsetVersion);
        bool dynamicBatch = dynamicAxes.TryGetValue(inputName, out var inAxes) && inAxes.ContainsKey(0);
        var tracer = new ExportTracer(model, graph, dynamicBatch);
        var x = args.Detach().Clone();
        x.RequiresGrad = true;   // every op on it leaves a grad_fn: the tracer's check for ops it was not told about
        tracer.Input(x, inputName);

        var modes = model.Modules().Select(m => (Module: m, m.Training)).ToList();
        var hooks = new List<HookHandle>();
        Tensor output;
        try
        {
            model.Eval();
            foreach (var m in model.Modules())
            {
                hooks.Add(m.RegisterForwardPreHook(tracer.PreHook));
                hooks.Add(m.RegisterForwardHook(tracer.ForwardHook));
            }
            using (Tracer.Listen(tracer)) output = model.Call(x);
        }
        finally
        {
            foreach (var h in hooks) h.Remove();
            foreach (var (m, training) in modes) m.Train(training);
        }
        if (output.DType != DType.Float32) throw new OnnxExportException("", model.GetType().Name, "output", $"the output is {output.DType}; only float32 outputs are exported.");
        var outValue = tracer.Output(output, model);

        var g = graph.Build(model.GetType().Name, ValueInfo(inputName, x, dynamicAxes), outValue, ValueInfo(outputName, output, dynamicAxes));
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Lumen",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = g,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opsetVersion });
        return proto;
    }

    private static string Single(IReadOnlyList<string>? names, string fallback, string param)
    {
        if (names == null || names.Count == 0) return fallback;
        if (names.Count != 1 || string.IsNullOrEmpty(names[0])) throw new ArgumentException($"{param}: the exporter writes one input and one output; give one non-empty name.", param);
        return names[0];
    }

    private static ValueInfoProto ValueInfo(string name, Tensor t, IReadOnlyDictionary<string, IReadOnlyDictionary<int, string>> dynamicAxes)
    {
        var shape = new TensorShapeProto();
        dynamicAxes.TryGetValue(name, out var axes);
        for (int i = 0; i < t.Ndim; i++)
            shape.Dim.Add(axes != null && axes.TryGetValue(i, out var sym)
                ? new TensorShapeProto.Types.Dimension { DimParam = sym }
                : new TensorShapeProto.Types.Dimension { DimValue = t.Size(i) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
