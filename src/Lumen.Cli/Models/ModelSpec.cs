using System.Globalization;
using Lumen.NN;
using Lumen.Cli.Setup;
using YamlDotNet.RepresentationModel;

namespace Lumen.Cli.Models;

/// <summary>
/// A network written as a list of layers in YAML or JSON, with input channels and features inferred from the data:
/// <code>
/// layers:                     # or the list alone
///   - conv2d: {out: 16, kernel: 3, padding: 1}
///   - batchnorm2d
///   - relu
///   - maxpool2d: 2
///   - flatten
///   - dropout: 0.25
///   - linear: {out: 10}
/// </code>
/// Each layer is built for the shape the previous one produces (probed with one zero example), so the file never
/// states an input size. Layers: conv1d/2d/3d (out, kernel = 3, stride = 1, padding = 0 | "same", dilation = 1,
/// groups = 1, bias = true), batchnorm1d/2d/3d, maxpool1d/2d/3d and avgpool1d/2d/3d (kernel or {kernel, stride,
/// padding}), adaptiveavgpool2d (size), linear (out or {out, bias}), dropout (p), flatten, relu, leakyrelu (slope),
/// gelu, elu, sigmoid, tanh, silu.
/// </summary>
public static class ModelSpec
{
    /// <summary>The largest integer a spec may give (channels, features, kernel, stride, padding …).</summary>
    public const int MaxInt = 1 << 16;

    /// <summary>The most values one layer of a spec may hold as weights, or output per example: 2²⁷ (512 MiB of float32),
    /// above VGG-16's largest layer. A spec is a file someone else may have written; this bounds what it can allocate.</summary>
    public const long MaxLayerSize = 1L << 27;

    /// <summary>The most multiply-adds one spec layer may take per example (2³⁴).</summary>
    public const long MaxLayerMultiplyAdds = 1L << 34;

    /// <summary>Layer names a spec may use.</summary>
    public static readonly string[] LayerNames =
    {
        "conv1d", "conv2d", "conv3d", "batchnorm1d", "batchnorm2d", "batchnorm3d", "maxpool1d", "maxpool2d", "maxpool3d",
        "avgpool1d", "avgpool2d", "avgpool3d", "adaptiveavgpool2d", "linear", "dropout", "flatten", "relu", "leakyrelu",
        "gelu", "elu", "sigmoid", "tanh", "silu",
    };

    /// <summary>Builds the network in <paramref name="path"/> for inputs of shape <paramref name="inputShape"/> (without the
    /// batch dimension) and checks that it outputs <paramref name="numClasses"/> features.</summary>
    /// <exception cref="CliException">the file is missing or malformed, or a layer does not fit its input.</exception>
    public static Sequential Load(string path, int[] inputShape, int? numClasses = null)
    {
        if (!File.Exists(path)) throw new CliException($"model spec file '{path}' not found", "give a zoo name (see 'lumen train --help') or an existing .yaml/.json file");
        var root = SafeYaml.LoadFile(path, "model spec", $"model spec {path}") ?? throw new CliException($"model spec {path}: the file is empty");
        return Build(root, path, inputShape, numClasses);
    }

    /// <summary>Builds a network from spec text (YAML or JSON); <paramref name="source"/> names it in errors.</summary>
    public static Sequential Parse(string text, int[] inputShape, int? numClasses = null, string source = "spec")
    {
        var root = SafeYaml.Load(text, $"model {source}") ?? throw new CliException($"model {source}: empty");
        return Build(root, source, inputShape, numClasses);
    }

    private static Sequential Build(YamlNode root, string source, int[] inputShape, int? numClasses)
    {
        YamlSequenceNode layers = root switch
        {
            YamlSequenceNode s => s,
            YamlMappingNode m when m.Children.TryGetValue(new YamlScalarNode("layers"), out var l) && l is YamlSequenceNode s => s,
            _ => throw new CliException($"model {source}: expected a list of layers (or a mapping with 'layers:')"),
        };
        var model = new Sequential();
        var shape = inputShape.ToArray();
        int i = 0;
        foreach (var item in layers)
        {
            string where = $"model {source}: layers[{i}]";
            var (kind, args) = item switch
            {
                YamlScalarNode s => (s.Value ?? "", (YamlNode?)null),
                YamlMappingNode m when m.Children.Count == 1 => (((YamlScalarNode)m.Children.First().Key).Value ?? "", m.Children.First().Value),
                _ => throw new CliException($"{where}: expected a layer name or 'name: arguments', got {Describe(item)}"),
            };
            kind = kind.ToLowerInvariant();
            if (args is YamlScalarNode { Value: null or "" or "~" or "null" }) args = null;
            Module layer;
            try { layer = Create(kind, args, shape, $"{where}.{kind}"); }
            catch (ArgumentException e) { throw new CliException($"{where}.{kind}: {e.Message}"); }
            model.Append(layer);
            shape = Probe(layer, shape, $"{where} ({layer})");
            i++;
        }
        if (i == 0) throw new CliException($"model {source}: the layer list is empty");
        if (numClasses is int c && (shape.Length != 1 || shape[0] != c))
            throw new CliException($"model {source}: the last layer outputs [{string.Join(", ", shape)}] per example, expected [{c}] (one score per class); end with '- linear: {{out: {c}}}'");
        return model;
    }

