using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen.NN;

/// <summary>
/// The base of <see cref="Conv1d"/>, <see cref="Conv2d"/>, <see cref="Conv3d"/> and the transposed convolutions,
/// PyTorch's <c>_ConvNd</c>. It validates the hyperparameters (naming the bad value), registers <c>weight</c> and
/// <c>bias</c> in PyTorch's order, initialises them as PyTorch does (<see cref="ResetParameters"/>) and prints
/// PyTorch's repr. Subclasses only fix the number of spatial dimensions.
/// </summary>
public abstract class ConvNd : Module
{
    private static readonly string[] Layouts = { "", "(N, C, L)", "(N, C, H, W)", "(N, C, D, H, W)" };
    private static readonly string[] PaddingModes = { "zeros", "reflect", "replicate", "circular" };

    /// <summary>Number of spatial dimensions (1, 2 or 3).</summary>
    public int SpatialDims { get; }
    /// <summary>Channels of the input, PyTorch's <c>in_channels</c>.</summary>
    public int InChannels { get; }
    /// <summary>Channels of the output, PyTorch's <c>out_channels</c>.</summary>
    public int OutChannels { get; }
    /// <summary>Kernel size per spatial dimension (always a tuple), PyTorch's <c>kernel_size</c>.</summary>
    public IntTuple KernelSize { get; }
    /// <summary>Stride per spatial dimension.</summary>
    public IntTuple Stride { get; }
    /// <summary>Padding per spatial dimension, or the string "same"/"valid" as given.</summary>
    public ConvPadding Padding { get; }
    /// <summary>Dilation per spatial dimension.</summary>
    public IntTuple Dilation { get; }
    /// <summary>True for the transposed convolutions.</summary>
    public bool Transposed { get; }
    /// <summary>Extra output size per dimension of a transposed convolution (zeros otherwise).</summary>
    public IntTuple OutputPadding { get; }
    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }
    /// <summary>"zeros", "reflect", "replicate" or "circular".</summary>
    public string PaddingMode { get; }

    /// <summary>(out, in/groups, k...) for a convolution, (in, out/groups, k...) for a transposed one.</summary>
    public readonly Parameter Weight;
    /// <summary>(out), or null when built with <c>bias: false</c>.</summary>
    public readonly Parameter? Bias;

    /// <summary>Padding sizes in <see cref="F.Pad"/>'s order (last dimension first), used when
    /// <see cref="PaddingMode"/> is not "zeros".</summary>
    private readonly int[] _reversedPaddingRepeatedTwice;

    protected ConvNd(int spatialDims, int inChannels, int outChannels, IntTuple kernelSize, IntTuple stride, ConvPadding padding,
                     IntTuple dilation, bool transposed, IntTuple outputPadding, int groups, bool bias, string paddingMode)
    {
        string owner = GetType().Name;
        SpatialDims = spatialDims;
        if (inChannels <= 0) throw new ArgumentException($"{owner}: inChannels ({inChannels}) must be positive.");
        if (outChannels <= 0) throw new ArgumentException($"{owner}: outChannels ({outChannels}) must be positive.");
        if (groups <= 0) throw new ArgumentException($"{owner}: groups ({groups}) must be a positive integer.");
        if (inChannels % groups != 0) throw new ArgumentException($"{owner}: inChannels ({inChannels}) must be divisible by groups ({groups}).");
        if (outChannels % groups != 0) throw new ArgumentException($"{owner}: outChannels ({outChannels}) must be divisible by groups ({groups}).");

        var k = kernelSize.Expand(spatialDims, "kernelSize", owner);
        var s = stride.Expand(spatialDims, 1, "stride", owner);
        var d = dilation.Expand(spatialDims, 1, "dilation", owner);
        var op = outputPadding.Expand(spatialDims, 0, "outputPadding", owner);
        if (k.Any(v => v <= 0)) throw new ArgumentException($"{owner}: kernelSize {new IntTuple(k)} must be positive.");
        if (s.Any(v => v <= 0)) throw new ArgumentException($"{owner}: stride {new IntTuple(s)} must be positive.");
        if (d.Any(v => v <= 0)) throw new ArgumentException($"{owner}: dilation {new IntTuple(d)} must be positive.");
        if (op.Any(v => v < 0)) throw new ArgumentException($"{owner}: outputPadding {new IntTuple(op)} must be non-negative.");
        if (!PaddingModes.Contains(paddingMode))
            throw new ArgumentException($"{owner}: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got paddingMode='{paddingMode}'.");
        if (transposed && paddingMode != "zeros")
            throw new ArgumentException($"{owner}: only \"zeros\" padding mode is supported, got paddingMode='{paddingMode}'.");

        padding.Validate(owner);
        if (padding.Mode != null)
        {
            if (transposed) throw new ArgumentException($"{owner}: padding must be an int or a tuple, got '{padding.Mode}'.");
            if (padding.IsSame && s.Any(v => v != 1))
                throw new ArgumentException($"{owner}: padding='same' is not supported for strided convolutions (stride {new IntTuple(s)}).");
            Padding = padding;
        }
        else
        {
            var p = padding.Values.Expand(spatialDims, 0, "padding", owner);
            if (p.Any(v => v < 0)) throw new ArgumentException($"{owner}: padding {new IntTuple(p)} must be non-negative.");
            Padding = new IntTuple(p);
        }
        var (before, after) = F.ConvPads(Padding, k, s, d, owner);
        _reversedPaddingRepeatedTwice = new int[2 * spatialDims];
        for (int i = 0; i < spatialDims; i++)
        {
            _reversedPaddingRepeatedTwice[2 * (spatialDims - 1 - i)] = before[i];
            _reversedPaddingRepeatedTwice[2 * (spatialDims - 1 - i) + 1] = after[i];
        }

        InChannels = inChannels; OutChannels = outChannels; Groups = groups;
        KernelSize = new IntTuple(k); Stride = new IntTuple(s); Dilation = new IntTuple(d); OutputPadding = new IntTuple(op);
        Transposed = transposed; PaddingMode = paddingMode;

        var wShape = (transposed ? new[] { inChannels, outChannels / groups } : new[] { outChannels, inChannels / groups }).Concat(k).ToArray();
        Weight = RegisterParameter("weight", Torch.Empty(wShape));
        Bias = bias ? RegisterParameter("bias", Torch.Empty(outChannels)) : RegisterParameter("bias", (Parameter?)null);
        ResetParameters();
    }

    /// <summary>PyTorch's initialisation: <c>kaiming_uniform_(weight, a=√5)</c>, i.e. U(±1/√fan_in), then the bias from
    /// U(±1/√fan_in), with fan_in = weight.size(1)·prod(kernel) (for a transposed convolution that is out/groups·prod(kernel),
    /// as in PyTorch). The order of the two draws matters for reproducing PyTorch's values from a seed.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias != null)
        {
            var (fanIn, _) = Init.CalculateFanInAndFanOut(Weight);
            if (fanIn != 0)
            {
                double bound = 1 / Math.Sqrt(fanIn);
                Init.Uniform_(Bias, -bound, bound);
            }
        }
    }

    /// <summary>Checks the input's rank and channel count, naming this module and the shapes.</summary>
    protected void CheckInput(Tensor input)
    {
        int n = SpatialDims;
        bool batched = input.Ndim == n + 2, unbatched = input.Ndim == n + 1;
        int c = batched ? input.Size(1) : unbatched ? input.Size(0) : -1;
        if (c != InChannels)
            throw new ShapeMismatchException(
                $"{this} got input {input.Shape}: expected {n + 2}-D input {Layouts[n]} (or unbatched {n + 1}-D) with C = {InChannels}.");
    }

    /// <summary>The inference fold with the batch norm that follows, set by <see cref="ModuleFusionExtensions.FuseForInference"/>;
    /// null when this convolution is not fused.</summary>
    internal ConvBatchNormFold? Fold;

    /// <summary>The convolution itself: explicit padding first when <see cref="PaddingMode"/> is not "zeros". When fused
    /// for inference and allowed to (<see cref="ConvBatchNormFold.CanRun"/>), the convolution with the folded weights,
    /// rectified in place when the ReLU was fused too, tagged for the batch norm to pass on.</summary>
    public override Tensor Forward(Tensor input)
    {
        CheckInput(input);
        if (Fold is { } fold && fold.CanRun(input))
        {
            var (w, b) = fold.Folded();
            _winogradFolded.TakeFrom(_winograd);   // the own weights' transform is not read while fused: reuse its array
            var y = Convolve(input, w, b, _winogradFolded);
            if (fold.Relu) y.Relu_();
            FusedOutputs.Mark(y, fold.BatchNorm, fold.Relu);
            return y;
        }
        return Convolve(input, Weight, Bias, _winograd);
    }

    /// <summary>The Winograd transform of the weights this module convolves with, kept between calls (re-made when the
    /// weights' storage or version changes): in inference across calls, in training from the forward to its input
    /// gradient; one for its own weights, one for the fold's.</summary>
    private readonly WinogradWeights _winograd = new(), _winogradFolded = new();

    private Tensor Convolve(Tensor input, Tensor weight, Tensor? bias, WinogradWeights? winograd)
    {
        string op = $"conv{SpatialDims}d";
        if (PaddingMode != "zeros")
            return F.Convolution(F.Pad(input, _reversedPaddingRepeatedTwice, PaddingMode), weight, bias, Stride, 0, Dilation, Groups, SpatialDims, op, winograd: winograd);
        return F.Convolution(input, weight, bias, Stride, Padding, Dilation, Groups, SpatialDims, op, winograd: winograd);
    }

    /// <summary>PyTorch's <c>extra_repr</c>: <c>32, 64, kernel_size=(3, 3), stride=(1, 1)</c> plus padding, dilation,
    /// output_padding, groups, bias=False and padding_mode where they differ from the defaults.</summary>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding.Mode != null || Padding.Values.Any(v => v != 0)) s += $", padding={Padding}";
        if (Dilation.Any(v => v != 1)) s += $", dilation={Dilation}";
        if (OutputPadding.Any(v => v != 0)) s += $", output_padding={OutputPadding}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias == null) s += ", bias=False";
        if (PaddingMode != "zeros") s += $", padding_mode={PaddingMode}";
        return s;
    }
}
