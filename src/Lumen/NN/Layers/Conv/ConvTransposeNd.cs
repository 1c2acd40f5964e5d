namespace Lumen.NN;

/// <summary>The base of the transposed convolutions, PyTorch's <c>_ConvTransposeNd</c>: a <see cref="ConvNd"/> whose
/// forward is <see cref="F.ConvTranspose2d"/> (or 1d/3d), optionally asked for a given output size.</summary>
public abstract class ConvTransposeNd : ConvNd
{
    protected ConvTransposeNd(int spatialDims, int inChannels, int outChannels, IntTuple kernelSize, IntTuple stride, IntTuple padding,
                              IntTuple outputPadding, int groups, bool bias, IntTuple dilation, string paddingMode)
        : base(spatialDims, inChannels, outChannels, kernelSize, stride, padding.IsDefault ? 0 : padding, dilation, transposed: true,
               outputPadding, groups, bias, paddingMode)
    {
        for (int i = 0; i < spatialDims; i++)
            if (OutputPadding[i] >= Stride[i] && OutputPadding[i] >= Dilation[i])
                throw new ArgumentException(
                    $"{GetType().Name}: outputPadding {OutputPadding} must be smaller than either stride {Stride} or dilation {Dilation}.");
    }

    /// <summary>The transposed convolution with the module's outputPadding.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, default);

    /// <summary>The transposed convolution; with <paramref name="outputSize"/> (the spatial sizes, or the full shape)
    /// the output padding is chosen to produce that size, as PyTorch's <c>forward(input, output_size)</c>.</summary>
    public Tensor Forward(Tensor input, IntTuple outputSize)
    {
        CheckInput(input);
        var op = outputSize.IsDefault ? OutputPadding : new IntTuple(OutputPaddingFor(input, outputSize));
        return F.ConvolutionTranspose(input, Weight, Bias, Stride, Padding.Values, op, Groups, Dilation, SpatialDims,
                                      $"conv_transpose{SpatialDims}d");
    }

    private int[] OutputPaddingFor(Tensor input, IntTuple outputSize)
    {
        int n = SpatialDims;
        var size = outputSize.ToArray();
        if (size.Length == n + 2 || size.Length == n + 1) size = size[^n..];
        if (size.Length != n)
            throw new ArgumentException($"{this}: outputSize must have {n} or {n + 2} elements, got {outputSize}.");
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            int inSize = input.Size(input.Ndim - n + i);
            int min = (inSize - 1) * Stride[i] - 2 * Padding.Values[i] + Dilation[i] * (KernelSize[i] - 1) + 1;
            int max = min + Stride[i] - 1;
            if (size[i] < min || size[i] > max)
                throw new ArgumentException(
                    $"{this}: requested an output size of {outputSize}, but valid sizes for input {input.Shape} range from {min} to {max} in dimension {i}.");
            result[i] = size[i] - min;
        }
        return result;
    }
}
