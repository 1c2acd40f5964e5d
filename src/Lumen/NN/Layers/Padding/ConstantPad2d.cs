namespace Lumen.NN;

/// <summary>
/// Pads the last 2 dimension(s) with a constant, PyTorch's <c>nn.ConstantPad2d</c>; negative sizes crop.
/// Prints as <c>ConstantPad2d(padding=..., value=...)</c>.
/// </summary>
public sealed class ConstantPad2d : PadNd
{
    /// <param name="padding">An int (the same on every side) or a 4-tuple (left, right, top, bottom).</param>
    /// <param name="value">The fill value.</param>
    public ConstantPad2d(IntTuple padding, double value) : base(2, padding, "constant", (float)value) { }

    /// <summary><c>padding=(1, 1), value=3.5</c>, as PyTorch.</summary>
    public override string ExtraRepr() => $"padding={Padding}, value={PythonFloat(Value)}";
}
