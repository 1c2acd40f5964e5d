using Lumen.NN;
using Lumen.Onnx.Protobuf;
using static Lumen.Onnx.Export.ExportGraph;

namespace Lumen.Onnx.Export;

/// <summary>
/// Writes ONNX nodes for Lumen's layers (<c>ExportModules.cs</c>) and for the tensor ops user code calls between them
/// (<c>ExportOps.cs</c>); the building blocks both share are here: convolution, pooling, reshapes, resizes and the
/// activations, each checked to compute exactly what Lumen computes (a configuration ONNX expresses differently is an
/// <see cref="OnnxExportException"/>, never a silently different graph).
/// </summary>
internal sealed partial class ExportEmitter
{
    private readonly ExportGraph _g;
    private readonly Func<Tensor, string> _weight;

    /// <param name="graph">Where the nodes go.</param>
    /// <param name="weight">The initializer name of a parameter or buffer of the model (created on first use).</param>
    /// <param name="dynamicBatch">Dimension 0 of the input is a symbolic batch: reshapes keep it symbolic.</param>
    public ExportEmitter(ExportGraph graph, Func<Tensor, string> weight, bool dynamicBatch)
    {
        _g = graph;
        _weight = weight;
        DynamicBatch = dynamicBatch;
    }

    /// <summary>Whether dimension 0 is exported as a symbolic batch.</summary>
    public bool DynamicBatch { get; }

    private static OnnxExportException Unsupported(string path, string type, string op, string problem) => new(path, type, op, problem);

    private static int[] Expand(PoolSize p, int n, string what, string path, string type)
    {
        if (!p.IsTuple) return Enumerable.Repeat(p.Values[0], n).ToArray();
        if (p.Values.Count != n) throw Unsupported(path, type, type, $"{what} has {p.Values.Count} values for {n} spatial dimensions.");
        return p.Values.ToArray();
    }

    // ------------------------------------------------------------------ convolution

    /// <summary>Conv / ConvTranspose for a <see cref="ConvNd"/>; a non-zero padding mode becomes a Pad node first.</summary>
    private string Conv(string path, ConvNd m, string x, Tensor input)
    {
        string type = m.GetType().Name;
        int n = m.SpatialDims;
        if (input.Ndim != n + 2) throw Unsupported(path, type, type, $"an unbatched input {input.Shape} cannot have a batch dimension in ONNX; give ({string.Join(", ", new[] { "N", "C" }.Concat(Enumerable.Repeat("…", n)))}).");
        var k = m.KernelSize.ToArray();
        var d = m.Dilation.ToArray();
        int[] pads;
        if (m.Padding.IsSame)
        {
            // PyTorch pads 'same' with total = dilation·(kernel − 1), the smaller half before.
            pads = new int[2 * n];
            for (int i = 0; i < n; i++) { int total = d[i] * (k[i] - 1); pads[i] = total / 2; pads[n + i] = total - total / 2; }
        }
        else if (m.Padding.IsValid) pads = new int[2 * n];
        else
        {
            var p = m.Padding.Values.Expand(n, 0, "padding", type);
            pads = p.Concat(p).ToArray();
        }
        if (m.PaddingMode != "zeros")
        {
            if (m.Transposed) throw Unsupported(path, type, type, $"padding_mode '{m.PaddingMode}' with a transposed convolution.");
            string mode = m.PaddingMode switch
            {
                "reflect" => "reflect",
                "replicate" => "edge",
                _ => throw Unsupported(path, type, type, $"padding_mode '{m.PaddingMode}' has no ONNX Pad mode before opset 19."),
            };
            x = Pad(path, x, input.Ndim, pads, mode, 0f);
            pads = new int[2 * n];
        }
        var inputs = new List<string> { x, _weight(m.Weight) };
        if (m.Bias != null) inputs.Add(_weight(m.Bias));
        var attrs = new List<AttributeProto>
        {
            Ints("dilations", d), Int("group", m.Groups), Ints("kernel_shape", k), Ints("pads", pads), Ints("strides", m.Stride.ToArray()),
        };
        if (m.Transposed) attrs.Insert(3, Ints("output_padding", m.OutputPadding.ToArray()));
        return _g.Node(m.Transposed ? "ConvTranspose" : "Conv", path, inputs, attrs.ToArray());
    }

    /// <summary>A Pad node; <paramref name="spatialPads"/> lists the begins then the ends of the last dimensions.</summary>
    private string Pad(string path, string x, int rank, int[] spatialPads, string mode, float value)
    {
        int n = spatialPads.Length / 2, lead = rank - n;
        var pads = new long[2 * rank];
        for (int i = 0; i < n; i++) { pads[lead + i] = spatialPads[i]; pads[rank + lead + i] = spatialPads[n + i]; }
        var inputs = new List<string> { x, _g.Int64s("Pad", pads) };
        if (mode == "constant") inputs.Add(_g.Scalar("Pad_value", value));
        return _g.Node("Pad", path, inputs, String("mode", mode));
    }

