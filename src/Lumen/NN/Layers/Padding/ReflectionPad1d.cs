namespace Lumen.NN;

/// <summary>
/// Pads the last dimension by reflecting the input without repeating the edge, PyTorch's <c>nn.ReflectionPad1d</c>: (N, C, W) or (C, W) → W + left + right; each size must be smaller than W.
/// </summary>
public sealed class ReflectionPad1d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 2-tuple (left, right).</param>
    public ReflectionPad1d(IntTuple padding) : base(1, padding, "reflect") { }
}
