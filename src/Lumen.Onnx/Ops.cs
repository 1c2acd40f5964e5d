namespace Lumen.Onnx;

/// <summary>
/// The ONNX operators Lumen imports, each compiled once per node: attributes are read and checked at load time, and
/// the returned <see cref="OpFn"/> runs Lumen's (differentiable) tensor ops, so an imported graph trains like any
/// module. Where an operator's arguments moved between opsets (Reshape's shape, Unsqueeze's axes, Pad's pads, Clip's
/// bounds, Split's sizes, Dropout's ratio, Upsample's scales), both places are read.
/// </summary>
internal static partial class Ops
{
    private static readonly Dictionary<string, Func<ImportNode, OpFn>> Table = new()
    {
        ["Conv"] = Conv, ["ConvTranspose"] = ConvTranspose,
        ["MaxPool"] = MaxPool, ["AveragePool"] = AveragePool,
        ["GlobalAveragePool"] = n => Unary(x => x.Mean(SpatialDims(x), keepDim: true)),
        ["GlobalMaxPool"] = n => Unary(x => x.Amax(SpatialDims(x), keepDim: true)),
        ["BatchNormalization"] = BatchNormalization,
        ["Relu"] = n => Unary(x => x.Relu()),
        ["LeakyRelu"] = n => { float a = n.Float("alpha", 0.01f); return Unary(x => x.LeakyRelu(a)); },
        ["Sigmoid"] = n => Unary(x => x.Sigmoid()),
        ["Tanh"] = n => Unary(x => x.Tanh()),
        ["Elu"] = n => { float a = n.Float("alpha", 1f); return Unary(x => x.Elu(a)); },
        ["Selu"] = Selu,
        ["Softplus"] = n => Unary(x => x.Softplus()),
        ["Softsign"] = n => Unary(x => x.Div(x.Abs().Add(1f))),
        ["HardSigmoid"] = n => { float a = n.Float("alpha", 0.2f), b = n.Float("beta", 0.5f); return Unary(x => x.Mul(a).Add(b).Clamp(0f, 1f)); },
        ["HardSwish"] = n => Unary(x => x.Hardswish()),
        ["PRelu"] = n => Binary((x, slope) => x.Relu().Add(x.Clamp(max: 0f).Mul(slope))),
        ["Clip"] = Clip,
        ["Exp"] = n => Unary(x => x.Exp()), ["Log"] = n => Unary(x => x.Log()), ["Sqrt"] = n => Unary(x => x.Sqrt()),
        ["Neg"] = n => Unary(x => x.Neg()), ["Abs"] = n => Unary(x => x.Abs()), ["Reciprocal"] = n => Unary(x => x.Reciprocal()),
        ["Softmax"] = n => SoftmaxOp(n, log: false), ["LogSoftmax"] = n => SoftmaxOp(n, log: true),
        ["Add"] = n => Binary((a, b) => a.Add(b)), ["Sub"] = n => Binary((a, b) => a.Sub(b)),
        ["Mul"] = n => Binary((a, b) => a.Mul(b)), ["Div"] = n => Binary((a, b) => a.Div(b)),
        ["Pow"] = n => Binary((a, b) => a.Pow(b)),
        ["Sum"] = n => Variadic((a, b) => a.Add(b)), ["Max"] = n => Variadic((a, b) => a.Maximum(b)),
        ["Min"] = n => Variadic((a, b) => a.Minimum(b)),
        ["Gemm"] = Gemm, ["MatMul"] = n => Binary((a, b) => a.Matmul(b)),
        ["Flatten"] = Flatten, ["Reshape"] = Reshape, ["Concat"] = Concat, ["Transpose"] = Transpose,
        ["Shape"] = ShapeOp, ["Gather"] = Gather, ["Unsqueeze"] = Unsqueeze, ["Squeeze"] = Squeeze,
        ["Cast"] = Cast, ["Constant"] = Constant, ["Identity"] = n => Unary(x => x), ["Dropout"] = Dropout,
        ["Pad"] = Pad, ["Split"] = Split, ["Slice"] = Slice,
        ["ReduceMean"] = n => Reduce(n, (x, axes, keep) => x.Mean(axes, keep)),
        ["ReduceSum"] = n => Reduce(n, (x, axes, keep) => x.Sum(axes, keep)),
        ["Resize"] = Resize, ["Upsample"] = Resize,
    };

    /// <summary>The operator types the importer knows, for docs and errors.</summary>
    public static IEnumerable<string> Supported => Table.Keys.Order(StringComparer.Ordinal);

    /// <summary>Compiles <paramref name="node"/>, or returns null when its op_type (in the default domain) is unknown.
    /// Throws <see cref="OnnxImportException"/> for bad attributes and <see cref="OnnxUnsupportedOperatorException"/> for
    /// a known operator used in a mode Lumen lacks.</summary>
    public static OpFn? Compile(ImportNode node)
    {
        if (node.Proto.Domain is not ("" or "ai.onnx")) return null;
        return Table.TryGetValue(node.OpType, out var make) ? make(node) : null;
    }

    // ------------------------------------------------------------------ small helpers shared by the op files

    private static OpFn Unary(Func<Tensor, Tensor> f) => (x, _) => new Tensor?[] { f(x[0]!) };

    private static OpFn Binary(Func<Tensor, Tensor, Tensor> f) => (x, _) => new Tensor?[] { f(x[0]!, x[1]!) };

    private static OpFn Variadic(Func<Tensor, Tensor, Tensor> f) => (x, _) => new Tensor?[] { x.Select(t => t!).Aggregate(f) };

    private static int[] SpatialDims(Tensor x) => Enumerable.Range(2, Math.Max(0, x.Ndim - 2)).ToArray();

    /// <summary>The values of a small integer tensor (a shape, axes, pads), as ONNX passes them between nodes.</summary>
    internal static long[] Longs(Tensor t) =>
        t.DType == DType.Int64 ? t.ToArray<long>() : t.Float().ToArray().Select(v => (long)v).ToArray();

    internal static int ToInt(long v, ImportNode n, string what) =>
        v is < int.MinValue or > int.MaxValue ? throw new ArgumentException($"{n.Describe()}: {what} {v} is out of range.") : (int)v;

    /// <summary>A possibly negative axis of a rank-<paramref name="rank"/> tensor, normalised.</summary>
    internal static int Axis(long axis, int rank, ImportNode n)
    {
        if (axis < -rank || axis >= Math.Max(rank, 1) && !(rank == 0 && axis == 0))
            throw new ArgumentException($"{n.Describe()}: axis {axis} is out of range for a rank-{rank} input.");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>The input at <paramref name="i"/> as integers when given, else the ints attribute <paramref name="attr"/>
    /// (where older opsets kept it), else null.</summary>
    private static long[]? InputOrAttribute(Tensor?[] inputs, int i, ImportNode n, string attr)
    {
        if (i < inputs.Length && inputs[i] is { } t) return Longs(t);
        return n.Ints(attr);
    }
}
