using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen.NN;

public static partial class F
{
    /// <summary>
    /// Pads the last dimensions of <paramref name="input"/>, PyTorch's <c>F.pad</c>. <paramref name="pad"/> lists
    /// (before, after) sizes starting from the LAST dimension: <c>(left, right)</c> pads the last dimension,
    /// <c>(left, right, top, bottom)</c> the last two, <c>(left, right, top, bottom, front, back)</c> the last three.
    /// Negative sizes crop.
    /// <list type="bullet">
    /// <item><c>"constant"</c>: fills with <paramref name="value"/>; any number of dimensions.</item>
    /// <item><c>"reflect"</c>: mirrors without repeating the edge (<c>[1 2 3]</c> → <c>2 1 2 3 2 1</c>); each size must be
    /// smaller than the dimension it pads.</item>
    /// <item><c>"replicate"</c>: repeats the edge value (<c>1 1 1 2 3 3 3</c>).</item>
    /// <item><c>"circular"</c>: wraps around (<c>2 3 1 2 3 1 2</c>); each size at most the dimension's size.</item>
    /// </list>
    /// The non-constant modes pad 1, 2 or 3 trailing dimensions of an input with one or two more dimensions than that
    /// ((C, W) or (N, C, W) for 1 dimension, and so on), as PyTorch.
    /// </summary>
    /// <param name="input">Any shape for "constant"; see above for the other modes.</param>
    /// <param name="pad">An even number of sizes, at most two per input dimension: <c>(1, 1)</c>, <c>(1, 2, 0, 1)</c> or an int[].</param>
    /// <param name="mode">"constant", "reflect", "replicate" or "circular".</param>
    /// <param name="value">The fill value of "constant" padding.</param>
    /// <returns>The input's shape with dimension −1−i grown by pad[2i] + pad[2i+1].</returns>
    public static Tensor Pad(Tensor input, IntTuple pad, string mode = "constant", double value = 0)
    {
        if (pad.IsDefault || pad.IsScalar)
            throw new ArgumentException($"pad: expected a tuple of (before, after) sizes such as (1, 1), got {pad}.");
        if (input.DType != DType.Float32) throw new ArgumentException($"pad: expected a float32 input, got {input.DType.TorchName()}.");
        var p = pad.ToArray();
        int ndim = input.Ndim;
        if (p.Length % 2 != 0) throw new ArgumentException($"pad: padding length must be divisible by 2, got {pad} ({p.Length} values).");
        int k = p.Length / 2;
        if (k > ndim)
            throw new ArgumentException($"pad: padding length too large: {pad} pads {k} dimensions, the input {input.Shape} has {ndim}.");
        if (mode != "constant" && mode != "reflect" && mode != "replicate" && mode != "circular")
            throw new ArgumentException($"pad: unrecognised padding mode '{mode}', expected 'constant', 'reflect', 'replicate' or 'circular'.");
        if (mode != "constant")
        {
            if (value != 0f) throw new ArgumentException($"pad: padding mode \"{mode}\" doesn't take in a value argument (got {value}).");
            if (k < 1 || k > 3 || (ndim != k + 1 && ndim != k + 2))
                throw new ArgumentException(
                    $"pad: {mode} padding of {k} dimension(s) (pad {pad}) needs a {k + 1}-D or {k + 2}-D input, got input of shape {input.Shape}.");
        }
        if (k == 0) { p = new[] { 0, 0 }; k = 1; }
        if (ndim == 0) throw new ArgumentException($"pad: cannot pad a 0-d tensor (pad {pad}).");

        var shape = input.Shape.ToArray();
        int lead = ndim - k;
        var inDims = shape[lead..];
        var outDims = new int[k];
        var maps = new int[k][];
        for (int j = 0; j < k; j++)
        {
            int dim = lead + j, i = k - 1 - j;         // pad lists the last dimension first
            int before = p[2 * i], after = p[2 * i + 1], n = shape[dim];
            int outN = n + before + after;
            if (outN < 0 || (mode != "constant" && outN <= 0))
                throw new ArgumentException(
                    $"pad: the input size {n} at dimension {dim} plus padding ({before}, {after}) gives a non-positive output size {outN} (input {input.Shape}).");
            if (mode == "reflect" && (before >= n || after >= n))
                throw new ArgumentException(
                    $"pad: reflect padding size should be less than the corresponding input dimension, but got padding ({before}, {after}) " +
                    $"at dimension {dim} of input {input.Shape}.");
            if (mode == "circular" && (before > n || after > n))
                throw new ArgumentException(
                    $"pad: circular padding ({before}, {after}) at dimension {dim} of input {input.Shape} wraps around more than once.");
            if (mode == "circular" && n + Math.Min(before, 0) + Math.Min(after, 0) <= 0)
                throw new ArgumentException(
                    $"pad: circular padding ({before}, {after}) crops all of dimension {dim} of input {input.Shape}.");
            if (mode == "replicate" && n == 0)
                throw new ArgumentException($"pad: replicate padding needs a non-empty dimension {dim}, input {input.Shape}.");
            outDims[j] = outN;
            maps[j] = PadMap(mode, n, before, after, outN);
        }
        var geo = new PadGeometry(inDims, outDims, maps, p[0], p[1]);
        var x = input.Contiguous();
        var outShape = shape[..lead].Concat(outDims).ToArray();
        var y = Tensor.Empty(outShape, DType.Float32, zero: false);
        PadKernels.Forward(x.ViewF32(), y.ViewF32(), geo, (float)value);

        string name = mode switch
        {
            "constant" => "ConstantPadNdBackward0",
            "reflect" => $"ReflectionPad{k}DBackward0",
            "replicate" => $"ReplicationPad{k}DBackward0",
            _ => "CopySlices",   // PyTorch 1.13 builds circular padding from slice copies
        };
        return Graph.Record(y, name, new[] { input }, g =>
        {
            var gc = g.Contiguous();
            var gx = Tensor.Empty(shape, DType.Float32, zero: false);
            PadKernels.Backward(gc.ViewF32(), gx.ViewF32(), geo);
            return new[] { gx };
        });
    }

    /// <summary>For each output index along one padded dimension, the input index it reads (−1: the constant fill).</summary>
    private static int[] PadMap(string mode, int n, int before, int after, int outN)
    {
        var map = new int[outN];
        int cropped = n + Math.Min(before, 0) + Math.Min(after, 0), c0 = Math.Max(-before, 0);
        for (int o = 0; o < outN; o++)
        {
            int i = o - before;
            map[o] = mode switch
            {
                "constant" => i >= 0 && i < n ? i : -1,
                "reflect" => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i,
                "replicate" => Math.Clamp(i, 0, n - 1),
                // Negative sizes crop first; the wrap then repeats the cropped tensor (PyTorch's order).
                _ => c0 + (((o - Math.Max(before, 0)) % cropped) + cropped) % cropped,
            };
        }
        return map;
    }
}
