using Lumen.Autograd;
using Lumen.NN;
using Lumen.Tracing;

namespace Lumen.Onnx.Export;

/// <summary>
/// Captures one Forward call as an ONNX graph. Every module gets a pre-hook and a forward hook for the call: a layer the
/// exporter knows (<see cref="ExportEmitter.Handles"/>) is written whole from its settings when it returns, and the ops
/// run inside it are ignored; around other modules (a ResNet, a BasicBlock, any custom Forward) the tensor ops reported
/// by <see cref="Tracer"/> are written one by one. Values are tracked by tensor identity; each tensor's grad_fn at the
/// time it got its value is kept so that an op the tracer does not report — which still leaves its grad_fn, the dummy
/// input requiring grad — is caught where its result is used, instead of being baked in as a constant.
/// </summary>
internal sealed class ExportTracer : ITraceListener
{
    private sealed record Frame(Module Module, string Path, bool Writes, string? InputValue, Tensor Input);

    private readonly Dictionary<Tensor, (string Name, Node? GradFn)> _values = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> _stateNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Module, string> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<Frame> _frames = new();
    private readonly ExportGraph _graph;
    private readonly ExportEmitter _emit;
    private int _inside;   // frames of layers being written whole: their inner ops are not recorded

    public ExportTracer(Module model, ExportGraph graph, bool dynamicBatch)
    {
        _graph = graph;
        foreach (var (name, m) in model.NamedModules()) _paths[m] = name;
        foreach (var (name, p) in model.NamedParameters()) _stateNames.TryAdd(p, name);
        foreach (var (name, b) in model.NamedBuffers()) _stateNames.TryAdd(b, name);
        _emit = new ExportEmitter(graph, Weight, dynamicBatch);
        foreach (var (t, n) in _stateNames) _emit.WeightNames[t] = n;
    }

    /// <summary>Declares the graph input.</summary>
    public void Input(Tensor t, string name) => _values[t] = (name, t.GradFn);

    private string Weight(Tensor t)
    {
        if (_values.TryGetValue(t, out var v)) return v.Name;
        var name = _graph.Initializer(_stateNames.TryGetValue(t, out var n) ? n : "weight", t);
        _values[t] = (name, t.GradFn);
        return name;
    }

    private (string Path, string Type) Where()
    {
        var f = _frames.Count > 0 ? _frames.Peek() : null;
        return f == null ? ("", "Module") : (f.Path, f.Module.GetType().Name);
    }

    /// <summary>The value of <paramref name="t"/> as an op or layer reads it.</summary>
    public string Resolve(Tensor t, string path, string type, string consumer)
    {
        if (_values.TryGetValue(t, out var v))
        {
            if (!ReferenceEquals(v.GradFn, t.GradFn))
                throw new OnnxExportException(path, type, t.GradFn?.Name ?? "in-place op",
                    $"{consumer} reads a tensor that an op the exporter does not trace modified in place ({t.GradFn?.Name ?? "no grad_fn"}).");
            return v.Name;
        }
        if (_stateNames.ContainsKey(t)) return Weight(t);
        if (t.GradFn != null)
            throw new OnnxExportException(path, type, t.GradFn.Name,
                $"{consumer} reads a tensor computed by an op the ONNX exporter does not support (grad_fn {t.GradFn.Name}).");
        var name = _graph.Constant(t);
        _values[t] = (name, t.GradFn);
        return name;
    }

    public Tensor? PreHook(Module m, Tensor input)
    {
        var path = _paths.TryGetValue(m, out var p) ? p : m.GetType().Name;
        if (_inside > 0) { _frames.Push(new Frame(m, path, false, null, input)); return null; }
        if (ExportEmitter.Handles(m))
        {
            // Read the input's value now: an in-place layer (ReLU(inplace: true)) changes the tensor before it returns.
            var x = Resolve(input, path, m.GetType().Name, "its input");
            _frames.Push(new Frame(m, path, true, x, input));
            _inside++;
        }
        else _frames.Push(new Frame(m, path, false, null, input));
        return null;
    }

    public Tensor? ForwardHook(Module m, Tensor input, Tensor output)
    {
        var f = _frames.Pop();
        if (!ReferenceEquals(f.Module, m)) throw new InvalidOperationException($"ONNX export: module hooks out of order at '{f.Path}'.");
        if (f.Writes)
        {
            _inside--;
            var y = _emit.EmitModule(f.Path, m, f.InputValue!, input, output);
            _values[output] = (y, output.GradFn);
        }
        else if (_inside == 0)
        {
            // A module traced through must return a value the trace knows (else some op inside was not recorded).
            Resolve(output, f.Path, m.GetType().Name, "its output");
        }
        return null;
    }

    public void OnOp(TracedOp op)
    {
        if (_inside > 0) return;
        var (path, type) = Where();
        // An in-place op (add_) reports its first input after changing it: that change is the op's own.
        bool inPlace = op.Name.EndsWith('_') && ReferenceEquals(op.Inputs[0], op.Output);
        var inputs = op.Inputs.Select((t, i) => i == 0 && inPlace && _values.TryGetValue(t, out var v) ? v.Name : Resolve(t, path, type, $"op '{op.Name}'")).ToArray();
        var y = _emit.EmitOp(op, path, type, inputs);
        _values[op.Output] = (y, op.Output.GradFn);
    }

    /// <summary>The value of the traced output.</summary>
    public string Output(Tensor t, Module model) => Resolve(t, "", model.GetType().Name, "the model's output");
}
