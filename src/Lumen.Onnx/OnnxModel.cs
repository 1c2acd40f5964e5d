using Google.Protobuf;
using Lumen.NN;
using Lumen.Onnx.Protobuf;
using DataType = Lumen.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Lumen.Onnx;

/// <summary>
/// An ONNX graph imported as a Lumen <see cref="Module"/> that runs it with Lumen's differentiable ops, so it can be
/// evaluated, fine-tuned and saved like any module. PyTorch has no ONNX import; this is its missing twin of
/// <c>torch.onnx.export</c>:
/// <code>
/// var backbone = OnnxModel.Load("ResNet18.onnx");         // opsets 7–17
/// var features = backbone.Eval().Call(images);              // (N, 3, 224, 224) → (N, 512, 1, 1), any N
/// </code>
/// Float initializers that hold weights (Conv/ConvTranspose weight and bias, Gemm's B and C, MatMul operands,
/// BatchNormalization's scale and bias, PRelu's slope) become <see cref="Parameter"/>s; BatchNormalization's running
/// mean and variance and every other float initializer become buffers; integer initializers (shapes, axes) stay
/// constants. State-dict keys are the initializer names — dotted names such as <c>layer1.0.conv1.weight</c> nest into
/// submodules, so a PyTorch-exported graph has PyTorch's keys. <see cref="Module.Train"/> and <see cref="Module.Eval"/>
/// switch BatchNormalization between batch and running statistics (updating the running ones in training, with the
/// file's momentum) and Dropout on and off.
/// <para>The file is untrusted input: the protobuf parser rejects lengths beyond the data, and tensors are checked
/// against the bytes they actually carry before anything of their declared size is allocated.</para>
/// </summary>
public sealed class OnnxModel : Module
{
    private sealed record Step(ImportNode Node, OpFn Run, int[] Inputs, int[] Outputs, int[] Release);

    private readonly Step[] _steps;
    private readonly Tensor?[] _fixed;          // per value id: an initializer's tensor (Parameter, buffer or constant)
    private readonly int[] _inputIds, _outputIds;
    private readonly int _valueCount;
    private readonly Dictionary<string, string> _keys = new();

    /// <summary>Where the model came from (the file path, or "model").</summary>
    public string Source { get; }

    /// <summary>The model's opset for the default ONNX domain (7 to 17).</summary>
    public long Opset { get; }

    /// <summary>The exporting tool and its version, as the file records them ("CNTK 2.6").</summary>
    public string Producer { get; }

    /// <summary>The graph inputs a caller feeds (initializers listed as inputs by old files excluded), in order.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>The graph outputs, in order.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>Each initializer's state-dict key (its name, or with '.' replaced where the name cannot nest).</summary>
    public IReadOnlyDictionary<string, string> InitializerKeys => _keys;

    /// <summary>The ONNX operators the importer implements.</summary>
    public static IEnumerable<string> SupportedOperators => Ops.Supported;