    private static int[] Probe(Module layer, int[] shape, string where)
    {
        try
        {
            using (Lumen.Autograd.Autograd.NoGrad())
            {
                layer.Eval();
                var y = layer.Call(Torch.Zeros(new[] { 1 }.Concat(shape).ToArray()));
                layer.Train();
                return y.Shape.ToArray().Skip(1).ToArray();
            }
        }
        catch (Exception e) when (e is ShapeMismatchException or ArgumentException)
        {
            throw new CliException($"{where} does not fit its input [{string.Join(", ", shape)}]: {e.Message}");
        }
    }

    private static Module Create(string kind, YamlNode? args, int[] shape, string where)
    {
        var a = new Args(args, where);
        int Channels(int dims)
        {
            if (shape.Length != dims + 1) throw new CliException($"{where}: needs a {dims + 1}-d input (channels + {dims} spatial dims) per example, got [{string.Join(", ", shape)}]");
            return shape[0];
        }
        int Features()
        {
            if (shape.Length != 1) throw new CliException($"{where}: needs flat features per example, got [{string.Join(", ", shape)}]; add '- flatten' before it");
            return shape[0];
        }
        Module m = kind switch
        {
            "conv1d" or "conv2d" or "conv3d" => Conv(kind[4] - '0', Channels(kind[4] - '0'), shape, a, where),
            "batchnorm1d" => new BatchNorm1d(shape[0]),
            "batchnorm2d" => new BatchNorm2d(Channels(2)),
            "batchnorm3d" => new BatchNorm3d(Channels(3)),
            "maxpool1d" => new MaxPool1d(a.Int("kernel", primary: true), a.OptInt("stride"), a.Int("padding", 0)),
            "maxpool2d" => new MaxPool2d(a.Int("kernel", primary: true), a.OptInt("stride"), a.Int("padding", 0)),
            "maxpool3d" => new MaxPool3d(a.Int("kernel", primary: true), a.OptInt("stride"), a.Int("padding", 0)),
            "avgpool1d" => new AvgPool1d(a.Int("kernel", primary: true), a.OptInt("stride"), a.Int("padding", 0)),
            "avgpool2d" => new AvgPool2d(a.Int("kernel", primary: true), a.OptInt("stride"), a.Int("padding", 0)),
            "avgpool3d" => new AvgPool3d(a.Int("kernel", primary: true), a.OptInt("stride"), a.Int("padding", 0)),
            "adaptiveavgpool2d" => AdaptivePool(shape, a, where),
            "linear" => Linear(Features(), a, where),
            "dropout" => new Dropout(a.Double("p", 0.5, primary: true)),
            "flatten" => new Flatten(),
            "relu" => new ReLU(),
            "leakyrelu" => new LeakyReLU((float)a.Double("slope", 0.01, primary: true)),
            "gelu" => new GELU(),
            "elu" => new ELU(),
            "sigmoid" => new Sigmoid(),
            "tanh" => new Tanh(),
            "silu" => new SiLU(),
            _ => throw new CliException($"{where[..where.LastIndexOf('.')]}: unknown layer '{kind}' (known: {string.Join(", ", LayerNames)})"),
        };
        a.CheckAllUsed();
        return m;
    }

    private static Module Linear(int inFeatures, Args a, string where)
    {
        int outFeatures = a.Int("out", primary: true);
        Bound(where, "weights", (long)inFeatures * outFeatures);
        return new Linear(inFeatures, outFeatures, bias: a.Bool("bias", true));
    }

    private static Module AdaptivePool(int[] shape, Args a, string where)
    {
        int size = a.Int("size", primary: true);
        Bound(where, "outputs per example", (long)shape[0] * size * size);
        return new AdaptiveAvgPool2d(size);
    }

