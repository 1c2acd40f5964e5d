namespace Lumen.NN;

/// <summary>
/// 2-d transposed convolution (the gradient of Conv2d with respect to its input; sometimes called a
/// fractionally-strided convolution) over (N, C_in, H, W) or unbatched (C_in, H, W), PyTorch's <c>nn.ConvTranspose2d</c>.
/// Output (N, C_out, H_out, W_out) with H_out = (H − 1)·stride[0] − 2·padding[0] + dilation[0]·(kernel[0] − 1) + outputPadding[0] + 1, W_out likewise with index 1.
/// Weight (C_in, C_out/groups, kernel...) and bias (C_out) start from U(±1/√fan_in) with PyTorch's fan_in =
/// C_out/groups·prod(kernel).
/// </summary>
public sealed class ConvTranspose2d : ConvTransposeNd
{
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels produced.</param>
    /// <param name="kernelSize">An int or a 2-tuple.</param>
    /// <param name="stride">An int or a 2-tuple; default 1.</param>
    /// <param name="padding">dilation·(kernel − 1) − padding zeros are added to both sides of the input; default 0.</param>
    /// <param name="outputPadding">Extra size added to one side of each output dimension (smaller than its stride or
    /// dilation); default 0.</param>
    /// <param name="groups">Blocked connections from input to output channels; default 1.</param>
    /// <param name="bias">Whether to learn an additive bias; default true.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="paddingMode">Only "zeros" is supported (as in PyTorch).</param>
    public ConvTranspose2d(int inChannels, int outChannels, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
                           IntTuple outputPadding = default, int groups = 1, bool bias = true, IntTuple dilation = default,
                           string paddingMode = "zeros")
        : base(2, inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode) { }
}
