using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen.NN;

/// <summary>
/// The functional API, PyTorch's <c>torch.nn.functional</c>: stateless ops that take their weights as arguments.
/// Modules call these.
/// </summary>
public static partial class F
{
    /// <summary>
    /// 1-d convolution (cross-correlation), PyTorch's <c>F.conv1d</c>.
    /// </summary>
    /// <param name="input">(N, C_in, L) or unbatched (C_in, L).</param>
    /// <param name="weight">(C_out, C_in/groups, kL).</param>
    /// <param name="bias">(C_out) or null.</param>
    /// <param name="stride">An int or a 1-tuple; default 1.</param>
    /// <param name="padding">Zeros added on both sides: an int, a 1-tuple, "valid" (0) or "same" (output length = input
    /// length; stride must be 1; an odd total d·(k−1) puts the extra zero after).</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="groups">Input and output channels are split into this many groups convolved separately.</param>
    /// <returns>(N, C_out, L_out) with L_out = ⌊(L + 2·padding − dilation·(kL − 1) − 1) / stride⌋ + 1.</returns>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
                                ConvPadding padding = default, IntTuple dilation = default, int groups = 1)
        => Convolution(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d");

    /// <summary>
    /// 2-d convolution (cross-correlation), PyTorch's <c>F.conv2d</c>.
    /// </summary>
    /// <param name="input">(N, C_in, H, W) or unbatched (C_in, H, W).</param>
    /// <param name="weight">(C_out, C_in/groups, kH, kW).</param>
    /// <param name="bias">(C_out) or null.</param>
    /// <param name="stride">An int or (sH, sW); default 1.</param>
    /// <param name="padding">An int, (pH, pW), "valid" or "same" (stride 1 only).</param>
    /// <param name="dilation">An int or (dH, dW); default 1.</param>
    /// <param name="groups">Number of channel groups (C_in and C_out must be divisible by it).</param>
    /// <returns>(N, C_out, H_out, W_out) with H_out = ⌊(H + 2·pH − dH·(kH − 1) − 1) / sH⌋ + 1, likewise W_out.</returns>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
                                ConvPadding padding = default, IntTuple dilation = default, int groups = 1)
        => Convolution(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d");

    /// <summary>
    /// 3-d convolution (cross-correlation), PyTorch's <c>F.conv3d</c>.
    /// </summary>
    /// <param name="input">(N, C_in, D, H, W) or unbatched (C_in, D, H, W).</param>
    /// <param name="weight">(C_out, C_in/groups, kD, kH, kW).</param>
    /// <param name="bias">(C_out) or null.</param>
    /// <param name="stride">An int or (sD, sH, sW); default 1.</param>
    /// <param name="padding">An int, (pD, pH, pW), "valid" or "same" (stride 1 only).</param>
    /// <param name="dilation">An int or (dD, dH, dW); default 1.</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <returns>(N, C_out, D_out, H_out, W_out) with D_out = ⌊(D + 2·pD − dD·(kD − 1) − 1) / sD⌋ + 1, likewise H_out, W_out.</returns>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
                                ConvPadding padding = default, IntTuple dilation = default, int groups = 1)
        => Convolution(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d");

    /// <summary>
    /// 1-d transposed convolution (the gradient of conv1d with respect to its input), PyTorch's <c>F.conv_transpose1d</c>.
    /// </summary>
    /// <param name="input">(N, C_in, L) or unbatched (C_in, L).</param>
    /// <param name="weight">(C_in, C_out/groups, kL).</param>
    /// <param name="bias">(C_out) or null.</param>
    /// <param name="stride">Default 1.</param>
    /// <param name="padding">dilation·(k − 1) − padding zeros are added to both sides of the input; default 0.</param>
    /// <param name="outputPadding">Extra size added to one side of the output (smaller than stride or dilation).</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <param name="dilation">Default 1.</param>
    /// <returns>(N, C_out, L_out) with L_out = (L − 1)·stride − 2·padding + dilation·(kL − 1) + outputPadding + 1.</returns>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
                                         IntTuple padding = default, IntTuple outputPadding = default, int groups = 1,
                                         IntTuple dilation = default)
        => ConvolutionTranspose(input, weight, bias, stride, padding, outputPadding, groups, dilation, 1, "conv_transpose1d");

    /// <summary>
    /// 2-d transposed convolution, PyTorch's <c>F.conv_transpose2d</c>.
    /// </summary>
    /// <param name="input">(N, C_in, H, W) or unbatched (C_in, H, W).</param>
    /// <param name="weight">(C_in, C_out/groups, kH, kW).</param>
    /// <param name="bias">(C_out) or null.</param>
    /// <param name="stride">An int or (sH, sW).</param>
    /// <param name="padding">An int or (pH, pW).</param>
    /// <param name="outputPadding">An int or (opH, opW), each smaller than the stride or the dilation of its dimension.</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <param name="dilation">An int or (dH, dW).</param>
    /// <returns>(N, C_out, H_out, W_out) with H_out = (H − 1)·sH − 2·pH + dH·(kH − 1) + opH + 1, likewise W_out.</returns>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
                                         IntTuple padding = default, IntTuple outputPadding = default, int groups = 1,
                                         IntTuple dilation = default)
        => ConvolutionTranspose(input, weight, bias, stride, padding, outputPadding, groups, dilation, 2, "conv_transpose2d");

    /// <summary>
    /// 3-d transposed convolution, PyTorch's <c>F.conv_transpose3d</c>.
    /// </summary>
    /// <param name="input">(N, C_in, D, H, W) or unbatched (C_in, D, H, W).</param>
    /// <param name="weight">(C_in, C_out/groups, kD, kH, kW).</param>
    /// <param name="bias">(C_out) or null.</param>
    /// <param name="stride">An int or (sD, sH, sW).</param>
    /// <param name="padding">An int or (pD, pH, pW).</param>
    /// <param name="outputPadding">An int or (opD, opH, opW).</param>
    /// <param name="groups">Number of channel groups.</param>
    /// <param name="dilation">An int or (dD, dH, dW).</param>
    /// <returns>(N, C_out, D_out, H_out, W_out) with D_out = (D − 1)·sD − 2·pD + dD·(kD − 1) + opD + 1, likewise H_out, W_out.</returns>
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
                                         IntTuple padding = default, IntTuple outputPadding = default, int groups = 1,
                                         IntTuple dilation = default)
        => ConvolutionTranspose(input, weight, bias, stride, padding, outputPadding, groups, dilation, 3, "conv_transpose3d");

    // ------------------------------------------------------------------ shared N-d implementation

    private static readonly string[] SpatialNames = { "", "(N, C, L)", "(N, C, H, W)", "(N, C, D, H, W)" };

    /// <summary>Padding before and after each spatial dimension for a convolution's <paramref name="padding"/>
    /// argument; "same" splits d·(k−1) with the extra element after, as PyTorch.</summary>
    internal static (int[] Before, int[] After) ConvPads(ConvPadding padding, int[] kernel, int[] stride, int[] dilation, string op)
    {
        padding.Validate(op);
        int n = kernel.Length;
        if (padding.IsSame)
        {
            if (stride.Any(s => s != 1))
                throw new ArgumentException($"{op}: padding='same' is not supported for strided convolutions (stride {new IntTuple(stride)}).");
            var before = new int[n]; var after = new int[n];
            for (int i = 0; i < n; i++)
            {
                int total = dilation[i] * (kernel[i] - 1);
                before[i] = total / 2; after[i] = total - before[i];
            }
            return (before, after);
        }
        if (padding.IsValid) return (new int[n], new int[n]);
        var p = padding.Values.Expand(n, 0, "padding", op);
        if (p.Any(v => v < 0)) throw new ArgumentException($"{op}: padding must be non-negative, got {new IntTuple(p)}.");
        return (p, (int[])p.Clone());
    }

    private static void CheckPositive(int[] v, string name, string op)
    {
        if (v.Any(x => x <= 0)) throw new ArgumentException($"{op}: {name} must be positive, got {new IntTuple(v)}.");
    }

    /// <summary>Checks input/weight ranks; returns true (and the batched view) for an unbatched input.</summary>
    private static bool Batchify(ref Tensor input, Tensor weight, int dims, string op)
    {
        if (input.DType != DType.Float32 || weight.DType != DType.Float32)
            throw new ArgumentException($"{op}: expected float32 input and weight, got {input.DType.TorchName()} and {weight.DType.TorchName()}.");
        if (weight.Ndim != dims + 2)
            throw new ShapeMismatchException($"{op}: expected a {dims + 2}-D weight, got weight of shape {weight.Shape} (input {input.Shape}).");
        if (input.Ndim == dims + 1) { input = input.Unsqueeze(0); return true; }
        if (input.Ndim != dims + 2)
            throw new ShapeMismatchException(
                $"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {op}, but got input of size: {input.Shape} " +
                $"(weight {weight.Shape}; batched layout {SpatialNames[dims]}).");
        return false;
    }

    private static void CheckBias(Tensor? bias, int outChannels, Tensor weight, string op)
    {
        if (bias == null) return;
        if (bias.DType != DType.Float32) throw new ArgumentException($"{op}: expected a float32 bias, got {bias.DType.TorchName()}.");
        if (bias.Ndim != 1 || bias.Size(0) != outChannels)
            throw new ShapeMismatchException(
                $"{op}: given weight of size {weight.Shape}, expected bias to be 1-dimensional with {outChannels} elements, but got bias of size {bias.Shape} instead.");
    }

    private static string Sizes(IEnumerable<int> v) => "(" + string.Join(" x ", v) + ")";

    /// <summary>The convolution of every spatial rank. <paramref name="winograd"/>: the calling module's kept Winograd weight
    /// transform (inference, and training from the forward to its input gradient; see <see cref="ConvNd"/>), used when the
    /// weight is contiguous (its storage and version counter then name it); null: none.</summary>
    internal static Tensor Convolution(Tensor input, Tensor weight, Tensor? bias, IntTuple stride, ConvPadding padding,
                                       IntTuple dilation, int groups, int dims, string op, ConvPlanOptions plan = default,
                                       WinogradWeights? winograd = null)
    {
        bool unbatched = Batchify(ref input, weight, dims, op);
        var st = stride.Expand(dims, 1, "stride", op);
        var dil = dilation.Expand(dims, 1, "dilation", op);
        CheckPositive(st, "stride", op);
        CheckPositive(dil, "dilation", op);
        if (groups <= 0) throw new ArgumentException($"{op}: groups must be a positive integer, got {groups}.");
        var kernel = weight.Shape.ToArray()[2..];
        var (before, after) = ConvPads(padding, kernel, st, dil, op);

        int n = input.Size(0), c = input.Size(1), oc = weight.Size(0);
        if (weight.Size(1) * groups != c)
            throw new ShapeMismatchException(
                $"Given groups={groups}, weight of size {weight.Shape}, expected input{input.Shape} to have {weight.Size(1) * groups} channels, " +
                $"but got {c} channels instead ({op}).");
        if (oc % groups != 0)
            throw new ShapeMismatchException($"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {weight.Shape} instead ({op}).");
        CheckBias(bias, oc, weight, op);

        var inSize = input.Shape.ToArray()[2..];
        var outSize = new int[dims];
        for (int i = 0; i < dims; i++)
        {
            int padded = inSize[i] + before[i] + after[i], span = dil[i] * (kernel[i] - 1) + 1;
            if (padded < span)
                throw new ShapeMismatchException(
                    $"{op}: calculated padded input size per channel: {Sizes(inSize.Select((s, j) => s + before[j] + after[j]))}. " +
                    $"Kernel size: {Sizes(kernel.Select((k, j) => dil[j] * (k - 1) + 1))}. Kernel size can't be greater than actual input size " +
                    $"(input {input.Shape}, weight {weight.Shape}).");
            outSize[i] = (padded - span) / st[i] + 1;
        }

        var geo = new ConvGeometry(n, c, oc, groups, inSize, kernel, st, before, dil, outSize);
        var x = input.Contiguous();
        var w = weight.Contiguous();
        var b = bias?.Contiguous();
        if (Torch.AreSplitInvariantReductionsEnabled())
        {
            var one = new ConvGeometry(1, c, oc, groups, inSize, kernel, st, before, dil, outSize);
            var yy = ConvolutionSplitInvariant(input, weight, bias, geo, one, x, w, b, new[] { n, oc }.Concat(outSize).ToArray(), plan);
            return unbatched ? yy.Squeeze(0) : yy;
        }
        var y = Tensor.Empty(new[] { n, oc }.Concat(outSize).ToArray(), DType.Float32, zero: false);
        if (winograd != null && ReferenceEquals(w, weight)) winograd.Stamp(w.Storage, w.Storage.Version);
        else winograd = null;
        ConvKernels.Forward(geo, x.ViewF32(), w.ViewF32(), b?.ViewF32() ?? default, y.ViewF32(), plan, winograd);

        var xShape = input.Shape.ToArray();
        var result = Graph.Record(y, "ConvolutionBackward0", new[] { input, weight, bias }, g =>
        {
            var gy = g.Contiguous();
            Tensor? gx = input.RequiresGrad ? Tensor.Empty(xShape, DType.Float32, zero: false) : null;
            Tensor? gw = weight.RequiresGrad ? Tensor.Empty(w._shape, DType.Float32, zero: false) : null;
            Tensor? gb = bias is { RequiresGrad: true } ? Tensor.Empty(new[] { oc }, DType.Float32, zero: false) : null;
            // The forward's kept transform serves the input gradient when the weights are still the ones it was made from
            // (the stamp says; a write since then makes a new one).
            winograd?.Stamp(w.Storage, w.Storage.Version);
            if (gx != null || gw != null || gb != null)
                ConvKernels.Backward(geo, x.ViewF32(), w.ViewF32(), gy.ViewF32(), gx?.ViewF32() ?? default, gw?.ViewF32() ?? default,
                                     gb?.ViewF32() ?? default, plan, gx != null ? winograd : null);
            return new[] { gx, gw, gb };
        }, x, w);
        return unbatched ? result.Squeeze(0) : result;
    }

    internal static Tensor ConvolutionTranspose(Tensor input, Tensor weight, Tensor? bias, IntTuple stride, IntTuple padding,
                                                IntTuple outputPadding, int groups, IntTuple dilation, int dims, string op,
                                                ConvPlanOptions plan = default)
    {
        bool unbatched = Batchify(ref input, weight, dims, op);
        var st = stride.Expand(dims, 1, "stride", op);
        var dil = dilation.Expand(dims, 1, "dilation", op);
        var pad = padding.Expand(dims, 0, "padding", op);
        var opad = outputPadding.Expand(dims, 0, "outputPadding", op);
        CheckPositive(st, "stride", op);
        CheckPositive(dil, "dilation", op);
        if (pad.Any(v => v < 0)) throw new ArgumentException($"{op}: padding must be non-negative, got {new IntTuple(pad)}.");
        if (opad.Any(v => v < 0)) throw new ArgumentException($"{op}: outputPadding must be non-negative, got {new IntTuple(opad)}.");
        for (int i = 0; i < dims; i++)
            if (opad[i] >= st[i] && opad[i] >= dil[i])
                throw new ArgumentException(
                    $"{op}: output padding must be smaller than either stride or dilation, but got outputPadding {new IntTuple(opad)}, " +
                    $"stride {new IntTuple(st)}, dilation {new IntTuple(dil)}.");
        if (groups <= 0) throw new ArgumentException($"{op}: groups must be a positive integer, got {groups}.");

        int n = input.Size(0), cin = input.Size(1);
        if (weight.Size(0) != cin)
            throw new ShapeMismatchException(
                $"Given transposed=1, weight of size {weight.Shape}, expected input{input.Shape} to have {weight.Size(0)} channels, " +
                $"but got {cin} channels instead ({op}).");
        if (cin % groups != 0)
            throw new ShapeMismatchException($"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {weight.Shape} instead ({op}).");
        int cout = weight.Size(1) * groups;
        CheckBias(bias, cout, weight, op);

        var kernel = weight.Shape.ToArray()[2..];
        var inSize = input.Shape.ToArray()[2..];
        var outSize = new int[dims];
        for (int i = 0; i < dims; i++)
        {
            outSize[i] = (inSize[i] - 1) * st[i] - 2 * pad[i] + dil[i] * (kernel[i] - 1) + opad[i] + 1;
            if (outSize[i] <= 0)
                throw new ShapeMismatchException(
                    $"{op}: input {input.Shape} with weight {weight.Shape}, stride {new IntTuple(st)}, padding {new IntTuple(pad)} gives a " +
                    $"non-positive output size {new IntTuple(outSize)}.");
        }

        // The transposed convolution is the input gradient of the convolution that maps its output back to its input:
        // that convolution has C_out input channels, C_in output channels and the same weight tensor.
        var geo = new ConvGeometry(n, cout, cin, groups, outSize, kernel, st, pad, dil, inSize);
        var x = input.Contiguous();
        var w = weight.Contiguous();
        var b = bias?.Contiguous();
        var yShape = new[] { n, cout }.Concat(outSize).ToArray();
        var y = Tensor.Empty(yShape, DType.Float32, zero: false);
        ConvKernels.InputGrad(geo, w.ViewF32(), x.ViewF32(), y.ViewF32(), plan);
        if (b != null) ConvKernels.AddBias(b.ViewF32(), y.ViewF32());

        var xShape = input.Shape.ToArray();
        var result = Graph.Record(y, "ConvolutionBackward0", new[] { input, weight, bias }, g =>
        {
            var gy = g.Contiguous();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad)
            {
                gx = Tensor.Empty(xShape, DType.Float32, zero: false);
                ConvKernels.Forward(geo, gy.ViewF32(), w.ViewF32(), default, gx.ViewF32(), plan);
            }
            if (weight.RequiresGrad)
            {
                gw = Tensor.Empty(w._shape, DType.Float32, zero: false);
                ConvKernels.WeightGrad(geo, gy.ViewF32(), x.ViewF32(), gw.ViewF32(), options: plan);
            }
            if (bias is { RequiresGrad: true })
            {
                gb = Tensor.Empty(new[] { cout }, DType.Float32, zero: false);
                ConvKernels.BiasGrad(gy.ViewF32(), gb.SpanF32());
            }
            return new[] { gx, gw, gb };
        }, x, w);
        return unbatched ? result.Squeeze(0) : result;
    }
}
