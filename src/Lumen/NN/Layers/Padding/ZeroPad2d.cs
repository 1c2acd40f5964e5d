namespace Lumen.NN;

/// <summary>
/// Pads the last two dimensions with zeros, PyTorch's <c>nn.ZeroPad2d</c>: (N, C, H, W) → (N, C, H + top + bottom, W + left + right); negative sizes crop.
/// </summary>
public sealed class ZeroPad2d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 4-tuple (left, right, top, bottom).</param>
    public ZeroPad2d(IntTuple padding) : base(2, padding, "constant") { }
}
