using System.Globalization;

namespace Lumen.NN;

/// <summary>
/// An interpolation scale factor given as one number or a tuple (one per spatial dimension), PyTorch's
/// <c>scale_factor</c>: <c>scaleFactor: 2</c>, <c>scaleFactor: (2.0, 1.5)</c>. Printed as Python prints floats
/// (<c>2.0</c>, <c>(2.0, 1.5)</c>), as in <c>Upsample(scale_factor=2.0, mode=nearest)</c>.
/// </summary>
public readonly struct ScaleFactor : IEquatable<ScaleFactor>
{
    private readonly double[]? _values;

    private ScaleFactor(double[] values, bool isTuple) { _values = values; IsTuple = isTuple; }

    /// <summary>True when given as a tuple (or array) rather than a single number.</summary>
    public bool IsTuple { get; }

    /// <summary>The values as given.</summary>
    public IReadOnlyList<double> Values => _values ?? new[] { 0.0 };

    public static implicit operator ScaleFactor(double value) => new(new[] { value }, false);
    public static implicit operator ScaleFactor((double, double) t) => new(new[] { t.Item1, t.Item2 }, true);
    public static implicit operator ScaleFactor((double, double, double) t) => new(new[] { t.Item1, t.Item2, t.Item3 }, true);
    public static implicit operator ScaleFactor(double[] values) => new((double[])values.Clone(), true);

    /// <summary>One factor per spatial dimension; a tuple must have exactly <paramref name="n"/> entries.</summary>
    internal double[] Expand(int n, string op)
    {
        var v = (double[])Values;
        if (!IsTuple) return Enumerable.Repeat(v[0], n).ToArray();
        if (v.Length != n)
            throw new ArgumentException($"{op}: scale_factor shape must match input shape. Input is {n}D, scale_factor size is {v.Length}.");
        return (double[])v.Clone();
    }

    public bool Equals(ScaleFactor other) => IsTuple == other.IsTuple && Values.SequenceEqual(other.Values);
    public override bool Equals(object? obj) => obj is ScaleFactor s && Equals(s);
    public override int GetHashCode() => HashCode.Combine(IsTuple, string.Join(",", Values));

    /// <summary>Python's repr of the float or tuple of floats: <c>2.0</c>, <c>1e-05</c>, <c>(2.0, 1.5)</c>.</summary>
    public override string ToString() =>
        !IsTuple ? PyFloat(Values[0]) : Values.Count == 1 ? $"({PyFloat(Values[0])},)" : "(" + string.Join(", ", Values.Select(PyFloat)) + ")";

    /// <summary>Python's <c>repr(float)</c>: the shortest round-trip digits, positional for exponents in [−4, 16),
    /// else scientific with a two-digit exponent.</summary>
    internal static string PyFloat(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return double.IsNegative(v) ? "-0.0" : "0.0";
        var r = v.ToString("R", CultureInfo.InvariantCulture);
        string sign = "";
        if (r[0] == '-') { sign = "-"; r = r[1..]; }
        int exp = 0, e = r.IndexOfAny(new[] { 'E', 'e' });
        if (e >= 0) { exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture); r = r[..e]; }
        int dot = r.IndexOf('.');
        string digits = dot >= 0 ? r.Remove(dot, 1) : r;
        int point = (dot >= 0 ? dot : r.Length) + exp;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; point--; }
        digits = digits[lead..].TrimEnd('0');
        int sci = point - 1;
        if (sci < -4 || sci >= 16)
            return sign + digits[0] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (sci < 0 ? "-" : "+") + Math.Abs(sci).ToString("00");
        if (point <= 0) return sign + "0." + new string('0', -point) + digits;
        if (point >= digits.Length) return sign + digits + new string('0', point - digits.Length) + ".0";
        return sign + digits[..point] + "." + digits[point..];
    }
}
