namespace Lumen.NN;

/// <summary>
/// Pads the last three dimensions by repeating the edge values, PyTorch's <c>nn.ReplicationPad3d</c>: (N, C, D, H, W) or (C, D, H, W).
/// </summary>
public sealed class ReplicationPad3d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 6-tuple (left, right, top, bottom, front, back).</param>
    public ReplicationPad3d(IntTuple padding) : base(3, padding, "replicate") { }
}
