namespace Lumen.NN;

/// <summary>
/// 3-d convolution over an input of (N, C_in, D, H, W) or unbatched (C_in, D, H, W), PyTorch's <c>nn.Conv3d</c>:
/// <c>new Conv3d(1, 8, kernelSize: (1, 2, 5), stride: (2, 4, 3))</c>. Output (N, C_out, D_out, H_out, W_out) with D_out = ⌊(D + 2·padding[0] − dilation[0]·(kernel[0] − 1) − 1) / stride[0]⌋ + 1, H_out and W_out likewise with indices 1 and 2
/// (with padding "same" the output keeps the input's size; "valid" is padding 0).
/// Weight (C_out, C_in/groups, kernel...) and bias (C_out) start from U(±1/√fan_in), fan_in = C_in/groups·prod(kernel).
/// </summary>
public sealed class Conv3d : ConvNd
{
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels produced.</param>
    /// <param name="kernelSize">An int or a 3-tuple.</param>
    /// <param name="stride">An int or a 3-tuple; default 1.</param>
    /// <param name="padding">An int, a 3-tuple, "valid" or "same"; default 0.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="groups">Blocked connections from input to output channels (both must be divisible by it); default 1.</param>
    /// <param name="bias">Whether to learn an additive bias; default true.</param>
    /// <param name="paddingMode">"zeros" (default), "reflect", "replicate" or "circular".</param>
    public Conv3d(int inChannels, int outChannels, IntTuple kernelSize, IntTuple stride = default, ConvPadding padding = default,
                  IntTuple dilation = default, int groups = 1, bool bias = true, string paddingMode = "zeros")
        : base(3, inChannels, outChannels, kernelSize, stride, padding, dilation, transposed: false, outputPadding: default,
               groups, bias, paddingMode) { }
}
