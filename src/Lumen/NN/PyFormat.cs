using System.Globalization;

namespace Lumen.NN;

/// <summary>Formats hyperparameters the way Python prints them in a module repr (<c>extra_repr</c>): floats as
/// <c>repr(float)</c> (<c>1.0</c>, <c>0.01</c>, <c>1e-05</c>), booleans as <c>True</c>/<c>False</c>, tuples as
/// <c>(2, 5)</c> / <c>(10,)</c>. Public so a module or transform written outside the library prints its settings as
/// PyTorch would (<c>inf</c>, not .NET's <c>∞</c> or <c>Infinity</c>).</summary>
public static class PyFormat
{
    /// <summary>Python's <c>repr</c> of the float32 value as the user wrote it (shortest decimal that round-trips in float32).</summary>
    public static string Float(float v) =>
        float.IsFinite(v) ? Float(double.Parse(v.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)) : Float((double)v);

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, positional for 1e-4 ≤ |v| &lt; 1e16, else
    /// scientific with a two-digit exponent.</summary>
    public static string Float(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return double.IsNegative(v) ? "-0.0" : "0.0";
        // Shortest digits: "R" gives them, in either notation; normalise to (digits, exponent of the first digit).
        string s = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        string digits; int exp;
        int e = s.IndexOfAny(new[] { 'E', 'e' });
        if (e >= 0)
        {
            string mant = s[..e];
            exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            digits = mant.Replace(".", "");
        }
        else
        {
            int dot = s.IndexOf('.');
            string intPart = dot < 0 ? s : s[..dot], frac = dot < 0 ? "" : s[(dot + 1)..];
            string all = intPart + frac;
            int firstNonZero = 0;
            while (firstNonZero < all.Length && all[firstNonZero] == '0') firstNonZero++;
            exp = intPart.Length - 1 - firstNonZero;
            digits = all[firstNonZero..];
        }
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        string sign = v < 0 ? "-" : "";
        if (exp >= -4 && exp < 16)
        {
            string body;
            if (exp < 0) body = "0." + new string('0', -exp - 1) + digits;
            else if (digits.Length <= exp + 1) body = digits + new string('0', exp + 1 - digits.Length) + ".0";
            else body = digits[..(exp + 1)] + "." + digits[(exp + 1)..];
            return sign + body;
        }
        string m = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return sign + m + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Python's <c>repr(bool)</c>: <c>True</c>, <c>False</c>.</summary>
    public static string Bool(bool b) => b ? "True" : "False";

    /// <summary>A Python tuple of ints: <c>(2, 5)</c>, <c>(10,)</c>.</summary>
    public static string Tuple(IReadOnlyList<int> xs) =>
        xs.Count == 1 ? $"({xs[0]},)" : "(" + string.Join(", ", xs) + ")";
}
