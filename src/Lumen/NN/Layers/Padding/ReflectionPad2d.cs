namespace Lumen.NN;

/// <summary>
/// Pads the last two dimensions by reflection, PyTorch's <c>nn.ReflectionPad2d</c>: (N, C, H, W) or (C, H, W) → (H + top + bottom, W + left + right).
/// </summary>
public sealed class ReflectionPad2d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 4-tuple (left, right, top, bottom).</param>
    public ReflectionPad2d(IntTuple padding) : base(2, padding, "reflect") { }
}
