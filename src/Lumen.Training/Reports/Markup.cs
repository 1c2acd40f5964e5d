using System.Globalization;
using System.Text;

namespace Lumen.Training.Reports;

/// <summary>Escaping and number formatting shared by the SVG and HTML writers.</summary>
internal static class Markup
{
    /// <summary>Escapes text for XML/HTML element content and double-quoted attributes; characters that XML 1.0
    /// forbids (most C0 controls, unpaired surrogates) become U+FFFD.</summary>
    public static string Escape(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var b = new StringBuilder(s.Length + 8);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': b.Append("&amp;"); break;
                case '<': b.Append("&lt;"); break;
                case '>': b.Append("&gt;"); break;
                case '"': b.Append("&quot;"); break;
                case '\'': b.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { b.Append(c).Append(s[++i]); }
                    else if (char.IsSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '\uFFFE' || c == '\uFFFF') b.Append('\uFFFD');
                    else b.Append(c);
                    break;
            }
        }
        return b.ToString();
    }

    /// <summary>A coordinate: invariant culture, at most two decimals, no exponent.</summary>
    public static string Num(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A metric for a table cell: fixed <paramref name="digits"/> decimals, or an en dash when not finite.</summary>
    public static string Metric(double v, int digits = 4) =>
        double.IsFinite(v) ? v.ToString("F" + digits, CultureInfo.InvariantCulture) : "–";

    /// <summary>A learning rate or other free-range number: 4 significant digits, or an en dash when not finite.</summary>
    public static string General(double v) => double.IsFinite(v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "–";
}
