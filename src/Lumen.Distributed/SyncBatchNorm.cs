using System.Reflection;
using Lumen.NN;
using Module = Lumen.NN.Module;

namespace Lumen.Distributed;

/// <summary>
/// Batch normalisation whose training statistics are those of the global batch across all ranks, PyTorch's
/// <c>nn.SyncBatchNorm</c>: with N ranks × batch B it normalises exactly as a BatchNorm over one batch of N·B, and its
/// running statistics (unbiased variance over the global count) match that BatchNorm's too. Per channel, forward
/// all-reduces the sums and then the squared deviations (in double, as Lumen's BatchNorm kernel accumulates); backward
/// all-reduces Σdy and Σdy·(x−mean) and returns the local weight and bias gradients, which DistributedDataParallel then
/// averages. In eval mode, or in a one-process group, it is BatchNorm. Parameters and buffers carry BatchNorm's names
/// (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>), so state dicts
/// move between the two. Convert a model with <see cref="ConvertSyncBatchNorm"/>.
/// </summary>
public sealed class SyncBatchNorm : NormBase
{
    private readonly ProcessGroup? _group;

    /// <summary>PyTorch's <c>nn.SyncBatchNorm(num_features, eps, momentum, affine, track_running_stats, process_group)</c>;
    /// input (N, C, *) of any rank ≥ 2.</summary>
    public SyncBatchNorm(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
                         ProcessGroup? processGroup = null)
        : this(numFeatures, eps, momentum, affine, trackRunningStats, processGroup, null) { }

