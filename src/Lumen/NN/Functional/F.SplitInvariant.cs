using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen.NN;

// The split-invariant forms of convolution, linear and batch norm (Torch.UseSplitInvariantReductions): every sample is
// computed by its own kernel call (so the conv planner and the GEMM see the same one-sample problem whatever the batch
// size), and every sum over the batch is a BatchTree of per-sample partials.
public static partial class F
{
    private static Tensor ConvolutionSplitInvariant(Tensor input, Tensor weight, Tensor? bias, in ConvGeometry geo, in ConvGeometry one,
                                                    Tensor x, Tensor w, Tensor? b, int[] yShape, ConvPlanOptions plan)
    {
        int n = geo.N, inStride = geo.C * geo.S, outStride = geo.OC * geo.P, wl = w.Numel(), oc = geo.OC;
        var sample = one;
        var y = Tensor.Empty(yShape, DType.Float32, zero: false);
        var wv = View<float>.Contiguous(w.F32, w._offset, wl);
        var bv = b == null ? default : View<float>.Contiguous(b.F32, b._offset, oc);
        // One sample's operands as flat views at its offset (the kernels check their sizes against the one-sample geometry).
        View<float> At(Tensor t, int offset, int numel) => View<float>.Contiguous(t.F32, t._offset + offset, numel);
        for (int i = 0; i < n; i++)
            ConvKernels.Forward(sample, At(x, i * inStride, inStride), wv, bv, At(y, i * outStride, outStride), plan);
        var xShape = input.Shape.ToArray();
        return Graph.Record(y, "ConvolutionBackward0", new[] { input, weight, bias }, g =>
        {
            var gy = g.Contiguous();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad)
            {
                gx = Tensor.Empty(xShape, DType.Float32, zero: false);
                for (int i = 0; i < n; i++)
                    ConvKernels.InputGrad(sample, wv, At(gy, i * outStride, outStride), At(gx, i * inStride, inStride), plan);
            }
            bool needB = bias is { RequiresGrad: true };
            if (weight.RequiresGrad || needB)
            {
                // Per sample: dW (wl values) then db (oc values) in one vector, summed over the batch by the tree.
                var sum = BatchTree.Sum<float>(n, wl + oc, (i, buf) =>
                    ConvKernels.WeightGrad(sample, At(x, i * inStride, inStride), At(gy, i * outStride, outStride),
                                           View<float>.Contiguous(buf, 0, wl), View<float>.Contiguous(buf, wl, oc), plan));
                if (weight.RequiresGrad) gw = Tensor.Wrap(sum[..wl], w._shape);
                if (needB) gb = Tensor.Wrap(sum[wl..], oc);
            }
            return new[] { gx, gw, gb };
        }, x, w);
    }

    /// <summary>F.Linear in the split-invariant mode: one GEMM per sample (dim 0) forward and for dX, and dW, db as trees
    /// of the samples' dYᵀ·X and Σ dY.</summary>
    private static Tensor LinearSplitInvariant(Tensor input, Tensor weight, Tensor? bias, Tensor x, Tensor w, bool wT, int ldw,
                                               int rows, int outF, int inF, int[] outShape)
    {
        int n = input.Size(0), per = n == 0 ? 0 : rows / n;
        var r = Tensor.Empty(outShape, DType.Float32, zero: false);
        float[] c = r.F32;
        float[]? bd = null; int bo = 0;
        if (bias != null) (bd, bo) = bias.ContiguousF32();
        if (per > 0 && outF > 0)
            for (int i = 0; i < n; i++)
            {
                if (bd != null)
                    for (int k = 0; k < per; k++) bd.AsSpan(bo, outF).CopyTo(c.AsSpan((i * per + k) * outF, outF));
                Gemm.Sgemm(false, wT, per, outF, inF, 1f, x.F32.AsSpan(x._offset + i * per * inF), Math.Max(inF, 1),
                           w.F32.AsSpan(w._offset), ldw, bd != null ? 1f : 0f, c.AsSpan(i * per * outF, per * outF), outF);
            }
        string gradFn = input.Ndim == 2 ? (bias != null ? "AddmmBackward0" : "MmBackward0")
                      : bias == null ? "UnsafeViewBackward0"
                      : input.Ndim == 3 && input.IsContiguous() ? "ViewBackward0" : "AddBackward0";
        int[] inShape = input._shape;
        return Graph.Record(r, gradFn, new[] { input, weight, bias }, g =>
        {
            var (gd, go) = g.ContiguousF32();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad)
            {
                var g2 = g.Contiguous().Reshape(rows, outF);
                gx = Torch.Cat(Enumerable.Range(0, n).Select(i => g2.Narrow(0, i * per, per).Mm(w)).ToArray(), 0).Reshape(inShape);
            }
            bool needB = bias is { RequiresGrad: true };
            if (weight.RequiresGrad || needB)
            {
                int wl = outF * inF;
                var sum = BatchTree.Sum<float>(n, wl + outF, (i, buf) =>
                {
                    if (per == 0) return;
                    Gemm.Sgemm(true, false, outF, inF, per, 1f, gd.AsSpan(go + i * per * outF), outF,
                               x.F32.AsSpan(x._offset + i * per * inF), Math.Max(inF, 1), 0f, buf.AsSpan(0, wl), Math.Max(inF, 1));
                    for (int k = 0; k < per; k++)
                    {
                        var row = gd.AsSpan(go + (i * per + k) * outF, outF);
                        for (int o = 0; o < outF; o++) buf[wl + o] += row[o];
                    }
                });
                if (weight.RequiresGrad) gw = Tensor.Wrap(sum[..wl], outF, inF);
                if (needB) gb = Tensor.Wrap(sum[wl..], outF);
            }
            return new[] { gx, gw, gb };
        }, input, weight);
    }

    /// <summary>
    /// Training-mode batch normalisation whose statistics and gradient sums are split-invariant
    /// (<see cref="Torch.UseSplitInvariantReductions"/>): per channel, the batch mean and the squared deviations from it
    /// are trees (<see cref="BatchTree"/>) of per-sample double sums; backward, Σdy and Σdy·(x−mean) likewise, and the
    /// weight and bias gradients are float trees of per-sample values (so that a data-parallel all-reduce of them adds the
    /// ranks' subtrees in float, as the one-process tree does). <paramref name="sumAcrossProcesses"/>, when given, sums its
    /// argument over the processes in place (SyncBatchNorm passes its group's tree-ordered all-reduce); the last element of
    /// the first call is the element count, so the statistics are the global batch's. F.BatchNorm calls this in the mode.
    /// </summary>
    public static Tensor SplitInvariantBatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
                                                 double momentum, double eps, Action<double[]>? sumAcrossProcesses = null)
    {
        var (n, c, s) = CheckBatchNorm(input, runningMean, runningVar, weight, bias);
        var xv = input.ContiguousViewF32();
        var (xd, xo) = (xv.Array, xv.Offset);

        var sums = BatchTree.Sum<double>(n, c + 1, (i, buf) =>
        {
            for (int ch = 0; ch < c; ch++)
            {
                double acc = 0;
                foreach (var v in xd.AsSpan(xo + (i * c + ch) * s, s)) acc += v;
                buf[ch] = acc;
            }
            buf[c] = s;
        });
        sumAcrossProcesses?.Invoke(sums);
        double count = sums[c];
        if (count <= 1)
            throw new ArgumentException($"batch_norm: expected more than 1 value per channel when training, got {count} (input size {input.Shape}).");
        long total = (long)count;
        var mean = new float[c];
        for (int ch = 0; ch < c; ch++) mean[ch] = (float)(sums[ch] / count);
        var dev = BatchTree.Sum<double>(n, c, (i, buf) =>
        {
            for (int ch = 0; ch < c; ch++)
            {
                double acc = 0;
                float m = mean[ch];
                foreach (var v in xd.AsSpan(xo + (i * c + ch) * s, s)) { double d = v - m; acc += d * d; }
                buf[ch] = acc;
            }
        });
        sumAcrossProcesses?.Invoke(dev);

        var invstd = new float[c];
        float[]? rm = PerChannel(runningMean, c), rv = PerChannel(runningVar, c);
        float mom = (float)momentum;
        for (int ch = 0; ch < c; ch++)
        {
            invstd[ch] = (float)(1.0 / Math.Sqrt((float)dev[ch] / total + eps));
            if (rm != null) rm[ch] = mom * mean[ch] + (1 - mom) * rm[ch];
            if (rv != null) rv[ch] = (float)(mom * (double)((float)dev[ch] / (total - 1)) + (1 - mom) * rv[ch]);
        }
        if (rm != null) WriteBuffer(runningMean!, rm);
        if (rv != null) WriteBuffer(runningVar!, rv);

        float[]? w = PerChannel(weight, c), b = PerChannel(bias, c);
        var (r, _) = NormalizeChannels(input, xv, c, mean, invstd, w, b);

        var inShape = input._shape;
        return Graph.Record(r, "NativeBatchNormBackward0", new[] { input, weight, bias }, g =>
        {
            var (gd, go) = g.ContiguousF32();
            var part = new double[n * 2 * c];   // per sample: Σdy, then Σdy·(x − mean), per channel
            for (int i = 0; i < n; i++)
                for (int ch = 0; ch < c; ch++)
                {
                    int at = (i * c + ch) * s;
                    float m = mean[ch];
                    double sdy = 0, sdx = 0;
                    for (int k = 0; k < s; k++) { double dy = gd[go + at + k]; sdy += dy; sdx += dy * (xd[xo + at + k] - m); }
                    part[i * 2 * c + ch] = sdy;
                    part[i * 2 * c + c + ch] = sdx;
                }
            Tensor? dx = null, dw = null, db = null;
            if (weight is { RequiresGrad: true } || bias is { RequiresGrad: true })
            {
                var pg = BatchTree.Sum<float>(n, 2 * c, (i, buf) =>
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        buf[ch] = (float)part[i * 2 * c + ch];
                        buf[c + ch] = (float)(part[i * 2 * c + c + ch] * invstd[ch]);
                    }
                });
                if (weight is { RequiresGrad: true }) dw = Tensor.Wrap(pg[c..], c);
                if (bias is { RequiresGrad: true }) db = Tensor.Wrap(pg[..c], c);
            }
            if (input.RequiresGrad)
            {
                var red = BatchTree.Sum<double>(n, 2 * c, (i, buf) => part.AsSpan(i * 2 * c, 2 * c).CopyTo(buf));
                sumAcrossProcesses?.Invoke(red);
                dx = Tensor.Empty(inShape, DType.Float32, zero: false);
                var dxs = dx.F32;
                for (int p = 0; p < n * c; p++)
                {
                    int ch = p % c;
                    float m = mean[ch], inv = invstd[ch], wv = w != null ? w[ch] : 1f;
                    float meanDy = (float)(red[ch] / count), proj = (float)(red[c + ch] / count) * inv * inv;
                    float scale = inv * wv;
                    for (int k = 0; k < s; k++)
                        dxs[p * s + k] = (gd[go + p * s + k] - meanDy - (xd[xo + p * s + k] - m) * proj) * scale;
                }
            }
            return new[] { dx, dw, db };
        }, input);
    }
}
