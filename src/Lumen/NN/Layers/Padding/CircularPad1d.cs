namespace Lumen.NN;

/// <summary>
/// Pads the last dimension by wrapping around, PyTorch's <c>nn.CircularPad1d</c> (PyTorch 2.1+): (N, C, W) or (C, W); each size at most W.
/// </summary>
public sealed class CircularPad1d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 2-tuple (left, right).</param>
    public CircularPad1d(IntTuple padding) : base(1, padding, "circular") { }
}
