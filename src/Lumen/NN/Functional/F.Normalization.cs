using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen.NN;

// Batch, layer, group and instance normalisation (PyTorch's F.batch_norm, F.layer_norm, F.group_norm,
// F.instance_norm) on the span kernels of Kernels/NormKernels.cs, each with its fused backward.
public static partial class F
{
    /// <summary>
    /// Batch normalisation over the channel dim (1) of an (N, C, *) input, PyTorch's <c>F.batch_norm(input, running_mean,
    /// running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05)</c>:
    /// y = (x − mean[c])/√(var[c] + eps)·weight[c] + bias[c]. In training the statistics are the batch's (biased
    /// variance), and running_mean/running_var (if given) are updated in place as
    /// running = (1 − momentum)·running + momentum·batch_stat, with the UNBIASED batch variance, as PyTorch. Otherwise the
    /// running statistics normalise. grad_fn NativeBatchNormBackward0 (gradients for input, weight and bias).
    /// </summary>
    /// <param name="input">(N, C) or (N, C, L) or (N, C, H, W) or (N, C, D, H, W)</param>
    /// <param name="runningMean">[C] or null (required when not training)</param>
    /// <param name="runningVar">[C] or null (required when not training)</param>
    /// <param name="weight">[C] or null (no scale)</param>
    /// <param name="bias">[C] or null (no shift)</param>
    /// <param name="training">Normalise by the batch's statistics (and update the running ones) rather than the running ones.</param>
    /// <param name="momentum">Weight of the batch statistic in the running update.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
                                   bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        var (n, c, s) = CheckBatchNorm(input, runningMean, runningVar, weight, bias);
        if (!training && (runningMean == null || runningVar == null))
            throw new ArgumentException("batch_norm: running_mean and running_var must be given when not training.");
        long count = (long)n * s;
        if (training && count <= 1)
            throw new ArgumentException($"batch_norm: expected more than 1 value per channel when training, got input size {input.Shape}.");

        if (training && Torch.AreSplitInvariantReductionsEnabled())
            return SplitInvariantBatchNorm(input, runningMean, runningVar, weight, bias, momentum, eps);

        // Per-channel scratch lives until the step's DisposeScope ends (the backward reads it); plain arrays without one.
        var xv = input.ContiguousViewF32();
        var mean = training ? DisposeScope.RentArray<float>(c) : PerChannel(runningMean, c)!;
        var invstd = DisposeScope.RentArray<float>(c);
        if (training)
        {
            var varSum = DisposeScope.RentArray<double>(c);
            NormKernels.BatchNormStats(xv, mean, varSum);
            float[]? rm = PerChannel(runningMean, c), rv = PerChannel(runningVar, c);
            float mom = (float)momentum;
            for (int ch = 0; ch < c; ch++)
            {
                float vs = (float)varSum[ch];
                invstd[ch] = (float)(1.0 / Math.Sqrt(vs / count + eps));
                if (rm != null) rm[ch] = mom * mean[ch] + (1 - mom) * rm[ch];
                if (rv != null) rv[ch] = (float)(mom * (double)(vs / (count - 1)) + (1 - mom) * rv[ch]);
            }
            if (rm != null) WriteBuffer(runningMean!, rm);
            if (rv != null) WriteBuffer(runningVar!, rv);
        }
        else
        {
            var rv = PerChannel(runningVar, c)!;
            float e = (float)eps;
            for (int ch = 0; ch < c; ch++) invstd[ch] = 1f / MathF.Sqrt(rv[ch] + e);
        }

        // Weight and bias are read now (a copy): the backward uses the values the forward saw, as PyTorch's saved tensors.
        float[]? w = PerChannel(weight, c), b = PerChannel(bias, c);
        var (r, alpha) = NormalizeChannels(input, xv, c, mean, invstd, w, b);