    // With `from`, the converted module takes over the original's tensors (see NormBase's adopting constructor).
    private SyncBatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, ProcessGroup? group, NormBase? from)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, from)
    {
        _group = group;
    }

    private ProcessGroup Group => _group ?? ProcessGroup.World;

    /// <param name="input">(N, C, *)</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Ndim < 2 || input.Size(1) != NumFeatures)
            throw new ShapeMismatchException($"{this} got input {input.Shape}: expected (N, C, *) with C = {NumFeatures}");
        double factor = StepMomentum();
        bool useBatchStats = Training || RunningMean == null;
        if (!useBatchStats || Group.WorldSize == 1)
            return F.BatchNorm(input, TrackRunningStats || !Training ? RunningMean : null, TrackRunningStats || !Training ? RunningVar : null,
                               Weight, Bias, useBatchStats, factor, Eps);
        if (Torch.AreSplitInvariantReductionsEnabled())
        {
            // The one-process BatchNorm's own code with the ranks' sums added in tree order: bit-identical to it.
            var group = Group;
            return F.SplitInvariantBatchNorm(input, TrackRunningStats ? RunningMean : null, TrackRunningStats ? RunningVar : null,
                                             Weight, Bias, factor, Eps, v => group.AllReduceInTreeOrder<double>(v));
        }
        return SyncForward(input.Contiguous(), factor);
    }

    private Tensor SyncForward(Tensor x, double momentum)
    {
        var group = Group;
        int n = x.Size(0), c = NumFeatures, s = x.Numel() / Math.Max(1, n * c);
        var xs = x.AsSpan<float>().ToArray();
        // Global count and per-channel sums in one all-reduce, then the squared deviations from the global mean.
        var sums = new double[c + 1];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
            {
                double acc = 0;
                foreach (var v in xs.AsSpan((i * c + ch) * s, s)) acc += v;
                sums[ch] += acc;
            }
        sums[c] = (double)n * s;
        group.AllReduce(sums);
        double count = sums[c];
        if (count <= 1) throw new ArgumentException($"SyncBatchNorm: expected more than 1 value per channel when training, got {count} in all ranks.");
        long total = (long)count;
        var mean = new float[c];
        for (int ch = 0; ch < c; ch++) mean[ch] = (float)(sums[ch] / count);
        var dev = new double[c];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
            {
                double acc = 0;
                float m = mean[ch];
                foreach (var v in xs.AsSpan((i * c + ch) * s, s)) { double d = v - m; acc += d * d; }
                dev[ch] += acc;
            }
        group.AllReduce(dev);

        var invstd = new float[c];
        var w = Weight?.ToArray<float>();
        var b = Bias?.ToArray<float>();
        var alpha = new float[c];
        var beta = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            invstd[ch] = (float)(1.0 / Math.Sqrt((float)dev[ch] / total + Eps));   // float / long, as BatchNorm's kernel
            alpha[ch] = invstd[ch] * (w != null ? w[ch] : 1f);
            beta[ch] = (b != null ? b[ch] : 0f) - mean[ch] * alpha[ch];
        }
        if (TrackRunningStats && RunningMean != null && RunningVar != null)
        {
            var rm = RunningMean.AsSpan<float>();
            var rv = RunningVar.AsSpan<float>();
            float mom = (float)momentum;
            for (int ch = 0; ch < c; ch++)
            {
                rm[ch] = mom * mean[ch] + (1 - mom) * rm[ch];
                rv[ch] = (float)(mom * (double)((float)dev[ch] / (total - 1)) + (1 - mom) * rv[ch]);
            }
        }

        var y = Torch.Empty(x.Shape.ToArray());
        var ys = y.AsSpan<float>();
        for (int p = 0; p < n * c; p++)
        {
            int ch = p % c;
            float a = alpha[ch], bb = beta[ch];
            var src = xs.AsSpan(p * s, s);
            var dst = ys.Slice(p * s, s);
            for (int k = 0; k < s; k++) dst[k] = MathF.FusedMultiplyAdd(src[k], a, bb);
        }

        bool xNeedsGrad = x.RequiresGrad;
        return Autograd.Autograd.Function("SyncBatchNormBackward", y, new Tensor?[] { x, Weight, Bias }, gy =>
        {
            var dy = gy.Contiguous().AsSpan<float>().ToArray();
            var red = new double[2 * c];   // Σdy, Σdy·(x−mean) per channel
            for (int p = 0; p < n * c; p++)
            {
                int ch = p % c;
                float m = mean[ch];
                double sdy = 0, sdx = 0;
                for (int k = 0; k < s; k++) { double d = dy[p * s + k]; sdy += d; sdx += d * (xs[p * s + k] - m); }
                red[ch] += sdy; red[c + ch] += sdx;
            }
            Tensor? gw = null, gb = null, gx = null;
            if (Weight != null) gw = Torch.FromArray(Enumerable.Range(0, c).Select(ch => (float)(red[c + ch] * invstd[ch])).ToArray(), c);
            if (Bias != null) gb = Torch.FromArray(Enumerable.Range(0, c).Select(ch => (float)red[ch]).ToArray(), c);
            if (xNeedsGrad)
            {
                group.AllReduce(red);
                gx = Torch.Empty(x.Shape.ToArray());
                var gxs = gx.AsSpan<float>();
                for (int p = 0; p < n * c; p++)
                {
                    int ch = p % c;
                    float m = mean[ch], inv = invstd[ch], wv = w != null ? w[ch] : 1f;
                    float meanDy = (float)(red[ch] / count), proj = (float)(red[c + ch] / count) * inv * inv;
                    float scale = inv * wv;
                    for (int k = 0; k < s; k++)
                        gxs[p * s + k] = (dy[p * s + k] - meanDy - (xs[p * s + k] - m) * proj) * scale;
                }
            }
            return new[] { gx, gw, gb };
        });
    }

    /// <summary>Replaces every BatchNorm1d/2d/3d in <paramref name="module"/> (and the module itself, if it is one) with a
    /// <see cref="SyncBatchNorm"/> that takes over its parameters and buffers, PyTorch's
    /// <c>SyncBatchNorm.convert_sync_batchnorm(module, process_group)</c>. State-dict keys stay the same. A parent's fields
    /// that pointed at a replaced BatchNorm are pointed at its replacement, so models that call their layers through
    /// fields use the new modules too.</summary>
    /// <returns>the converted module (a new object only when <paramref name="module"/> itself was a BatchNorm).</returns>
    public static Module ConvertSyncBatchNorm(Module module, ProcessGroup? processGroup = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module is BatchNormBase bn) return From(bn, processGroup);
        foreach (var parent in module.Modules().ToList())
            foreach (var (name, child) in parent.NamedChildren().ToList())
            {
                if (child is not BatchNormBase old) continue;
                var sync = From(old, processGroup);
                sync.Train(old.Training);
                parent.AddModule(name, sync);
                for (var t = parent.GetType(); t != null && t != typeof(Module); t = t.BaseType)
                    foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                        if (ReferenceEquals(f.GetValue(parent), old))
                        {
                            if (!f.FieldType.IsAssignableFrom(typeof(SyncBatchNorm)))
                                throw new InvalidOperationException(
                                    $"ConvertSyncBatchNorm: {parent.GetType().Name}.{f.Name} is typed {f.FieldType.Name} and cannot hold a SyncBatchNorm; " +
                                    "declare it as Module or NormBase to convert this model.");
                            f.SetValue(parent, sync);
                        }
            }
        return module;
    }

    private static SyncBatchNorm From(NormBase bn, ProcessGroup? group) =>
        new(bn.NumFeatures, bn.Eps, bn.Momentum, bn.Affine, bn.TrackRunningStats, group, bn);
}
