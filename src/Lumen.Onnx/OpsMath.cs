using Lumen.NN;

namespace Lumen.Onnx;

// BatchNormalization, Gemm, and the activations whose attributes need more than a line.
internal static partial class Ops
{
    /// <summary>
    /// BatchNormalization(X, scale, B, mean, var). Eval mode normalises by the running statistics; training mode by the
    /// batch's, updating the running ones in place as PyTorch does. ONNX's momentum weighs the OLD running value
    /// (running = running·momentum + batch·(1 − momentum)), PyTorch's the new one, so PyTorch's is 1 − ONNX's.
    /// Opsets 7 and 8 have <c>spatial</c> (default 1: one statistic per channel); spatial = 0 (per element) is
    /// supported only where the two agree, on (N, C) inputs.
    /// </summary>
    private static OpFn BatchNormalization(ImportNode n)
    {
        double eps = n.Float("epsilon", 1e-5f);
        double momentum = 1.0 - n.Float("momentum", 0.9f);
        bool spatial = n.Opset >= 9 || n.Int("spatial", 1) != 0;
        if (n.Has("is_test") || n.Has("consumed_inputs")) throw n.Unsupported("attributes of BatchNormalization before opset 7 are not supported");
        for (int i = 1; i < n.Proto.Output.Count; i++)
            if (n.HasOutput(i)) throw n.Unsupported($"output {i} ('{n.Proto.Output[i]}', a statistic of training mode) is not supported; export the model in eval mode");
        return (x, ctx) =>
        {
            var input = x[0]!;
            if (!spatial && input.Ndim != 2)
                throw new ArgumentException($"{n.Describe()}: spatial = 0 (statistics per element) on a rank-{input.Ndim} input is not supported.");
            return new Tensor?[] { F.BatchNorm(input, x[3], x[4], x[1], x[2], training: ctx.Training, momentum: momentum, eps: eps) };
        };
    }

    /// <summary>Gemm: alpha·A'·B' + beta·C. The common Linear form (transB = 1, alpha = beta = 1, C a vector) runs
    /// F.Linear, whose weight is (out, in) like B.</summary>
    private static OpFn Gemm(ImportNode n)
    {
        float alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        bool transA = n.Int("transA", 0) != 0, transB = n.Int("transB", 0) != 0;
        if (n.Has("broadcast")) throw n.Unsupported("the 'broadcast' attribute of Gemm before opset 7 is not supported");
        return (x, _) =>
        {
            Tensor a = x[0]!, b = x[1]!;
            Tensor? c = x.Length > 2 ? x[2] : null;
            if (a.Ndim != 2 || b.Ndim != 2) throw new ShapeMismatchException($"{n.Describe()}: A and B must be matrices, got {a.Shape} and {b.Shape}.");
            if (!transA && transB && alpha == 1f && beta == 1f && (c == null || c.Ndim == 1))
                return new Tensor?[] { F.Linear(a, b, c) };
            var y = (transA ? a.T() : a).Matmul(transB ? b.T() : b);
            if (alpha != 1f) y = y.Mul(alpha);
            if (c != null) y = y.Add(beta == 1f ? c : c.Mul(beta));
            return new Tensor?[] { y };
        };
    }

    private static OpFn Selu(ImportNode n)
    {
        const float torchAlpha = 1.6732632423543772848170429916717f, torchGamma = 1.0507009873554804934193349852946f;
        float alpha = n.Float("alpha", torchAlpha), gamma = n.Float("gamma", torchGamma);
        if (alpha == torchAlpha && gamma == torchGamma) return Unary(x => x.Selu());
        return Unary(x => x.Elu(alpha).Mul(gamma));
    }

    /// <summary>Clip: bounds are attributes before opset 11, optional scalar inputs from 11.</summary>
    private static OpFn Clip(ImportNode n)
    {
        if (n.Opset < 11)
        {
            float lo = n.Float("min", float.NegativeInfinity), hi = n.Float("max", float.PositiveInfinity);
            return Unary(x => x.Clamp(float.IsNegativeInfinity(lo) ? null : lo, float.IsPositiveInfinity(hi) ? null : hi));
        }
        return (x, _) =>
        {
            float? lo = x.Length > 1 && x[1] is { } a ? a.Float().Item() : null;
            float? hi = x.Length > 2 && x[2] is { } b ? b.Float().Item() : null;
            return new Tensor?[] { x[0]!.Clamp(lo, hi) };
        };
    }

    /// <summary>Softmax/LogSoftmax: from opset 13 over one axis (default −1); before, over the input flattened to 2-d at
    /// axis (default 1), which for the usual last axis is the same.</summary>
    private static OpFn SoftmaxOp(ImportNode n, bool log)
    {
        long axisAttr = n.Int("axis", n.Opset >= 13 ? -1 : 1);
        return (x, _) =>
        {
            var input = x[0]!;
            int axis = Axis(axisAttr, input.Ndim, n);
            if (n.Opset >= 13 || axis == input.Ndim - 1)
                return new Tensor?[] { log ? input.LogSoftmax(axis) : input.Softmax(axis) };
            var shape = input.Shape.ToArray();
            int outer = shape[..axis].Aggregate(1, (p, v) => p * v);
            var flat = input.Reshape(outer, -1);
            return new Tensor?[] { (log ? flat.LogSoftmax(1) : flat.Softmax(1)).Reshape(shape) };
        };
    }

    /// <summary>ReduceMean/ReduceSum with axes as an attribute (or, for ReduceSum from opset 13, an input); no axes
    /// reduce everything.</summary>
    private static OpFn Reduce(ImportNode n, Func<Tensor, int[], bool, Tensor> reduce)
    {
        bool keep = n.Int("keepdims", 1) != 0;
        bool noopWhenEmpty = n.Int("noop_with_empty_axes", 0) != 0;
        return (x, _) =>
        {
            var input = x[0]!;
            var axes = InputOrAttribute(x, 1, n, "axes");
            if (axes == null || axes.Length == 0)
            {
                if (noopWhenEmpty) return new Tensor?[] { input };
                axes = Enumerable.Range(0, input.Ndim).Select(i => (long)i).ToArray();
            }
            return new Tensor?[] { reduce(input, axes.Select(a => Axis(a, input.Ndim, n)).ToArray(), keep) };
        };
    }
}
