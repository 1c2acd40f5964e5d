using Lumen.NN;
using static Lumen.Onnx.Export.ExportGraph;

namespace Lumen.Onnx.Export;

// The layers written from their settings (the ops inside them are not traced): what the zoo and the CLI's model specs
// are built from, and the rest of Lumen's activations, pools, paddings and reshapes.
internal sealed partial class ExportEmitter
{
    /// <summary>Whether <paramref name="m"/> is a layer this exporter writes from its settings; any other module is
    /// traced through (its Forward's ops and submodules are recorded).</summary>
    public static bool Handles(Module m) => m is ConvNd or BatchNormBase or Linear or MaxPoolNd or AvgPoolNd
        or AdaptiveAvgPool1d or AdaptiveAvgPool2d or AdaptiveAvgPool3d or AdaptiveMaxPool1d or AdaptiveMaxPool2d or AdaptiveMaxPool3d
        or ReLU or ReLU6 or LeakyReLU or ELU or SELU or CELU or GELU or SiLU or Sigmoid or Tanh or Hardtanh or Hardsigmoid
        or Hardswish or Softplus or LogSigmoid or Softmax or LogSoftmax or PReLU
        or Dropout or Dropout1d or Dropout2d or Dropout3d or AlphaDropout or Identity or Flatten or Unflatten or Upsample or PadNd;

