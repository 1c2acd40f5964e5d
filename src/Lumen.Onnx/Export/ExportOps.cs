using Lumen.NN;
using Lumen.Tracing;
using static Lumen.Onnx.Export.ExportGraph;

namespace Lumen.Onnx.Export;

// The tensor ops that Forward code calls between modules (a residual x + identity, x.View(-1, n), F.MaxPool2d(x, 2), …),
// as Lumen.Tracing reports them.
internal sealed partial class ExportEmitter
{
    /// <summary>Writes traced op <paramref name="op"/>, run inside module <paramref name="path"/> of type
    /// <paramref name="type"/>, reading the values <paramref name="inputs"/>; returns the value it produces.</summary>
    public string EmitOp(TracedOp op, string path, string type, IReadOnlyList<string> inputs)
    {
        var input = op.Inputs[0];
        string x = inputs[0];
        switch (op.Name)
        {
            case "add" or "add_" or "sub":
            {
                string b = inputs[1];
                float alpha = op.Get<float>("alpha");
                if (alpha != 1f) b = Binary("Mul", path, b, _g.Scalar("alpha", alpha));
                return Binary(op.Name == "sub" ? "Sub" : "Add", path, x, b);
            }
            case "mul" or "div":
                return Binary(op.Name == "mul" ? "Mul" : "Div", path, x,
                    inputs.Count > 1 ? inputs[1] : _g.Scalar(op.Name == "mul" ? "Mul_other" : "Div_other", op.Get<float>("other")));
            case "relu" or "relu_": return Unary("Relu", path, x);
            case "sigmoid": return Unary("Sigmoid", path, x);
            case "tanh": return Unary("Tanh", path, x);
            case "silu": return Silu(path, x);
            case "view" or "reshape": return Reshape(path, x, input, op.Output);
            case "flatten": return FlattenDims(path, x, input, op.Output, op.Get<int>("start_dim"), op.Get<int>("end_dim"));
            case "cat":
            {
                int dim = op.Get<int>("dim");
                if (dim < 0) dim += op.Output.Ndim;
                return _g.Node("Concat", path, inputs, Int("axis", dim));
            }
            case "max_pool1d" or "max_pool2d" or "max_pool3d" or "avg_pool1d" or "avg_pool2d" or "avg_pool3d":
            {
                bool max = op.Name.StartsWith("max", StringComparison.Ordinal);
                int n = op.Name[^2] - '0';
                if (!max && op.Attributes["divisor_override"] is int dv)
                    throw Unsupported(path, type, op.Name, $"divisor_override={dv} has no ONNX AveragePool equivalent.");
                var d = max ? Expand(op.Get<PoolSize>("dilation"), n, "dilation", path, type) : Enumerable.Repeat(1, n).ToArray();
                return Pool(path, type, max, x, input, op.Output, Expand(op.Get<PoolSize>("kernel_size"), n, "kernel_size", path, type),
                    Expand(op.Get<PoolSize>("stride"), n, "stride", path, type), Expand(op.Get<PoolSize>("padding"), n, "padding", path, type), d,
                    op.Get<bool>("ceil_mode"), !max && op.Get<bool>("count_include_pad"));
            }
            case "adaptive_avg_pool1d" or "adaptive_avg_pool2d" or "adaptive_avg_pool3d":
            {
                int n = op.Name[^2] - '0';
                return AdaptivePool(path, type, false, x, input, Enumerable.Range(0, n).Select(i => (int)op.Output.Size(op.Output.Ndim - n + i)).ToArray());
            }
            case "dropout" or "dropout1d" or "dropout2d" or "dropout3d" or "alpha_dropout":
                if (op.Get<bool>("training") && op.Get<double>("p") > 0)
                    throw Unsupported(path, type, op.Name, $"{op.Name} with training=true in eval mode; pass training: Training (or use a Dropout module).");
                return x;
            case "interpolate":
                return Interpolate(path, type, x, input, op.Output, (ScaleFactor?)op.Attributes["scale_factor"], op.Get<string>("mode"),
                    (bool?)op.Attributes["align_corners"], (bool?)op.Attributes["recompute_scale_factor"]);
            default:
                throw Unsupported(path, type, op.Name, $"the op '{op.Name}' has no ONNX export.");
        }
    }
}
