namespace Lumen.NN;

/// <summary>
/// Pads the last two dimensions by repeating the edge values, PyTorch's <c>nn.ReplicationPad2d</c>: (N, C, H, W) or (C, H, W).
/// </summary>
public sealed class ReplicationPad2d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 4-tuple (left, right, top, bottom).</param>
    public ReplicationPad2d(IntTuple padding) : base(2, padding, "replicate") { }
}
