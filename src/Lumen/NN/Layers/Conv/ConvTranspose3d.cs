namespace Lumen.NN;

/// <summary>
/// 3-d transposed convolution (the gradient of Conv3d with respect to its input; sometimes called a
/// fractionally-strided convolution) over (N, C_in, D, H, W) or unbatched (C_in, D, H, W), PyTorch's <c>nn.ConvTranspose3d</c>.
/// Output (N, C_out, D_out, H_out, W_out) with D_out = (D − 1)·stride[0] − 2·padding[0] + dilation[0]·(kernel[0] − 1) + outputPadding[0] + 1, H_out and W_out likewise.
/// Weight (C_in, C_out/groups, kernel...) and bias (C_out) start from U(±1/√fan_in) with PyTorch's fan_in =
/// C_out/groups·prod(kernel).
/// </summary>
public sealed class ConvTranspose3d : ConvTransposeNd
{
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels produced.</param>
    /// <param name="kernelSize">An int or a 3-tuple.</param>
    /// <param name="stride">An int or a 3-tuple; default 1.</param>
    /// <param name="padding">dilation·(kernel − 1) − padding zeros are added to both sides of the input; default 0.</param>
    /// <param name="outputPadding">Extra size added to one side of each output dimension (smaller than its stride or
    /// dilation); default 0.</param>
    /// <param name="groups">Blocked connections from input to output channels; default 1.</param>
    /// <param name="bias">Whether to learn an additive bias; default true.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="paddingMode">Only "zeros" is supported (as in PyTorch).</param>
    public ConvTranspose3d(int inChannels, int outChannels, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
                           IntTuple outputPadding = default, int groups = 1, bool bias = true, IntTuple dilation = default,
                           string paddingMode = "zeros")
        : base(3, inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode) { }
}
