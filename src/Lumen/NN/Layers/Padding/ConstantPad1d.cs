namespace Lumen.NN;

/// <summary>
/// Pads the last 1 dimension(s) with a constant, PyTorch's <c>nn.ConstantPad1d</c>; negative sizes crop.
/// Prints as <c>ConstantPad1d(padding=..., value=...)</c>.
/// </summary>
public sealed class ConstantPad1d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 2-tuple (left, right).</param>
    /// <param name="value">The fill value.</param>
    public ConstantPad1d(IntTuple padding, double value) : base(1, padding, "constant", (float)value) { }

    /// <summary><c>padding=(1, 1), value=3.5</c>, as PyTorch.</summary>
    public override string ExtraRepr() => $"padding={Padding}, value={PythonFloat(Value)}";
}