    /// <summary>Writes layer <paramref name="m"/> (at <paramref name="path"/>) reading value <paramref name="x"/>; returns the
    /// value it produces. <paramref name="input"/> and <paramref name="output"/> are the traced tensors (their shapes).</summary>
    public string EmitModule(string path, Module m, string x, Tensor input, Tensor output)
    {
        string type = m.GetType().Name;
        switch (m)
        {
            case ConvNd conv:
                return Conv(path, conv, x, input);
            case BatchNormBase bn:
            {
                if (bn.RunningMean == null || bn.RunningVar == null)
                    throw Unsupported(path, type, type, "track_running_stats=False normalises with the batch's statistics in eval mode; ONNX's BatchNormalization needs running statistics.");
                if (input.Ndim < 2) throw Unsupported(path, type, type, $"input {input.Shape} has no channel dimension.");
                int c = bn.NumFeatures;
                string scale = bn.Weight != null ? _weight(bn.Weight) : _g.Floats("BatchNorm_weight", Enumerable.Repeat(1f, c).ToArray());
                string shift = bn.Bias != null ? _weight(bn.Bias) : _g.Floats("BatchNorm_bias", new float[c]);
                return _g.Node("BatchNormalization", path, new[] { x, scale, shift, _weight(bn.RunningMean), _weight(bn.RunningVar) },
                    Float("epsilon", (float)bn.Eps), Float("momentum", (float)(1 - (bn.Momentum ?? 0.1))));
            }
            case Linear lin:
            {
                if (input.Ndim == 2)
                {
                    var inputs = new List<string> { x, _weight(lin.Weight) };
                    if (lin.Bias != null) inputs.Add(_weight(lin.Bias));
                    return _g.Node("Gemm", path, inputs, Float("alpha", 1f), Float("beta", 1f), Int("transB", 1));
                }
                var wt = _g.Node("Transpose", path, new[] { _weight(lin.Weight) }, Ints("perm", new[] { 1, 0 }));
                var y = _g.Node("MatMul", path, new[] { x, wt });
                return lin.Bias == null ? y : _g.Node("Add", path, new[] { y, _weight(lin.Bias) });
            }
            case MaxPoolNd mp:
            {
                if (mp.ReturnIndices) throw Unsupported(path, type, type, "return_indices=True.");
                int n = input.Ndim - 2;
                return Pool(path, type, true, x, input, output, Expand(mp.KernelSize, n, "kernel_size", path, type), Expand(mp.Stride, n, "stride", path, type),
                    Expand(mp.Padding, n, "padding", path, type), Expand(mp.Dilation, n, "dilation", path, type), mp.CeilMode, false);
            }
            case AvgPoolNd ap:
            {
                int n = input.Ndim - 2;
                return Pool(path, type, false, x, input, output, Expand(ap.KernelSize, n, "kernel_size", path, type), Expand(ap.Stride, n, "stride", path, type),
                    Expand(ap.Padding, n, "padding", path, type), Enumerable.Repeat(1, n).ToArray(), ap.CeilMode, ap.CountIncludePad);
            }
            case AdaptiveAvgPool1d or AdaptiveAvgPool2d or AdaptiveAvgPool3d or AdaptiveMaxPool1d or AdaptiveMaxPool2d or AdaptiveMaxPool3d:
            {
                bool max = m is AdaptiveMaxPool1d or AdaptiveMaxPool2d or AdaptiveMaxPool3d;
                int n = input.Ndim - 2;
                var o = Enumerable.Range(0, n).Select(i => (int)output.Size(2 + i)).ToArray();
                return AdaptivePool(path, type, max, x, input, o);
            }
            case ReLU: return Unary("Relu", path, x);
            case ReLU6: return Clip(path, x, 0f, 6f);
            case Hardtanh h: return Clip(path, x, h.MinVal, h.MaxVal);
            case LeakyReLU l: return Unary("LeakyRelu", path, x, Float("alpha", l.NegativeSlope));
            case ELU e: return Unary("Elu", path, x, Float("alpha", e.Alpha));
            case CELU c: return Unary("Celu", path, x, Float("alpha", c.Alpha));
            case SELU: return Unary("Selu", path, x);
            case GELU g: return Gelu(path, x, g.Approximate);
            case SiLU: return Silu(path, x);
            case Sigmoid: return Unary("Sigmoid", path, x);
            case Tanh: return Unary("Tanh", path, x);
            case Hardsigmoid: return Unary("HardSigmoid", path, x, Float("alpha", 1f / 6), Float("beta", 0.5f));
            case Hardswish: return HardSwish(path, x);
            case LogSigmoid: return Unary("Log", path, Unary("Sigmoid", path, x));
            case Softplus sp:
                // ONNX's Softplus has no beta or threshold: log(1 + exp(beta·x))/beta; above the threshold PyTorch returns x,
                // which differs from log(1 + exp(x)) by less than exp(−threshold).
                return sp.Beta == 1f ? Unary("Softplus", path, x)
                    : Binary("Div", path, Unary("Softplus", path, Binary("Mul", path, x, _g.Scalar("Softplus_beta", sp.Beta))), _g.Scalar("Softplus_beta", sp.Beta));
            case Softmax sm: return Unary("Softmax", path, x, Int("axis", SoftmaxDim(sm.Dim, input.Ndim)));
            case LogSoftmax lsm: return Unary("LogSoftmax", path, x, Int("axis", SoftmaxDim(lsm.Dim, input.Ndim)));
            case PReLU pr:
            {
                // ONNX broadcasts the slope from the right: shape it [C, 1, …] for an (N, C, …) input.
                var shape = pr.Weight.Numel() == 1 || input.Ndim <= 2 ? new[] { (int)pr.Weight.Numel() }
                    : new[] { (int)pr.Weight.Numel() }.Concat(Enumerable.Repeat(1, input.Ndim - 2)).ToArray();
                return _g.Node("PRelu", path, new[] { x, _g.Initializer(WeightName(pr.Weight), pr.Weight, shape) });
            }
            case Dropout or Dropout1d or Dropout2d or Dropout3d or AlphaDropout or Identity:
                return x;   // eval mode: the identity
            case Flatten f: return FlattenDims(path, x, input, output, f.StartDim, f.EndDim);
            case Unflatten: return Reshape(path, x, input, output);
            case Upsample u: return Interpolate(path, type, x, input, output, u.ScaleFactor, u.Mode, u.AlignCorners, u.RecomputeScaleFactor);
            case PadNd pad:
            {
                // F.pad's order: (left, right) of the last dimension first.
                var p = pad.Padding.ToArray();
                int n = p.Length / 2;
                var spatial = new int[2 * n];
                for (int i = 0; i < n; i++) { spatial[n - 1 - i] = p[2 * i]; spatial[2 * n - 1 - i] = p[2 * i + 1]; }
                if (spatial.Any(v => v < 0)) throw Unsupported(path, type, type, "negative padding (cropping).");
                string mode = pad.Mode switch
                {
                    "constant" => "constant",
                    "reflect" => "reflect",
                    "replicate" => "edge",
                    _ => throw Unsupported(path, type, type, $"padding mode '{pad.Mode}' has no ONNX Pad mode before opset 19."),
                };
                return Pad(path, x, input.Ndim, spatial, mode, pad.Value);
            }
            default:
                throw Unsupported(path, type, type, "this layer has no ONNX export.");
        }
    }

    /// <summary>The state-dict name the weight resolver gave <paramref name="t"/> (for an initializer stored reshaped).</summary>
    private string WeightName(Tensor t) => WeightNames.TryGetValue(t, out var n) ? n : "weight";

    /// <summary>State-dict names of the model's parameters and buffers, for initializers stored in another shape.</summary>
    public Dictionary<Tensor, string> WeightNames { get; } = new(ReferenceEqualityComparer.Instance);
}
