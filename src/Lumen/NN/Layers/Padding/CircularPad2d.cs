namespace Lumen.NN;

/// <summary>
/// Pads the last two dimensions by wrapping around, PyTorch's <c>nn.CircularPad2d</c> (PyTorch 2.1+): (N, C, H, W) or (C, H, W).
/// </summary>
public sealed class CircularPad2d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 4-tuple (left, right, top, bottom).</param>
    public CircularPad2d(IntTuple padding) : base(2, padding, "circular") { }
}
