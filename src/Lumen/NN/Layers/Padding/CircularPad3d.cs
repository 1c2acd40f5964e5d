namespace Lumen.NN;

/// <summary>
/// Pads the last three dimensions by wrapping around, PyTorch's <c>nn.CircularPad3d</c> (PyTorch 2.1+): (N, C, D, H, W) or (C, D, H, W).
/// </summary>
public sealed class CircularPad3d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 6-tuple (left, right, top, bottom, front, back).</param>
    public CircularPad3d(IntTuple padding) : base(3, padding, "circular") { }
}
