using System.Globalization;

namespace Lumen.NN;

/// <summary>
/// The base of the padding layers (<see cref="ZeroPad2d"/>, <see cref="ConstantPad2d"/>, <see cref="ReflectionPad2d"/>,
/// <see cref="ReplicationPad2d"/>, <see cref="CircularPad2d"/> and their 1-d/3-d twins): <see cref="F.Pad"/> with a
/// fixed padding. An int pads every side of the last <c>dims</c> dimensions equally; a tuple gives
/// (left, right[, top, bottom[, front, back]]).
/// </summary>
public abstract class PadNd : Module
{
    /// <summary>(left, right, top, bottom, front, back), as many pairs as padded dimensions, PyTorch's <c>padding</c>.</summary>
    public IntTuple Padding { get; }
    /// <summary>"constant", "reflect", "replicate" or "circular".</summary>
    public string Mode { get; }
    /// <summary>The fill value of constant padding.</summary>
    public float Value { get; }

    protected PadNd(int dims, IntTuple padding, string mode, float value = 0f)
    {
        Padding = new IntTuple(padding.Expand(2 * dims, "padding", GetType().Name));
        Mode = mode;
        Value = value;
    }

    /// <summary><see cref="F.Pad"/>(input, Padding, Mode, Value).</summary>
    public override Tensor Forward(Tensor input) => F.Pad(input, Padding, Mode, Value);

    /// <summary>PyTorch prints the padding tuple, e.g. <c>ReflectionPad2d((1, 1, 2, 0))</c>.</summary>
    public override string ExtraRepr() => Padding.ToString();

    /// <summary>A float the way Python's repr prints it: <c>0.0</c>, <c>3.5</c>, <c>1e-05</c>.</summary>
    internal static string PythonFloat(float v)
    {
        if (float.IsNaN(v)) return "nan";
        if (float.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        if (e >= 0)
        {
            var mant = s[..e];
            int exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{mant}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        return s.Contains('.') ? s : s + ".0";
    }
}
