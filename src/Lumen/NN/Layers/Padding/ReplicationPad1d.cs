namespace Lumen.NN;

/// <summary>
/// Pads the last dimension by repeating the edge value, PyTorch's <c>nn.ReplicationPad1d</c>: (N, C, W) or (C, W) → W + left + right.
/// </summary>
public sealed class ReplicationPad1d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 2-tuple (left, right).</param>
    public ReplicationPad1d(IntTuple padding) : base(1, padding, "replicate") { }
}