    private static Module Conv(int dims, int inChannels, int[] shape, Args a, string where)
    {
        int outCh = a.Int("out", primary: true);
        var kernel = a.IntOrList("kernel", 3);
        var stride = a.IntOrList("stride", 1);
        var dilation = a.IntOrList("dilation", 1);
        int groups = a.Int("groups", 1);
        bool bias = a.Bool("bias", true);
        ConvPadding padding = a.IsString("padding") ? a.String("padding", "valid") : (ConvPadding)a.IntOrList("padding", 0);
        // Weights and the probe's output are bounded before anything is allocated (padding grows the output).
        int At(IntTuple t, int i) => t.Count == 0 ? 0 : t[Math.Min(i, t.Count - 1)];
        long weights = (long)outCh * inChannels / Math.Max(1, groups), outputs = outCh;
        for (int i = 0; i < dims; i++)
        {
            weights *= Math.Max(1, At(kernel, i));
            int pad = padding.IsSame ? At(kernel, i) * At(dilation, i) : 2 * At(padding.Values, i);
            outputs *= Math.Max(1, (long)shape[1 + i] + pad) / Math.Max(1, At(stride, i)) + 1;
        }
        Bound(where, "weights", weights);
        Bound(where, "outputs per example", outputs);
        // The probe runs one example through the layer: its multiply-adds are bounded too (VGG-16's largest: 1.85 G).
        if (outputs * (weights / Math.Max(1, outCh)) > MaxLayerMultiplyAdds)
            throw new CliException($"{where}: about {outputs * (weights / Math.Max(1, outCh)):N0} multiply-adds per example, more than a spec layer may take ({MaxLayerMultiplyAdds:N0})");
        return dims switch
        {
            1 => new Conv1d(inChannels, outCh, kernel, stride, padding, dilation, groups, bias),
            2 => new Conv2d(inChannels, outCh, kernel, stride, padding, dilation, groups, bias),
            _ => new Conv3d(inChannels, outCh, kernel, stride, padding, dilation, groups, bias),
        };
    }

    private static void Bound(string where, string what, long n)
    {
        if (n > MaxLayerSize) throw new CliException($"{where}: {n:N0} {what}, more than a spec layer may have ({MaxLayerSize:N0})");
    }

    private static string Describe(YamlNode n) => n switch
    {
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode m => $"a mapping with {m.Children.Count} keys",
        _ => n.NodeType.ToString(),
    };

    /// <summary>A layer's arguments: a mapping, or one scalar standing for the primary argument.</summary>
    private sealed class Args
    {
        private readonly Dictionary<string, YamlNode> _map = new();
        private readonly YamlNode? _scalar;
        private readonly HashSet<string> _used = new();
        private readonly string _where;

        public Args(YamlNode? node, string where)
        {
            _where = where;
            if (node is YamlMappingNode m)
                foreach (var (k, v) in m.Children) _map[((YamlScalarNode)k).Value!.ToLowerInvariant()] = v;
            else _scalar = node;
        }

        private YamlNode? Get(string key, bool primary)
        {
            _used.Add(key);
            if (_map.TryGetValue(key, out var v)) return v;
            return primary ? _scalar : null;
        }

        public int Int(string key, int? fallback = null, bool primary = false)
        {
            var n = Get(key, primary);
            if (n == null) return fallback ?? throw new CliException($"{_where}: missing '{key}' (an integer)");
            return ParseInt(n, key);
        }

        public int? OptInt(string key) => Get(key, false) is { } n ? ParseInt(n, key) : null;

            private int ParseInt(YamlNode n, string key) =>
            n is YamlScalarNode { Value: var s } && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                ? v is >= 0 and <= MaxInt ? v : throw new CliException($"{_where}.{key}: {v} is out of range (0 to {MaxInt})")
                : throw new CliException($"{_where}.{key}: expected an integer, got {Describe(n)}");

        public IntTuple IntOrList(string key, int fallback)
        {
            var n = Get(key, false);
            if (n == null) return fallback;
            if (n is YamlSequenceNode seq) return new IntTuple(seq.Select(x => ParseInt(x, key)).ToArray());
            return ParseInt(n, key);
        }

        public double Double(string key, double fallback, bool primary = false)
        {
            var n = Get(key, primary);
            if (n == null) return fallback;
            return n is YamlScalarNode { Value: var s } && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? v : throw new CliException($"{_where}.{key}: expected a number, got {Describe(n)}");
        }

        public bool Bool(string key, bool fallback)
        {
            var n = Get(key, false);
            if (n == null) return fallback;
            return n is YamlScalarNode { Value: var s } && bool.TryParse(s, out bool v)
                ? v : throw new CliException($"{_where}.{key}: expected true or false, got {Describe(n)}");
        }

        public bool IsString(string key) => _map.TryGetValue(key, out var n) && n is YamlScalarNode { Value: var s } && !int.TryParse(s, out _);

        public string String(string key, string fallback) => Get(key, false) is YamlScalarNode { Value: { } s } ? s : fallback;

        public void CheckAllUsed()
        {
            var unknown = _map.Keys.Where(k => !_used.Contains(k)).ToList();
            if (unknown.Count > 0) throw new CliException($"{_where}: unknown argument '{unknown[0]}' (known: {string.Join(", ", _used)})");
            if (_scalar != null && _used.Count == 0) throw new CliException($"{_where}: takes no value, got {Describe(_scalar)}");
        }
    }
}
