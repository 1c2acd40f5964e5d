namespace Lumen.NN;

/// <summary>
/// Pads the last three dimensions by reflection, PyTorch's <c>nn.ReflectionPad3d</c>: (N, C, D, H, W) or (C, D, H, W).
/// </summary>
public sealed class ReflectionPad3d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 6-tuple (left, right, top, bottom, front, back).</param>
    public ReflectionPad3d(IntTuple padding) : base(3, padding, "reflect") { }
}
