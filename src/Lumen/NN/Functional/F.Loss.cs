using Lumen.Autograd;
using Lumen.Kernels;
using Kind = Lumen.Kernels.LossKernels.Pointwise;

namespace Lumen.NN;

/// <summary>
/// The functional API, PyTorch's <c>torch.nn.functional</c> (<c>F.cross_entropy(input, target)</c> reads
/// <c>F.CrossEntropy(input, target)</c>). Each family of functions lives in its own file F.&lt;Family&gt;.cs; the
/// modules call these.
/// </summary>
public static partial class F
{
    // Losses. Every one takes `reduction` ("mean" by default, "sum" or "none"; see Reduction) and records PyTorch's grad_fn
    // name for that call, so `loss.GradFn.Name` reads as PyTorch prints it.

    // ------------------------------------------------------------------ regression

    /// <summary>Mean squared error (x − y)², PyTorch's <c>F.mse_loss</c> (grad_fn MseLossBackward0). input and target are
    /// broadcast together (PyTorch warns when their shapes differ; the result is the same); "none" returns the broadcast
    /// shape, "mean"/"sum" a 0-d tensor. Differentiable w.r.t. both input and target.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = default) =>
        Pointwise("MSELoss", "MseLossBackward0", Kind.Mse, input, target, null, null, 0f, reduction.Plain("MSELoss"), broadcast: true);

    /// <summary>Mean absolute error |x − y|, PyTorch's <c>F.l1_loss</c>: as in PyTorch 1.13 it is (input − target).abs()
    /// then the reduction (grad_fn MeanBackward0 / SumBackward0 / AbsBackward0). Broadcasts like <see cref="MseLoss"/>.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = default)
    {
        reduction = reduction.Plain("L1Loss");
        CheckFloat("L1Loss", input, target);
        var d = input.Sub(target).Abs();
        return reduction.IsNone ? d : reduction.IsSum ? d.Sum() : d.Mean();
    }

    /// <summary>Smooth L1: 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β (d = x − y), PyTorch's <c>F.smooth_l1_loss</c>
    /// (grad_fn SmoothL1LossBackward0). β = 0 is plain L1. Broadcasts like <see cref="MseLoss"/>.</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = default, double beta = 1)
    {
        if (!(beta >= 0)) throw new ArgumentException($"SmoothL1Loss: beta must be non-negative, got {beta} (PyTorch: smooth_l1_loss does not support negative values for beta).");
        return Pointwise("SmoothL1Loss", "SmoothL1LossBackward0", Kind.SmoothL1, input, target, null, null, (float)beta,
                         reduction.Plain("SmoothL1Loss"), broadcast: true);
    }

    /// <summary>Huber: 0.5·d² where |d| &lt; δ, else δ·(|d| − 0.5·δ), PyTorch's <c>F.huber_loss</c> (grad_fn
    /// HuberLossBackward0). δ must be positive. Broadcasts like <see cref="MseLoss"/>.</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = default, double delta = 1)
    {
        if (!(delta > 0)) throw new ArgumentException($"HuberLoss: delta must be positive, got {delta} (PyTorch: huber_loss does not support non-positive values for delta).");
        return Pointwise("HuberLoss", "HuberLossBackward0", Kind.Huber, input, target, null, null, (float)delta,
                         reduction.Plain("HuberLoss"), broadcast: true);
    }

    // ------------------------------------------------------------------ binary classification

    /// <summary>Binary cross-entropy −w·(y·log x + (1 − y)·log(1 − x)) on probabilities x ∈ [0, 1], PyTorch's
    /// <c>F.binary_cross_entropy</c> (grad_fn BinaryCrossEntropyBackward0). Each log is clamped at −100, as PyTorch does,
    /// so x = 0 or 1 gives a finite loss. input and target must have the same shape; <paramref name="weight"/> broadcasts
    /// to it. Differentiable w.r.t. input and target (not weight).</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = default)
    {
        CheckFloat("BCELoss", input, target);
        var (xd, xo) = input.ContiguousF32();
        for (int i = 0, n = input.Numel(); i < n; i++)
        {
            float v = xd[xo + i];
            if (!(v >= 0 && v <= 1))
                throw new ArgumentException($"BCELoss: all elements of input should be between 0 and 1, found {v} at flat index {i} " +
                                            $"(input {input.Shape}); apply Sigmoid() first or use BCEWithLogitsLoss.");
        }
        return Pointwise("BCELoss", "BinaryCrossEntropyBackward0", Kind.Bce, input, target, weight, null, 0f,
                         reduction.Plain("BCELoss"), broadcast: false);
    }

