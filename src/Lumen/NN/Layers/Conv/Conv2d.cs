namespace Lumen.NN;

/// <summary>
/// 2-d convolution over an input of (N, C_in, H, W) or unbatched (C_in, H, W), PyTorch's <c>nn.Conv2d</c>:
/// <c>new Conv2d(3, 32, kernelSize: (3, 3), stride: (1, 1), padding: 1)</c>. Output (N, C_out, H_out, W_out) with H_out = ⌊(H + 2·padding[0] − dilation[0]·(kernel[0] − 1) − 1) / stride[0]⌋ + 1, W_out likewise with index 1
/// (with padding "same" the output keeps the input's size; "valid" is padding 0).
/// Weight (C_out, C_in/groups, kernel...) and bias (C_out) start from U(±1/√fan_in), fan_in = C_in/groups·prod(kernel).
/// </summary>
public sealed class Conv2d : ConvNd
{
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels produced.</param>
    /// <param name="kernelSize">An int or a 2-tuple.</param>
    /// <param name="stride">An int or a 2-tuple; default 1.</param>
    /// <param name="padding">An int, a 2-tuple, "valid" or "same"; default 0.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="groups">Blocked connections from input to output channels (both must be divisible by it); default 1.</param>
    /// <param name="bias">Whether to learn an additive bias; default true.</param>
    /// <param name="paddingMode">"zeros" (default), "reflect", "replicate" or "circular".</param>
    public Conv2d(int inChannels, int outChannels, IntTuple kernelSize, IntTuple stride = default, ConvPadding padding = default,
                  IntTuple dilation = default, int groups = 1, bool bias = true, string paddingMode = "zeros")
        : base(2, inChannels, outChannels, kernelSize, stride, padding, dilation, transposed: false, outputPadding: default,
               groups, bias, paddingMode) { }
}
