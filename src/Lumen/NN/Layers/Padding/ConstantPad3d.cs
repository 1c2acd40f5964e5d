namespace Lumen.NN;

/// <summary>
/// Pads the last 3 dimension(s) with a constant, PyTorch's <c>nn.ConstantPad3d</c>; negative sizes crop.
/// Prints as <c>ConstantPad3d(padding=..., value=...)</c>.
/// </summary>
public sealed class ConstantPad3d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 6-tuple (left, right, top, bottom, front, back).</param>
    /// <param name="value">The fill value.</param>
    public ConstantPad3d(IntTuple padding, double value) : base(3, padding, "constant", (float)value) { }

    /// <summary><c>padding=(1, 1), value=3.5</c>, as PyTorch.</summary>
    public override string ExtraRepr() => $"padding={Padding}, value={PythonFloat(Value)}";
}