    /// <summary>Sigmoid + binary cross-entropy in one numerically stable formula on logits x, PyTorch's
    /// <c>F.binary_cross_entropy_with_logits</c> (grad_fn BinaryCrossEntropyWithLogitsBackward0):
    /// w·[(1 − y)·x + (1 + (p − 1)·y)·log(1 + exp(−x))] with p = <paramref name="posWeight"/> (broadcast along the last
    /// dimension: one per class, e.g. [C] for input [N, C]); log(1 + exp(−x)) is evaluated as max(−x, 0) + log1p(exp(−|x|)),
    /// so logits of ±100 neither overflow nor lose the loss. input and target must have the same shape.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = default,
                                                      Tensor? posWeight = null) =>
        Pointwise("BCEWithLogitsLoss", "BinaryCrossEntropyWithLogitsBackward0", Kind.BceWithLogits, input, target, weight, posWeight, 0f,
                  reduction.Plain("BCEWithLogitsLoss"), broadcast: false);

    // ------------------------------------------------------------------ classification

    /// <summary>
    /// Cross-entropy between logits and targets, PyTorch's <c>F.cross_entropy</c>: log_softmax over the class dimension
    /// followed by <see cref="NllLoss"/>, computed in one fused pass (the log-probabilities are never stored).
    /// <para>Shapes: input [N, C], [C] (unbatched) or [N, C, d1, …] (per pixel); target holds int64 class indices of shape
    /// [N], [] or [N, d1, …], or, when it has the input's shape, float class probabilities ("soft" targets).</para>
    /// <para><paramref name="weight"/> [C] rescales each class; "mean" then divides by the summed weights of the non-ignored
    /// targets (nan when every target is ignored). Targets equal to <paramref name="ignoreIndex"/> contribute nothing.
    /// <paramref name="labelSmoothing"/> ε ∈ [0, 1] mixes the target with the uniform distribution: PyTorch 1.13's
    /// (1 − ε)·nll + (ε/C)·Σ_c w_c·(−log p_c), ignored targets masked and "mean" normalised as the nll part.</para>
    /// <para>grad_fn as PyTorch: NllLossBackward0 ([N, C]/[C]), NllLoss2DBackward0 (N-d; ViewBackward0 for 3-d or &gt;4-d
    /// "none"), AddBackward0 with label smoothing; soft targets DivBackward1 ("mean") or NegBackward0.</para>
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
                                      Reduction reduction = default, double labelSmoothing = 0)
    {
        float smoothing = (float)labelSmoothing;
        const string op = "CrossEntropyLoss";
        reduction = reduction.Plain(op);
        if (!(smoothing >= 0 && smoothing <= 1))
            throw new ArgumentException($"{op}: labelSmoothing must be between 0.0 and 1.0, got {labelSmoothing}.");
        CheckInput(op, input);
        if (target.Shape == input.Shape && target.DType == DType.Float32)
            return SoftCrossEntropy(input, target, weight, ignoreIndex, reduction, smoothing);

        var g = ClassGeometry(op, input, target);
        var w = WeightArray(op, weight, g.C);
        var (td, to) = Targets(op, target, input, g.C, ignoreIndex);
        var (xd, xo) = input.ContiguousF32();
        var xv = View<float>.Contiguous(xd, xo, g.N, g.C, g.S);
        var tv = View<long>.Contiguous(td, to, g.N, g.S);
        int positions = g.N * g.S;
        var lse = new float[positions];
        var tw = new float[positions];
        var loss = new float[positions];
        LossKernels.CrossEntropyForward(xv, tv, w, ignoreIndex, smoothing, lse, tw, loss);
        var (result, scale) = ReduceClassLoss(loss, tw, target._shape, reduction);

        string name = smoothing > 0 ? "AddBackward0" : NllName(input.Ndim, reduction);
        var inShape = input._shape;
        bool perPosition = reduction.IsNone;
        return Graph.Record(result, name, new[] { input }, gr =>
        {
            var dx = Lumen.Tensor.Empty(inShape, DType.Float32, zero: false);
            LossKernels.CrossEntropyBackward(xv, tv, w, ignoreIndex, smoothing, lse, gr.ContiguousViewF32(), perPosition, scale, dx.F32);
            return new Tensor?[] { dx };
        }, input);
    }

    /// <summary>Negative log-likelihood −w[t]·input[n, t], PyTorch's <c>F.nll_loss</c>: input holds log-probabilities
    /// ([N, C], [C] or [N, C, d1, …]), target int64 class indices ([N], [] or [N, d1, …]). Weights, ignoreIndex and the
    /// weighted mean as in <see cref="CrossEntropy"/>. grad_fn NllLossBackward0 (1-d/2-d input) or NllLoss2DBackward0
    /// (ViewBackward0 for a 3-d or &gt;4-d input with "none").</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = default)
    {
        const string op = "NLLLoss";
        reduction = reduction.Plain(op);
        CheckInput(op, input);
        var g = ClassGeometry(op, input, target);
        var w = WeightArray(op, weight, g.C);
        var (td, to) = Targets(op, target, input, g.C, ignoreIndex);
        var (xd, xo) = input.ContiguousF32();
        var tv = View<long>.Contiguous(td, to, g.N, g.S);
        int positions = g.N * g.S;
        var tw = new float[positions];
        var loss = new float[positions];
        LossKernels.NllForward(View<float>.Contiguous(xd, xo, g.N, g.C, g.S), tv, w, ignoreIndex, tw, loss);
        var (result, scale) = ReduceClassLoss(loss, tw, target._shape, reduction);
        var inShape = input._shape;
        bool perPosition = reduction.IsNone;
        return Graph.Record(result, NllName(input.Ndim, reduction), new[] { input }, gr =>
        {
            var dx = Lumen.Tensor.Empty(inShape, DType.Float32);
            LossKernels.NllBackward(tv, w, g.C, ignoreIndex, gr.ContiguousViewF32(), perPosition, scale, dx.F32);
            return new Tensor?[] { dx };
        }, input);
    }

    // ------------------------------------------------------------------ distributions

    /// <summary>
    /// Kullback-Leibler divergence with input = log-probabilities, PyTorch's <c>F.kl_div</c>: per element
    /// target·(log target − input) (0 where target = 0), or exp(target)·(target − input) when <paramref name="logTarget"/>.
    /// <paramref name="reduction"/> also takes "batchmean" (sum / batch size, the mathematical KL divergence; PyTorch's
    /// "mean" divides by every element). input and target broadcast together. grad_fn as in PyTorch 1.13: SubBackward0 /
    /// MulBackward0 ("none"), MeanBackward0, SumBackward0, DivBackward0 ("batchmean"). Differentiable w.r.t. both.
    /// </summary>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = default, bool logTarget = false)
    {
        const string op = "KLDivLoss";
        CheckFloat(op, input, target);
        var shape = ShapeUtil.Broadcast(input._shape, target._shape, op);
        var x = Dense(input, shape);
        var t = Dense(target, shape);
        var r = Lumen.Tensor.Empty(shape, DType.Float32, zero: false);
        LossKernels.KlDivForward(x, t, logTarget, r.F32);
        int[] sa = input._shape, sb = target._shape;
        bool needX = input.RequiresGrad, needT = target.RequiresGrad;
        var pointwise = Graph.Record(r, logTarget ? "MulBackward0" : "SubBackward0", new[] { input, target }, gr =>
        {
            var gd = Dense(gr, shape);
            var dx = needX ? Lumen.Tensor.Empty(shape, DType.Float32, zero: false) : null;
            var dt = needT ? Lumen.Tensor.Empty(shape, DType.Float32, zero: false) : null;
            LossKernels.KlDivBackward(x, t, gd, logTarget, dx == null ? default : dx.F32, dt == null ? default : dt.F32);
            return new[] { dx == null ? null : Lumen.Tensor.SumTo(dx, sa), dt == null ? null : Lumen.Tensor.SumTo(dt, sb) };
        }, input, target);
        if (reduction.IsNone) return pointwise;
        if (reduction.IsSum) return pointwise.Sum();
        if (reduction.IsMean) return pointwise.Mean();
        return input.Ndim == 0 ? pointwise.Sum() : pointwise.Sum().Div(input._shape[0]);
    }

    // ------------------------------------------------------------------ helpers

    private static void CheckFloat(string op, Tensor input, Tensor target)
    {
        if (input.DType != DType.Float32 || target.DType != DType.Float32)
            throw new ArgumentException($"{op}: input and target must be float32, got input {input.DType.TorchName()} {input.Shape} " +
                                        $"and target {target.DType.TorchName()} {target.Shape}.");
    }

    private static void CheckInput(string op, Tensor input)
    {
        if (input.DType != DType.Float32)
            throw new ArgumentException($"{op}: input must be float32 scores, got {input.DType.TorchName()} {input.Shape}.");
        if (input.Ndim == 0)
            throw new ShapeMismatchException($"{op}: input must have at least 1 dimension ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor.");
    }

    /// <summary>The elements of <paramref name="t"/> broadcast to <paramref name="shape"/>, row-major, as a dense array
    /// (the tensor's own storage when it already is one).</summary>
    private static float[] Dense(Tensor t, int[] shape)
    {
        if (t._shape.AsSpan().SequenceEqual(shape) && t.IsDense) return t.F32;
        return t.Expand(shape).ToArray<float>();
    }

    /// <summary>[N, C, S] view of the input (S = product of the spatial sizes); checks target's shape against it.</summary>
    private static (int N, int C, int S) ClassGeometry(string op, Tensor input, Tensor target)
    {
        if (input.Ndim == 1)
        {
            if (target.Ndim != 0)
                throw new ShapeMismatchException($"{op}: an unbatched input {input.Shape} takes a 0-d class index as target, got target {target.Shape}.");
            return (1, input._shape[0], 1);
        }
        if (target.Ndim == 0 || target._shape[0] != input._shape[0])
            throw new ShapeMismatchException($"{op}: input {input.Shape} and target {target.Shape} have different batch sizes.");
        int s = 1;
        bool ok = target.Ndim == input.Ndim - 1;
        for (int d = 2; d < input.Ndim; d++)
        {
            s *= input._shape[d];
            if (ok && target._shape[d - 1] != input._shape[d]) ok = false;
        }
        if (!ok)
        {
            var expected = new[] { input._shape[0] }.Concat(input._shape.Skip(2)).ToArray();
            throw new ShapeMismatchException($"{op}: input {input.Shape} expects target {ShapeUtil.Str(expected)} (or class probabilities " +
                                             $"{input.Shape}), got target {target.Shape}.");
        }
        return (input._shape[0], input._shape[1], s);
    }

    private static float[] WeightArray(string op, Tensor? weight, int classes)
    {
        if (weight == null) return Array.Empty<float>();
        if (weight.Ndim != 1 || weight._shape[0] != classes || weight.DType != DType.Float32)
            throw new ShapeMismatchException($"{op}: weight must be a float32 tensor [{classes}] with one value per class, got " +
                                             $"{weight.DType.TorchName()} {weight.Shape}.");
        return weight.ToArray<float>();
    }

    /// <summary>The int64 targets as a contiguous array, each checked to be a class in [0, C) or the ignore index.</summary>
    private static (long[] Data, int Offset) Targets(string op, Tensor target, Tensor input, int classes, long ignoreIndex)
    {
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: target must hold int64 class indices, got {target.DType.TorchName()} {target.Shape} for input " +
                                        $"{input.Shape} (float targets are read as class probabilities only when their shape equals the input's).");
        var (data, off) = target.IsContiguous() ? (target.I64, target._offset) : (target.ToArray<long>(), 0);
        for (int i = 0, n = target.Numel(); i < n; i++)
        {
            long t = data[off + i];
            if (t != ignoreIndex && (t < 0 || t >= classes))
                throw new ArgumentException($"{op}: Target {t} is out of bounds for {classes} classes (input {input.Shape}, target {target.Shape}).");
        }
        return (data, off);
    }

    /// <summary>Reduces per-position losses: "none" keeps the target's shape, "sum" adds, "mean" divides by Σ tw (the
    /// weights of the non-ignored targets; nan when there are none). Returns the scale backward applies to a scalar g.</summary>
    private static (Tensor Result, float Scale) ReduceClassLoss(float[] loss, float[] tw, int[] targetShape, Reduction reduction)
    {
        if (reduction.IsNone) return (Lumen.Tensor.Wrap(loss, (int[])targetShape.Clone()), 1f);
        double sum = LossKernels.SumDouble(loss);
        if (reduction.IsSum) return (Torch.Scalar((float)sum), 1f);
        double total = LossKernels.SumDouble(tw);
        return (Torch.Scalar((float)(sum / total)), (float)(1 / total));
    }

    /// <summary>PyTorch's grad_fn for nll_loss on an input of <paramref name="rank"/> (nll_loss_nd's dispatch).</summary>
    private static string NllName(int rank, Reduction reduction) =>
        rank <= 2 ? "NllLossBackward0" : rank == 4 || !reduction.IsNone ? "NllLoss2DBackward0" : "ViewBackward0";

    /// <summary>Cross-entropy with class-probability targets: Σ_c w_c·t'_c·(lse − x_c), t' = t·(1 − ε) + ε/C; "mean"
    /// divides by the number of positions (input.numel / C), as PyTorch does.</summary>
    private static Tensor SoftCrossEntropy(Tensor input, Tensor target, Tensor? weight, long ignoreIndex, Reduction reduction, float smoothing)
    {
        const string op = "CrossEntropyLoss";
        if (ignoreIndex >= 0)
            throw new ArgumentException($"{op}: ignoreIndex ({ignoreIndex}) is not supported for class-probability targets (target {target.Shape}).");
        int classDim = input.Ndim == 1 ? 0 : 1;
        int n = input.Ndim == 1 ? 1 : input._shape[0], c = input._shape[classDim], s = 1;
        for (int d = 2; d < input.Ndim; d++) s *= input._shape[d];
        var w = WeightArray(op, weight, c);
        var (xd, xo) = input.ContiguousF32();
        var (td, to) = target.ContiguousF32();
        var xv = View<float>.Contiguous(xd, xo, n, c, s);
        var tv = View<float>.Contiguous(td, to, n, c, s);
        var lse = new float[n * s];
        var loss = new float[n * s];
        LossKernels.SoftCrossEntropyForward(xv, tv, w, smoothing, lse, loss);
        var outShape = input._shape.Where((_, i) => i != classDim).ToArray();
        Tensor result;
        float scale = 1f;
        if (reduction.IsNone) result = Lumen.Tensor.Wrap(loss, outShape);
        else
        {
            double sum = LossKernels.SumDouble(loss);
            if (reduction.IsMean) { sum /= (double)n * s; scale = 1f / ((float)n * s); }
            result = Torch.Scalar((float)sum);
        }
        var inShape = input._shape;
        bool perPosition = reduction.IsNone;
        bool needX = input.RequiresGrad, needT = target.RequiresGrad;
        return Graph.Record(result, reduction.IsMean ? "DivBackward1" : "NegBackward0", new[] { input, target }, gr =>
        {
            var dx = needX ? Lumen.Tensor.Empty(inShape, DType.Float32, zero: false) : null;
            var dt = needT ? Lumen.Tensor.Empty(inShape, DType.Float32, zero: false) : null;
            LossKernels.SoftCrossEntropyBackward(xv, tv, w, smoothing, lse, gr.ContiguousViewF32(), perPosition, scale, dx?.F32, dt?.F32);
            return new[] { dx, dt };
        }, input, target);
    }

    /// <summary>Shared driver of the pointwise losses: checks dtypes and shapes, broadcasts (or demands equal shapes),
    /// runs the kernel in parallel chunks, reduces, and records <paramref name="gradFn"/> with input and target gradients.</summary>
    private static Tensor Pointwise(string op, string gradFn, Kind kind, Tensor input, Tensor target, Tensor? weight, Tensor? posWeight,
                                    float param, Reduction reduction, bool broadcast)
    {
        CheckFloat(op, input, target);
        int[] shape;
        if (broadcast) shape = ShapeUtil.Broadcast(input._shape, target._shape, op);
        else if (input.Shape != target.Shape)
            throw new ShapeMismatchException($"{op}: target {target.Shape} must have the same shape as input {input.Shape}.");
        else shape = input._shape;
        var x = Dense(input, shape);
        var y = Dense(target, shape);
        var w = Extra(op, "weight", weight, shape);
        var pw = Extra(op, "posWeight", posWeight, shape);
        int n = x.Length;
        var values = new float[n];
        ParallelFor.Run(n, 32768, (a, b) =>
            LossKernels.PointwiseForward(kind, x.AsSpan(a, b - a), y.AsSpan(a, b - a), Slice(w, a, b), Slice(pw, a, b), param,
                                         values.AsSpan(a, b - a)));
        Tensor result;
        float scale = 1f;
        if (reduction.IsNone) result = Lumen.Tensor.Wrap(values, (int[])shape.Clone());
        else
        {
            double sum = LossKernels.SumDouble(values);
            if (reduction.IsMean) { sum /= n; scale = 1f / n; }
            result = Torch.Scalar((float)sum);
        }
        int[] sa = input._shape, sb = target._shape;
        bool needX = input.RequiresGrad, needY = target.RequiresGrad;
        return Graph.Record(result, gradFn, new[] { input, target }, gr =>
        {
            var gd = reduction.IsNone ? Dense(gr, shape) : new[] { gr.Item() };
            var dx = needX ? Lumen.Tensor.Empty(shape, DType.Float32, zero: false) : null;
            var dy = needY ? Lumen.Tensor.Empty(shape, DType.Float32, zero: false) : null;
            ParallelFor.Run(n, 32768, (a, b) =>
                LossKernels.PointwiseBackward(kind, x.AsSpan(a, b - a), y.AsSpan(a, b - a), Slice(w, a, b), Slice(pw, a, b), param,
                                              gd.Length == 1 ? gd : gd.AsSpan(a, b - a), scale,
                                              dx == null ? default : dx.F32.AsSpan(a, b - a), dy == null ? default : dy.F32.AsSpan(a, b - a)));
            return new[] { dx == null ? null : Lumen.Tensor.SumTo(dx, sa), dy == null ? null : Lumen.Tensor.SumTo(dy, sb) };
        }, input, target);
    }

    private static ReadOnlySpan<float> Slice(float[] a, int start, int end) => a.Length == 0 ? default : a.AsSpan(start, end - start);

    /// <summary>An optional weight tensor broadcast to the loss shape as a dense array (empty when absent).</summary>
    private static float[] Extra(string op, string name, Tensor? t, int[] shape)
    {
        if (t == null) return Array.Empty<float>();
        if (t.DType != DType.Float32) throw new ArgumentException($"{op}: {name} must be float32, got {t.DType.TorchName()} {t.Shape}.");
        var b = ShapeUtil.Broadcast(t._shape, shape, op);
        if (!b.AsSpan().SequenceEqual(shape))
            throw new ShapeMismatchException($"{op}: {name} {t.Shape} does not broadcast to the input's shape {ShapeUtil.Str(shape)}.");
        return Dense(t, shape);
    }
}
