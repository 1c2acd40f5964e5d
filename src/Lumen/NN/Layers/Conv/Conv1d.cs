namespace Lumen.NN;

/// <summary>
/// 1-d convolution over an input of (N, C_in, L) or unbatched (C_in, L), PyTorch's <c>nn.Conv1d</c>:
/// <c>new Conv1d(16, 33, kernelSize: 3, stride: 2)</c>. Output (N, C_out, L_out) with L_out = ⌊(L + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1
/// (with padding "same" the output keeps the input's size; "valid" is padding 0).
/// Weight (C_out, C_in/groups, kernel...) and bias (C_out) start from U(±1/√fan_in), fan_in = C_in/groups·prod(kernel).
/// </summary>
public sealed class Conv1d : ConvNd
{
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels produced.</param>
    /// <param name="kernelSize">An int or a 1-tuple.</param>
    /// <param name="stride">An int or a 1-tuple; default 1.</param>
    /// <param name="padding">An int, a 1-tuple, "valid" or "same"; default 0.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="groups">Blocked connections from input to output channels (both must be divisible by it); default 1.</param>
    /// <param name="bias">Whether to learn an additive bias; default true.</param>
    /// <param name="paddingMode">"zeros" (default), "reflect", "replicate" or "circular".</param>
    public Conv1d(int inChannels, int outChannels, IntTuple kernelSize, IntTuple stride = default, ConvPadding padding = default,
                  IntTuple dilation = default, int groups = 1, bool bias = true, string paddingMode = "zeros")
        : base(1, inChannels, outChannels, kernelSize, stride, padding, dilation, transposed: false, outputPadding: default,
               groups, bias, paddingMode) { }
}