        var inShape = input._shape;
        return Graph.Record(r, "NativeBatchNormBackward0", new[] { input, weight, bias }, g =>
        {
            var gv = g.ContiguousViewF32();
            var sumDy = DisposeScope.RentArray<double>(c);
            var dotP = DisposeScope.RentArray<double>(c);
            NormKernels.BatchNormBackwardSums(xv, gv, mean, sumDy, dotP);
            Tensor? dx = null;
            if (input.RequiresGrad)
            {
                dx = Tensor.Empty(inShape, DType.Float32, zero: false);
                if (training) NormKernels.BatchNormBackwardInput(xv, gv, mean, invstd, w, sumDy, dotP, dx.ViewF32());
                else
                {
                    var zero = DisposeScope.RentArray<float>(c);
                    Array.Clear(zero);
                    NormKernels.ChannelAffine(gv, alpha, zero, dx.ViewF32());   // dy·invstd·w
                }
            }
            Tensor? dw = null, db = null;
            if (weight != null && weight.RequiresGrad)
            {
                dw = Tensor.Empty(weight._shape, DType.Float32, zero: false);
                var v = dw.F32;
                for (int ch = 0; ch < c; ch++) v[ch] = (float)(dotP[ch] * invstd[ch]);
            }
            if (bias != null && bias.RequiresGrad)
            {
                db = Tensor.Empty(bias._shape, DType.Float32, zero: false);
                var v = db.F32;
                for (int ch = 0; ch < c; ch++) v[ch] = (float)sumDy[ch];
            }
            return new[] { dx, dw, db };
        }, input);
    }

    /// <summary>
    /// Layer normalisation over the last dims, PyTorch's <c>F.layer_norm(input, normalized_shape, weight=None, bias=None,
    /// eps=1e-05)</c>: each [*normalizedShape] block is normalised by its own mean and biased variance, then scaled by
    /// weight and shifted by bias (both [*normalizedShape], elementwise). grad_fn NativeLayerNormBackward0.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The input's trailing dims are not normalizedShape.</exception>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        if (k == 0) throw new ArgumentException("layer_norm: normalizedShape must have at least one dimension.");
        if (input.Ndim < k || !input._shape.AsSpan(input.Ndim - k).SequenceEqual(normalizedShape))
            throw new ShapeMismatchException($"layer_norm: given normalized_shape={ShapeUtil.Str(normalizedShape)}, expected input with shape " +
                                             $"[*, {string.Join(", ", normalizedShape)}], but got input of size {input.Shape}.");
        if (weight != null && !weight._shape.AsSpan().SequenceEqual(normalizedShape))
            throw new ShapeMismatchException($"layer_norm: weight {weight.Shape} must have normalized_shape {ShapeUtil.Str(normalizedShape)}.");
        if (bias != null && !bias._shape.AsSpan().SequenceEqual(normalizedShape))
            throw new ShapeMismatchException($"layer_norm: bias {bias.Shape} must have normalized_shape {ShapeUtil.Str(normalizedShape)}.");
        int len = ShapeUtil.NumelInt(normalizedShape);
        int rows = len == 0 ? 0 : input.Numel() / len;
        return RowNorm(input, weight, bias, rows, len, seg: 1, groups: 1, eps, "layer_norm", "NativeLayerNormBackward0");
    }

    /// <summary>
    /// Group normalisation, PyTorch's <c>F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-05)</c>: the C
    /// channels of an (N, C, *) input are split into numGroups groups; each sample's group is normalised by its own mean and
    /// biased variance, then weight[c]·x̂ + bias[c] per channel. grad_fn NativeGroupNormBackward0.
    /// </summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Ndim < 2) throw new ShapeMismatchException($"group_norm: expected an input with at least 2 dims (N, C, *), got {input.Shape}.");
        int n = input.Size(0), c = input.Size(1);
        if (numGroups <= 0 || c % numGroups != 0)
            throw new ShapeMismatchException($"group_norm: expected the number of channels of input {input.Shape} to be divisible by num_groups, " +
                                             $"but got num_groups={numGroups}.");
        CheckPerChannel("group_norm", "weight", weight, c, input);
        CheckPerChannel("group_norm", "bias", bias, c, input);
        int hw = 1; for (int d = 2; d < input.Ndim; d++) hw *= input.Size(d);
        return RowNorm(input, weight, bias, n * numGroups, c / numGroups * hw, seg: hw, groups: numGroups, eps, "group_norm",
                       "NativeGroupNormBackward0");
    }

    /// <summary>
    /// Instance normalisation, PyTorch's <c>F.instance_norm(input, running_mean=None, running_var=None, weight=None,
    /// bias=None, use_input_stats=True, momentum=0.1, eps=1e-05)</c>: each (sample, channel) plane of an (N, C, *) input is
    /// normalised on its own. Computed, as in PyTorch, as batch norm of the input viewed as (1, N·C, *) with the weight,
    /// bias and running statistics repeated N times; the updated running statistics are averaged back over N.
    /// </summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null,
                                      Tensor? bias = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Ndim < 2) throw new ShapeMismatchException($"instance_norm: expected an input with at least 2 dims (N, C, *), got {input.Shape}.");
        int n = input.Size(0), c = input.Size(1);
        Tensor? Rep(Tensor? t) => t == null ? null : t.Unsqueeze(0).Expand(n, c).Reshape(n * c);
        var shape = input._shape.ToArray(); shape[0] = 1; shape[1] = n * c;
        var rm = runningMean == null ? null : Rep(runningMean.Detach())!.Contiguous().Detach().Clone();
        var rv = runningVar == null ? null : Rep(runningVar.Detach())!.Contiguous().Detach().Clone();
        var y = BatchNorm(input.Reshape(shape), rm, rv, Rep(weight), Rep(bias), useInputStats, momentum, eps);
        using (Autograd.Autograd.NoGrad())
        {
            if (runningMean != null && useInputStats) runningMean.Copy_(rm!.View(n, c).Mean(0));
            if (runningVar != null && useInputStats) runningVar.Copy_(rv!.View(n, c).Mean(0));
        }
        return y.Reshape(input._shape);
    }

    /// <summary>Layer/group norm core: rows of len floats, each normalised on its own, affine per channel (see NormKernels).</summary>
    private static Tensor RowNorm(Tensor input, Tensor? weight, Tensor? bias, int rows, int len, int seg, int groups, double eps,
                                  string op, string gradFn)
    {
        if (input.DType != DType.Float32) throw new ArgumentException($"{op}: expected a float32 input, got {input.DType.TorchName()}.");
        var xv = input.ContiguousViewF32();
        var geo = new RowNormGeometry(rows, len, seg, groups);
        var mean = new float[rows];
        var rstd = new float[rows];
        NormKernels.RowMoments(xv, geo, eps, mean, rstd);
        float[]? w = weight?.ToArray<float>(), b = bias?.ToArray<float>();
        var r = Tensor.Empty(input._shape, DType.Float32, zero: false);
        NormKernels.RowNormForward(xv, geo, mean, rstd, w, b, r.ViewF32());
        var inShape = input._shape;
        return Graph.Record(r, gradFn, new[] { input, weight, bias }, g =>
        {
            var gv = g.ContiguousViewF32();
            Tensor? dx = null, dw = null, db = null;
            if (input.RequiresGrad)
            {
                dx = Tensor.Empty(inShape, DType.Float32, zero: false);
                NormKernels.RowNormBackwardInput(xv, gv, geo, mean, rstd, w, dx.ViewF32());
            }
            bool needW = weight != null && weight.RequiresGrad, needB = bias != null && bias.RequiresGrad;
            if (needW || needB)
            {
                int channels = geo.Channels;
                float[]? dwv = needW ? new float[channels] : null, dbv = needB ? new float[channels] : null;
                NormKernels.RowNormBackwardAffine(xv, gv, geo, mean, rstd, dwv, dbv);
                if (needW) dw = Tensor.Wrap(dwv!, weight!._shape);
                if (needB) db = Tensor.Wrap(dbv!, bias!._shape);
            }
            return new[] { dx, dw, db };
        }, input);
    }

    /// <summary>Checks batch_norm's arguments; returns the batch size, the channels and the elements per channel and sample.</summary>
    private static (int N, int C, int S) CheckBatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Ndim < 2)
            throw new ShapeMismatchException($"batch_norm: expected an input with at least 2 dims (N, C, *), got {input.Shape}.");
        if (input.DType != DType.Float32) throw new ArgumentException($"batch_norm: expected a float32 input, got {input.DType.TorchName()}.");
        int n = input.Size(0), c = input.Size(1);
        int s = 1; for (int d = 2; d < input.Ndim; d++) s *= input.Size(d);
        CheckPerChannel("batch_norm", "running_mean", runningMean, c, input);
        CheckPerChannel("batch_norm", "running_var", runningVar, c, input);
        CheckPerChannel("batch_norm", "weight", weight, c, input);
        CheckPerChannel("batch_norm", "bias", bias, c, input);
        return (n, c, s);
    }

    /// <summary>y = (x − mean)·invstd·w + b per channel, applied as the affine map y = x·alpha + beta; returns y and alpha
    /// (invstd·w, which the eval-mode backward reuses).</summary>
    private static (Tensor Y, float[] Alpha) NormalizeChannels(Tensor input, View<float> xv, int c, float[] mean,
                                                               float[] invstd, float[]? w, float[]? b)
    {
        var alpha = DisposeScope.RentArray<float>(c);
        var beta = DisposeScope.RentArray<float>(c);
        for (int ch = 0; ch < c; ch++)
        {
            alpha[ch] = invstd[ch] * (w != null ? w[ch] : 1f);
            beta[ch] = (b != null ? b[ch] : 0f) - mean[ch] * alpha[ch];
        }
        var r = Tensor.Empty(input._shape, DType.Float32, zero: false);
        NormKernels.ChannelAffine(xv, alpha, beta, r.ViewF32());
        return (r, alpha);
    }

    private static void CheckPerChannel(string op, string what, Tensor? t, int c, Tensor input)
    {
        if (t == null) return;
        if (t.Numel() != c || t.Ndim != 1)
            throw new ShapeMismatchException($"{op}: {what} {t.Shape} should contain {c} elements (the channels of input {input.Shape}).");
        if (t.DType != DType.Float32) throw new ArgumentException($"{op}: {what} must be float32, got {t.DType.TorchName()}.");
    }

    /// <summary>The c values of a per-channel float32 tensor (running statistic, weight or bias; checked by
    /// <see cref="CheckPerChannel"/>) as a scope-lifetime copy; null for null.</summary>
    private static float[]? PerChannel(Tensor? t, int c)
    {
        if (t == null) return null;
        var a = DisposeScope.RentArray<float>(c);
        Strided.Gather(t.F32, t._shape, t._strides, t._offset, a.AsSpan(0, c));
        return a;
    }

    /// <summary>Writes the first <c>buffer.Numel()</c> values back into a running-statistic buffer in place (a new version,
    /// as PyTorch's in-place update).</summary>
    private static void WriteBuffer(Tensor buffer, float[] values)
    {
        Strided.Scatter<float>(values.AsSpan(0, buffer.Numel()), buffer.F32, buffer._shape, buffer._strides, buffer._offset);
        buffer.BumpVersion();
    }
}