    // ------------------------------------------------------------------ pooling

    /// <summary>MaxPool / AveragePool. ONNX sizes a ceil-mode output without PyTorch's rule that drops a last window
    /// starting in the right padding: where the two differ the export is refused.</summary>
    private string Pool(string path, string type, bool max, string x, Tensor input, Tensor output, int[] k, int[] s, int[] p, int[] d,
                        bool ceil, bool countIncludePad)
    {
        int n = k.Length;
        if (input.Ndim != n + 2) throw Unsupported(path, type, type, $"an unbatched input {input.Shape} cannot have a batch dimension in ONNX.");
        for (int i = 0; i < n; i++)
        {
            double span = (input.Size(2 + i) + 2.0 * p[i] - d[i] * (k[i] - 1) - 1) / s[i];
            long onnx = (long)(ceil ? Math.Ceiling(span) : Math.Floor(span)) + 1;
            if (onnx != output.Size(2 + i))
                throw Unsupported(path, type, type, $"ceil_mode pooling of size {input.Size(2 + i)} (kernel {k[i]}, stride {s[i]}, padding {p[i]}) gives {output.Size(2 + i)} " +
                                                    $"outputs in PyTorch and {onnx} in ONNX (PyTorch drops a last window that starts in the padding).");
        }
        var attrs = new List<AttributeProto> { Int("ceil_mode", ceil ? 1 : 0) };
        if (!max) attrs.Add(Int("count_include_pad", countIncludePad ? 1 : 0));
        if (max) attrs.Add(Ints("dilations", d));
        attrs.Add(Ints("kernel_shape", k));
        attrs.Add(Ints("pads", p.Concat(p)));
        attrs.Add(Ints("strides", s));
        return _g.Node(max ? "MaxPool" : "AveragePool", path, new[] { x }, attrs.ToArray());
    }

    /// <summary>Adaptive pooling with static spatial sizes: a global pool for output 1, a fixed-window pool where each
    /// input size is a multiple of its output size, a nearest-neighbour repeat where each output size is a multiple of
    /// its input size (every window then holds one element), and an error otherwise (ONNX has no adaptive pooling).</summary>
    private string AdaptivePool(string path, string type, bool max, string x, Tensor input, int[] o)
    {
        int n = o.Length;
        if (input.Ndim != n + 2) throw Unsupported(path, type, type, $"an unbatched input {input.Shape} cannot have a batch dimension in ONNX.");
        var inSize = Enumerable.Range(0, n).Select(i => (int)input.Size(2 + i)).ToArray();
        if (o.All(v => v == 1)) return _g.Node(max ? "GlobalMaxPool" : "GlobalAveragePool", path, new[] { x });
        if (inSize.Zip(o).All(t => t.First % t.Second == 0))
        {
            var k = inSize.Zip(o).Select(t => t.First / t.Second).ToArray();
            var attrs = new List<AttributeProto> { Int("ceil_mode", 0) };
            if (!max) attrs.Add(Int("count_include_pad", 0));
            attrs.Add(Ints("kernel_shape", k));
            attrs.Add(Ints("pads", new int[2 * n]));
            attrs.Add(Ints("strides", k));
            return _g.Node(max ? "MaxPool" : "AveragePool", path, new[] { x }, attrs.ToArray());
        }
        if (o.Zip(inSize).All(t => t.First % t.Second == 0))
            return NearestRepeat(path, x, input.Ndim, o.Zip(inSize).Select(t => (double)(t.First / t.Second)).ToArray());
        throw Unsupported(path, type, type, $"adaptive pooling from {string.Join("x", inSize)} to {string.Join("x", o)}: ONNX has no adaptive pooling, " +
                                            "and these sizes are neither a fixed window (input a multiple of output) nor a repeat (output a multiple of input).");
    }

    private string NearestRepeat(string path, string x, int rank, double[] scales) =>
        Resize(path, x, rank, scales, "nearest", "asymmetric", "floor");

    private string Resize(string path, string x, int rank, double[] spatialScales, string mode, string coordinates, string? nearestMode)
    {
        var scales = new float[rank];
        for (int i = 0; i < rank; i++) scales[i] = i < rank - spatialScales.Length ? 1f : (float)spatialScales[i - (rank - spatialScales.Length)];
        var attrs = new List<AttributeProto> { String("coordinate_transformation_mode", coordinates), String("mode", mode) };
        if (nearestMode != null) attrs.Add(String("nearest_mode", nearestMode));
        return _g.Node("Resize", path, new[] { x, "", _g.Floats("Resize_scales", scales) }, attrs.ToArray());
    }

