using Lumen.Autograd;

namespace Lumen.NN;

/// <summary>
/// The inference cache of one Conv→BatchNorm(→ReLU) chain that <see cref="ModuleFusionExtensions.FuseForInference"/>
/// found: the convolution's weight and bias with the batch norm folded in, w' = w·γ/√(var+ε) and
/// b' = (b − mean)·γ/√(var+ε) + β per output channel, computed in float64 and rounded once to float32. It hangs beside the
/// modules (the tree, its repr and its state dict are untouched) and is used only when the result cannot differ from the
/// unfused modules: see <see cref="CanRun"/>. The fold is rebuilt whenever one of its six source tensors was written
/// since (every in-place write, optimizer step and <c>LoadStateDict</c> bumps the storage's version counter).
/// </summary>
internal sealed class ConvBatchNormFold
{
    public ConvNd Conv { get; }
    public BatchNormBase BatchNorm { get; }
    /// <summary>The batch norm's output goes only to a <see cref="ReLU"/> module: apply it on the fresh convolution output.</summary>
    public bool Relu { get; }

    private Tensor? _weight, _bias;
    private readonly Tensor?[] _sources = new Tensor?[6];
    private readonly int[] _versions = new int[6];
    private readonly object _gate = new();

    public ConvBatchNormFold(ConvNd conv, BatchNormBase batchNorm, bool relu) { Conv = conv; BatchNorm = batchNorm; Relu = relu; }

    /// <summary>Only in eval mode of both modules and with no graph to record (grad mode off, the input not requiring grad),
    /// with the batch norm normalising by running statistics, and with no forward hooks on either module (a hook on the
    /// convolution would see the normalised output, one on the batch norm its already-normalised input).</summary>
    public bool CanRun(Tensor input) =>
        !Conv.Training && !BatchNorm.Training && !GradMode.Enabled && !input.RequiresGrad
        && BatchNorm.RunningMean != null && BatchNorm.RunningVar != null
        && input.DType == DType.Float32 && !Conv.HasHooks && !BatchNorm.HasHooks;

    /// <summary>The folded (weight, bias), re-folded when a source tensor changed since the last fold.</summary>
    public (Tensor Weight, Tensor Bias) Folded()
    {
        lock (_gate)
        {
            if (_weight == null || Stale()) Fold();
            return (_weight!, _bias!);
        }
    }

    private Tensor?[] CurrentSources() =>
        new[] { Conv.Weight, Conv.Bias, BatchNorm.Weight, BatchNorm.Bias, BatchNorm.RunningMean, BatchNorm.RunningVar };

    private bool Stale()
    {
        var now = CurrentSources();
        for (int i = 0; i < now.Length; i++)
        {
            if (!ReferenceEquals(now[i], _sources[i])) return true;
            if (now[i] is { } t && t.Storage.Version != _versions[i]) return true;
        }
        return false;
    }

    private void Fold()
    {
        var now = CurrentSources();
        for (int i = 0; i < now.Length; i++) { _sources[i] = now[i]; _versions[i] = now[i]?.Storage.Version ?? 0; }
        int outC = Conv.OutChannels;
        var w = Conv.Weight.ToArray();
        var b = Conv.Bias?.ToArray();
        var gamma = BatchNorm.Weight?.ToArray();
        var beta = BatchNorm.Bias?.ToArray();
        var mean = BatchNorm.RunningMean!.ToArray();
        var var_ = BatchNorm.RunningVar!.ToArray();
        int per = w.Length / outC;
        var fw = new float[w.Length];
        var fb = new float[outC];
        for (int o = 0; o < outC; o++)
        {
            double scale = (gamma?[o] ?? 1.0) / Math.Sqrt(var_[o] + BatchNorm.Eps);
            for (int j = o * per; j < (o + 1) * per; j++) fw[j] = (float)(w[j] * scale);
            fb[o] = (float)(((b?[o] ?? 0.0) - mean[o]) * scale + (beta?[o] ?? 0.0));
        }
        // The fold outlives the step that built it: no DisposeScope may take it.
        _weight = Torch.FromArray(fw, Conv.Weight.Shape.ToArray()).DetachFromDisposeScope();
        _bias = Torch.FromArray(fb, outC).DetachFromDisposeScope();
    }
}