    /// <summary>Reads and imports an ONNX file.</summary>
    /// <exception cref="OnnxImportException">the file is not a valid ONNX model, or a node is malformed.</exception>
    /// <exception cref="OnnxUnsupportedOperatorException">a node uses an operator Lumen lacks.</exception>
    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file '{path}' not found.", path);
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Imports a serialized ModelProto; <paramref name="source"/> names it in errors.</summary>
    public static OnnxModel FromBytes(byte[] bytes, string source = "model")
    {
        ModelProto proto;
        try { proto = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"{source}: not a readable ONNX model (protobuf: {e.Message})", source, inner: e);
        }
        return FromProto(proto, source);
    }

    /// <summary>Imports a parsed model.</summary>
    public static OnnxModel FromProto(ModelProto model, string source = "model") => new(model, source);

    private OnnxModel(ModelProto model, string source)
    {
        Source = source;
        OnnxImportException Fail(string message) => new($"{source}: {message}.", source, opset: Opset);
        var graph = model.Graph ?? throw Fail("the model has no graph");
        var opsets = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToList();
        Opset = opsets.Count == 0 ? 1 : opsets.Max(o => o.Version);
        if (Opset is < 7 or > 17)
            throw Fail($"opset {Opset} of the default ONNX domain is not supported (Lumen imports opsets 7 to 17; " +
                       "convert the model with onnx.version_converter)");
        Producer = $"{model.ProducerName} {model.ProducerVersion}".Trim();

        // Value ids: every name a node, input or initializer defines.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var fixedValues = new List<Tensor?>();
        int Define(string name, string what)
        {
            if (ids.ContainsKey(name)) throw Fail($"the value '{name}' is defined twice (again as {what})");
            ids[name] = fixedValues.Count;
            fixedValues.Add(null);
            return ids[name];
        }

        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (initializers.Count != graph.Initializer.Count) throw Fail("two initializers have the same name");
        var roles = InitializerRoles(graph, initializers);
        foreach (var t in graph.Initializer)
        {
            int id = Define(t.Name, "an initializer");
            var value = ImportTensors.ToTensor(t, m => Fail($"initializer '{t.Name}': {m}"));
            var role = roles.GetValueOrDefault(t.Name, Role.Buffer);
            if (value.DType != DType.Float32) role = Role.Constant;
            fixedValues[id] = role switch
            {
                Role.Parameter => Place(t.Name, new Parameter(value), parameter: true),
                Role.Buffer => Place(t.Name, value, parameter: false),
                _ => value,
            };
        }
        var inputs = new List<OnnxValueInfo>();
        var inputIds = new List<int>();
        foreach (var v in graph.Input)
        {
            if (initializers.ContainsKey(v.Name)) continue;   // IR < 4 lists initializers among the inputs
            inputIds.Add(Define(v.Name, "a graph input"));
            inputs.Add(Info(v));
        }

        // Compile the nodes in order (ONNX requires a topologically sorted list), collecting unknown operators.
        var steps = new List<(ImportNode Node, OpFn? Run, int[] Inputs, int[] Outputs)>();
        var unsupported = new List<ImportNode>();
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = new ImportNode(graph.Node[i], i, Opset, source);
            var ins = node.Proto.Input.Select(name => name.Length == 0 ? -1
                : ids.TryGetValue(name, out var id) ? id
                : throw node.Error($"input '{name}' is not produced by an earlier node, a graph input or an initializer")).ToArray();
            OpFn? run = Ops.Compile(node);
            if (run == null) unsupported.Add(node);
            var outs = node.Proto.Output.Select(name => name.Length == 0 ? -1 : Define(name, $"an output of {node.Describe()}")).ToArray();
            steps.Add((node, run, ins, outs));
        }
        if (unsupported.Count > 0)
        {
            var first = unsupported[0];
            var others = unsupported.Select(u => u.OpType).Distinct().Where(t => t != first.OpType).ToList();
            throw new OnnxUnsupportedOperatorException(
                $"{source}: {first.Describe()}: the operator {first.OpType} is not supported by Lumen's ONNX import" +
                (others.Count > 0 ? $" (nor are {string.Join(", ", others)}, used by other nodes)" : "") +
                $"; supported: {string.Join(", ", Ops.Supported)}.", source, first.Index, first.Proto.Name, first.OpType, Opset);
        }

        var outputs = new List<OnnxValueInfo>();
        var outputIds = new List<int>();
        foreach (var v in graph.Output)
        {
            if (!ids.TryGetValue(v.Name, out var id)) throw Fail($"graph output '{v.Name}' is not produced by any node");
            outputIds.Add(id);
            outputs.Add(Info(v));
        }

        // Free each intermediate after its last reader, so inference holds only the live activations.
        var lastUse = new int[fixedValues.Count];
        Array.Fill(lastUse, -1);
        for (int s = 0; s < steps.Count; s++) foreach (var id in steps[s].Inputs) if (id >= 0) lastUse[id] = s;
        foreach (var id in outputIds) lastUse[id] = int.MaxValue;
        _steps = steps.Select((s, k) => new Step(s.Node, s.Run!, s.Inputs, s.Outputs,
            s.Inputs.Concat(s.Outputs).Where(id => id >= 0 && fixedValues[id] == null && lastUse[id] <= k).Distinct().ToArray())).ToArray();
        _fixed = fixedValues.ToArray();
        _valueCount = fixedValues.Count;
        _inputIds = inputIds.ToArray();
        _outputIds = outputIds.ToArray();
        Inputs = inputs;
        Outputs = outputs;
    }

    // ------------------------------------------------------------------ running

    /// <summary>Runs a graph with one input and one output.</summary>
    public override Tensor Forward(Tensor input)
    {
        if (_inputIds.Length != 1 || _outputIds.Length != 1)
            throw new InvalidOperationException($"{Source}: Forward takes graphs with one input and one output; this one has inputs " +
                $"({string.Join(", ", Inputs.Select(i => i.Name))}) and outputs ({string.Join(", ", Outputs.Select(o => o.Name))}): use Run.");
        return Execute(new[] { input })[0];
    }

    /// <summary>Runs the graph on its inputs in <see cref="Inputs"/> order; returns the outputs in <see cref="Outputs"/> order.</summary>
    public Tensor[] Run(params Tensor[] inputs)
    {
        if (inputs.Length != _inputIds.Length)
            throw new ArgumentException($"{Source}: expected {_inputIds.Length} inputs ({string.Join(", ", Inputs.Select(i => i.Name))}), got {inputs.Length}.");
        return Execute(inputs);
    }

    /// <summary>Runs the graph on named inputs; returns every output by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var ordered = Inputs.Select(i => inputs.TryGetValue(i.Name, out var t) ? t
            : throw new ArgumentException($"{Source}: input '{i.Name}' is missing (given: {string.Join(", ", inputs.Keys)}).")).ToArray();
        var unknown = inputs.Keys.Where(k => Inputs.All(i => i.Name != k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"{Source}: unknown inputs {string.Join(", ", unknown)} (the graph takes {string.Join(", ", Inputs.Select(i => i.Name))}).");
        var outs = Execute(ordered);
        return Outputs.Select((o, k) => (o.Name, outs[k])).ToDictionary(p => p.Name, p => p.Item2);
    }

    private Tensor[] Execute(Tensor[] inputs)
    {
        var values = new Tensor?[_valueCount];
        Array.Copy(_fixed, values, _valueCount);
        for (int i = 0; i < inputs.Length; i++)
        {
            CheckInput(Inputs[i], inputs[i]);
            values[_inputIds[i]] = inputs[i];
        }
        var context = new OpContext(Training);
        foreach (var step in _steps)
        {
            var args = new Tensor?[step.Inputs.Length];
            for (int k = 0; k < args.Length; k++) args[k] = step.Inputs[k] >= 0 ? values[step.Inputs[k]] : null;
            Tensor?[] results;
            try { results = step.Run(args, context); }
            catch (ShapeMismatchException e) when (!e.Message.Contains(step.Node.Describe()))
            {
                throw new ShapeMismatchException($"{Source}: {step.Node.Describe()}: {e.Message}", e);
            }
            catch (ArgumentException e) when (!e.Message.Contains(step.Node.Describe()))
            {
                throw new ArgumentException($"{Source}: {step.Node.Describe()}: {e.Message}", e);
            }
            for (int k = 0; k < step.Outputs.Length; k++)
            {
                if (step.Outputs[k] < 0) continue;
                if (k >= results.Length || results[k] == null)
                    throw new InvalidOperationException($"{Source}: {step.Node.Describe()} produced no output {k}.");
                values[step.Outputs[k]] = results[k];
            }
            foreach (var id in step.Release) values[id] = null;
        }
        return _outputIds.Select(id => values[id]!).ToArray();
    }

    private void CheckInput(OnnxValueInfo info, Tensor x)
    {
        if (info.Shape is not { } shape) return;
        bool fits = x.Ndim == shape.Length;
        for (int d = 1; fits && d < shape.Length; d++) fits = shape[d] < 0 || shape[d] == x.Size(d);
        if (!fits)
            throw new ShapeMismatchException($"{Source}: input '{info.Name}' expects [{string.Join(", ", shape.Select((v, d) => d == 0 ? "N" : v < 0 ? "?" : v.ToString()))}] " +
                                             $"(any batch N), got {x.Shape}.");
    }

    public override string ExtraRepr() => $"'{Source}', opset={Opset}, nodes={_steps.Length}";

    // ------------------------------------------------------------------ import helpers

    private enum Role { Constant, Buffer, Parameter }

    /// <summary>Which initializers hold trainable weights: by the operator and input slot that reads them.</summary>
    private static Dictionary<string, Role> InitializerRoles(GraphProto graph, Dictionary<string, TensorProto> initializers)
    {
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
            {
                var name = node.Input[i];
                if (!initializers.ContainsKey(name)) continue;
                var role = (node.OpType, i) switch
                {
                    ("Conv" or "ConvTranspose", 1 or 2) => Role.Parameter,
                    ("Gemm", 1 or 2) or ("MatMul", _) or ("PRelu", 1) => Role.Parameter,
                    ("BatchNormalization", 1 or 2) => Role.Parameter,
                    _ => Role.Buffer,
                };
                if (role > roles.GetValueOrDefault(name, Role.Constant)) roles[name] = role;
            }
        return roles;
    }

    /// <summary>Registers an initializer under its name, nesting dotted names into <see cref="ImportScope"/>s; a name that
    /// cannot nest (an empty segment, a clash) is registered flat with '.' replaced by '_'.</summary>
    private Tensor Place(string name, Tensor value, bool parameter)
    {
        var segments = name.Split('.');
        string key;
        if (segments.All(s => s.Length > 0) && CanNest(segments))
        {
            key = name;
            if (segments.Length == 1) Add(this, segments[0]);
            else
            {
                var scope = NamedChildren().FirstOrDefault(c => c.Name == segments[0]).Module as ImportScope
                            ?? RegisterModule(segments[0], new ImportScope());
                foreach (var s in segments[1..^1]) scope = scope.Child(s);
                Add(scope, segments[^1]);
            }
        }
        else
        {
            var flat = name.Length == 0 ? "initializer" : name.Replace('.', '_');
            key = flat;
            for (int k = 1; RootHolds(key); k++) key = $"{flat}_{k}";
            Add(this, key);
        }
        _keys[name] = key;
        return value;

        void Add(Module owner, string leaf)
        {
            if (owner is ImportScope scope)
            {
                if (parameter) scope.AddParameter(leaf, (Parameter)value); else scope.AddBuffer(leaf, value);
            }
            else if (parameter) RegisterParameter(leaf, (Parameter)value);
            else RegisterBuffer(leaf, value);
        }
    }

    private bool RootHolds(string name) =>
        NamedChildren().Any(c => c.Name == name) || NamedParametersOwn().Any(p => p.Name == name) || NamedBuffers(recurse: false).Any(b => b.Name == name);

    private bool CanNest(string[] segments)
    {
        if (segments.Length == 1) return !RootHolds(segments[0]);
        var child = NamedChildren().FirstOrDefault(c => c.Name == segments[0]).Module;
        if (child == null) return !RootHolds(segments[0]);
        if (child is not ImportScope scope) return false;
        for (int i = 1; i < segments.Length - 1; i++)
        {
            var next = scope.NamedChildren().FirstOrDefault(c => c.Name == segments[i]).Module;
            if (next == null) return !scope.Holds(segments[i]);
            if (next is not ImportScope s) return false;
            scope = s;
        }
        return !scope.Holds(segments[^1]);
    }

    private static OnnxValueInfo Info(ValueInfoProto v)
    {
        var t = v.Type?.TensorType;
        if (t?.Shape == null) return new OnnxValueInfo(v.Name, null);
        return new OnnxValueInfo(v.Name, t.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            && d.DimValue is > 0 and <= int.MaxValue ? (int)d.DimValue : -1).ToArray());
    }
}