    /// <summary>F.interpolate / nn.Upsample as Resize with PyTorch's coordinate rules: nearest is "asymmetric" + floor,
    /// nearest-exact "half_pixel" + round half up, (bi/tri)linear "pytorch_half_pixel" or "align_corners".</summary>
    private string Interpolate(string path, string type, string x, Tensor input, Tensor output, ScaleFactor? scale, string mode,
                               bool? alignCorners, bool? recompute)
    {
        int n = input.Ndim - 2;
        var scales = new double[n];
        for (int i = 0; i < n; i++)
        {
            // PyTorch maps output o to input o / scale with the given factor, or with in / out when a size was given or
            // recomputeScaleFactor is set; Resize's scales give the same factor.
            scales[i] = scale is { } sf && recompute != true ? (sf.IsTuple ? sf.Values[i] : sf.Values[0]) : (double)output.Size(2 + i) / input.Size(2 + i);
            if (Math.Floor(input.Size(2 + i) * (float)scales[i]) != output.Size(2 + i))
                throw Unsupported(path, type, "interpolate", $"resizing {input.Size(2 + i)} by {scales[i]} gives {output.Size(2 + i)} in Lumen but another size in ONNX.");
        }
        return mode switch
        {
            "nearest" => Resize(path, x, input.Ndim, scales, "nearest", "asymmetric", "floor"),
            "nearest-exact" => Resize(path, x, input.Ndim, scales, "nearest", "half_pixel", "round_prefer_ceil"),
            "linear" or "bilinear" or "trilinear" => Resize(path, x, input.Ndim, scales, "linear", alignCorners == true ? "align_corners" : "pytorch_half_pixel", null),
            _ => throw Unsupported(path, type, "interpolate", $"interpolation mode '{mode}'."),
        };
    }

    // ------------------------------------------------------------------ shapes

    /// <summary>The Reshape to <paramref name="output"/>'s shape: with a symbolic batch, 0 ("keep") where
    /// the output keeps dimension 0, else −1 at dimension 0 (the batch folded into it); static elsewhere.</summary>
    private string Reshape(string path, string x, Tensor input, Tensor output)
    {
        var shape = output.Shape.ToArray().Select(v => (long)v).ToArray();
        if (DynamicBatch && shape.Length > 0)
            shape[0] = input.Ndim > 0 && output.Size(0) == input.Size(0) ? 0 : -1;
        return _g.Node("Reshape", path, new[] { x, _g.Int64s("Reshape", shape) });
    }

    /// <summary>flatten(start, end): ONNX Flatten when the rest of the dimensions is merged into dimension 1.</summary>
    private string FlattenDims(string path, string x, Tensor input, Tensor output, int start, int end)
    {
        int r = Math.Max(input.Ndim, 1);
        int s = start < 0 ? start + r : start, e = end < 0 ? end + r : end;
        if (s == 1 && e == input.Ndim - 1 && input.Ndim >= 2) return _g.Node("Flatten", path, new[] { x }, Int("axis", 1));
        if (s == e) return x;
        return Reshape(path, x, input, output);
    }

    // ------------------------------------------------------------------ activations

    private string Unary(string op, string path, string x, params AttributeProto[] attrs) => _g.Node(op, path, new[] { x }, attrs);

    private string Binary(string op, string path, string a, string b) => _g.Node(op, path, new[] { a, b });

    private string Clip(string path, string x, float min, float max) =>
        _g.Node("Clip", path, new[] { x, _g.Scalar("Clip_min", min), _g.Scalar("Clip_max", max) });

    private string Silu(string path, string x) => Binary("Mul", path, x, Unary("Sigmoid", path, x));

    /// <summary>GELU from Erf (exact) or Tanh (approximate = "tanh"), as ONNX has no Gelu before opset 20.</summary>
    private string Gelu(string path, string x, string approximate)
    {
        if (approximate == "tanh")
        {
            // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
            var cube = Binary("Mul", path, Binary("Mul", path, x, x), x);
            var inner = Binary("Add", path, x, Binary("Mul", path, cube, _g.Scalar("Gelu_c", 0.044715f)));
            var t = Unary("Tanh", path, Binary("Mul", path, inner, _g.Scalar("Gelu_k", (float)Math.Sqrt(2 / Math.PI))));
            return Binary("Mul", path, Binary("Mul", path, x, _g.Scalar("Gelu_half", 0.5f)), Binary("Add", path, t, _g.Scalar("Gelu_one", 1f)));
        }
        // 0.5·x·(1 + erf(x / √2))
        var erf = Unary("Erf", path, Binary("Div", path, x, _g.Scalar("Gelu_sqrt2", (float)Math.Sqrt(2))));
        return Binary("Mul", path, Binary("Mul", path, x, Binary("Add", path, erf, _g.Scalar("Gelu_one", 1f))), _g.Scalar("Gelu_half", 0.5f));
    }

    private string HardSwish(string path, string x) => _g.Opset >= 14
        ? Unary("HardSwish", path, x)
        : Binary("Mul", path, x, Unary("HardSigmoid", path, x, Float("alpha", 1f / 6), Float("beta", 0.5f)));

    private static int SoftmaxDim(int? dim, int rank)
    {
        int d = dim ?? (rank is 0 or 1 or 3 ? 0 : 1);
        return d < 0 ? d + rank : d;
    }
}
