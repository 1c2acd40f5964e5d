using System.Globalization;
using System.Numerics;
using System.Text;

namespace Lumen;

/// <summary>
/// PyTorch's tensor repr (<c>torch/_tensor_str.py</c>, 1.13) rule for rule: one formatter chosen over the (summarised)
/// values decides integer mode (<c>1.</c>), fixed (<c>0.1000</c>) or scientific (<c>1.0000e-05</c>) notation and a common
/// width; rows wrap at the line width; tensors of more than <see cref="PrintOptions.Threshold"/> elements show
/// <see cref="PrintOptions.EdgeItems"/> items at each end of every dimension around <c>...</c>; suffixes
/// (<c>dtype=</c>, <c>grad_fn=</c>, <c>requires_grad=True</c>) follow. Numbers are rounded from their exact binary
/// value, half to even, as Python's <c>format</c> does.
/// </summary>
internal static class TensorFormatter
{
    /// <summary>PyTorch's <c>PRINT_OPTS</c>.</summary>
    internal sealed class PrintOptions
    {
        public int Precision = 4;
        public long Threshold = 1000;
        public int EdgeItems = 3;
        public int LineWidth = 80;
        public bool? SciMode;
    }

    internal static PrintOptions Options = new();

    public static string Repr(Tensor t)
    {
        var o = Options;
        const string prefix = "tensor(";
        int indent = prefix.Length;
        var suffixes = new List<string>();
        string body;
        if (t.Numel() == 0)
        {
            if (t.Ndim != 1) suffixes.Add("size=" + TupleStr(t._shape));
            if (t.DType != DType.Float32) suffixes.Add("dtype=" + t.DType.TorchName());
            body = "[]";
        }
        else
        {
            if (t.DType == DType.UInt8) suffixes.Add("dtype=" + t.DType.TorchName());
            body = new Printer(t, o).TensorStr(indent);
        }
        if (t.GradFn != null) suffixes.Add("grad_fn=<" + t.GradFn.Name + ">");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(prefix + body, suffixes, indent, o.LineWidth);
    }

    private static string TupleStr(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    private static string AddSuffixes(string tensorStr, List<string> suffixes, int indent, int lineWidth)
    {
        var sb = new StringBuilder(tensorStr);
        // PyTorch's own arithmetic, including its +1 (and +2 on a single line, where rfind returns -1).
        int lastLineLen = tensorStr.Length - tensorStr.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLen + suffix.Length + 2 > lineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLen = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLen += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Walks one tensor's elements through its strides (no copy of the data).</summary>
    private sealed class Printer
    {
        private readonly Tensor _t;
        private readonly PrintOptions _o;
        private readonly bool _summarize;
        private readonly Formatter _f;

        public Printer(Tensor t, PrintOptions o)
        {
            _t = t;
            _o = o;
            _summarize = t.Numel() > o.Threshold;
            var positions = new List<int>();
            CollectPositions(0, t._offset, positions);
            _f = new Formatter(this, positions);
        }

        public bool Floating => _t.DType == DType.Float32;

        public double Value(int pos) => _t.DType switch
        {
            DType.Float32 => _t.F32[pos],
            DType.Int64 => _t.I64[pos],
            DType.UInt8 => _t.U8[pos],
            _ => _t.B8[pos] ? 1 : 0,
        };

        /// <summary>Python's <c>str()</c> of a non-floating element.</summary>
        public string IntegralStr(int pos) => _t.DType switch
        {
            DType.Int64 => _t.I64[pos].ToString(CultureInfo.InvariantCulture),
            DType.UInt8 => _t.U8[pos].ToString(CultureInfo.InvariantCulture),
            _ => _t.B8[pos] ? "True" : "False",
        };

        private bool Summarized(int size) => _summarize && size > 2 * _o.EdgeItems;

        private IEnumerable<int> Indices(int size)
        {
            if (!Summarized(size)) { for (int i = 0; i < size; i++) yield return i; yield break; }
            for (int i = 0; i < _o.EdgeItems; i++) yield return i;
            for (int i = size - _o.EdgeItems; i < size; i++) yield return i;
        }

        /// <summary>The storage positions of <c>get_summarized_data(self)</c>: what the formatter looks at.</summary>
        private void CollectPositions(int dim, int pos, List<int> into)
        {
            if (dim == _t.Ndim) { into.Add(pos); return; }
            foreach (int i in Indices(_t._shape[dim])) CollectPositions(dim + 1, pos + i * _t._strides[dim], into);
        }

        public string TensorStr(int indent) => Str(0, _t._offset, indent);

        private string Str(int dim, int pos, int indent)
        {
            int rank = _t.Ndim - dim;
            if (rank == 0) return _f.Format(pos);
            int size = _t._shape[dim], stride = _t._strides[dim];
            if (rank == 1) return VectorStr(size, stride, pos, indent);
            var slices = new List<string>();
            if (Summarized(size))
            {
                for (int i = 0; i < _o.EdgeItems; i++) slices.Add(Str(dim + 1, pos + i * stride, indent + 1));
                slices.Add("...");
                for (int i = size - _o.EdgeItems; i < size; i++) slices.Add(Str(dim + 1, pos + i * stride, indent + 1));
            }
            else for (int i = 0; i < size; i++) slices.Add(Str(dim + 1, pos + i * stride, indent + 1));
            return "[" + string.Join("," + new string('\n', rank - 1) + new string(' ', indent + 1), slices) + "]";
        }

        private string VectorStr(int size, int stride, int pos, int indent)
        {
            int elementLength = _f.Width + 2;
            int perLine = Math.Max(1, (int)Math.Floor((double)(_o.LineWidth - indent) / elementLength));
            var data = new List<string>();
            if (Summarized(size))
            {
                for (int i = 0; i < _o.EdgeItems; i++) data.Add(_f.Format(pos + i * stride));
                data.Add(" ...");
                for (int i = size - _o.EdgeItems; i < size; i++) data.Add(_f.Format(pos + i * stride));
            }
            else for (int i = 0; i < size; i++) data.Add(_f.Format(pos + i * stride));
            var lines = new List<string>();
            for (int i = 0; i < data.Count; i += perLine) lines.Add(string.Join(", ", data.Skip(i).Take(perLine)));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }

        public PrintOptions Opts => _o;
    }

    /// <summary>PyTorch's <c>_Formatter</c>: mode and width chosen once, then every element padded to the width.</summary>
    private sealed class Formatter
    {
        private readonly Printer _p;
        private readonly bool _floating;
        private readonly bool _intMode = true;
        private readonly bool _sciMode;
        private readonly int _precision;
        public int Width { get; } = 1;

        public Formatter(Printer p, List<int> positions)
        {
            _p = p;
            _floating = p.Floating;
            _precision = p.Opts.Precision;
            if (!_floating)
            {
                foreach (int pos in positions) Width = Math.Max(Width, p.IntegralStr(pos).Length);
                return; // sci_mode is irrelevant to integers
            }
            var vals = new List<double>();
            foreach (int pos in positions)
            {
                double v = p.Value(pos);
                if (double.IsFinite(v) && v != 0) vals.Add(v);
            }
            if (vals.Count == 0) return; // PyTorch returns before applying the sci_mode option here
            double min = double.MaxValue, max = 0;
            foreach (var v in vals)
            {
                double a = Math.Abs(v);
                min = Math.Min(min, a);
                max = Math.Max(max, a);
                if (v != Math.Ceiling(v)) _intMode = false;
            }
            if (_intMode)
            {
                if (max / min > 1000.0 || max > 1.0e8)
                {
                    _sciMode = true;
                    foreach (var v in vals) Width = Math.Max(Width, FormatSci(v, _precision).Length);
                }
                else foreach (var v in vals) Width = Math.Max(Width, FormatFixed(v, 0).Length + 1);
            }
            else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4)
            {
                _sciMode = true;
                foreach (var v in vals) Width = Math.Max(Width, FormatSci(v, _precision).Length);
            }
            else foreach (var v in vals) Width = Math.Max(Width, FormatFixed(v, _precision).Length);
            if (p.Opts.SciMode is bool forced) _sciMode = forced;
        }

        public string Format(int pos)
        {
            string s;
            if (_floating)
            {
                double v = _p.Value(pos);
                if (_sciMode) s = FormatSci(v, _precision);
                else if (_intMode)
                {
                    s = FormatFixed(v, 0);
                    if (double.IsFinite(v)) s += ".";
                }
                else s = FormatFixed(v, _precision);
            }
            else s = _p.IntegralStr(pos);
            return s.Length >= Width ? s : new string(' ', Width - s.Length) + s;
        }
    }

    // ------------------------------------------------------------------ Python's float formatting, exactly

    /// <summary>Python's <c>"{:.{p}f}".format(v)</c>: the exact binary value rounded half to even to p decimals.</summary>
    internal static string FormatFixed(double v, int p)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var (m, e) = Decompose(v);
        // q = round(|v| · 10^p) with |v| = m · 2^e
        BigInteger num = m * BigInteger.Pow(10, p), den = BigInteger.One;
        if (e >= 0) num <<= e; else den <<= -e;
        var q = RoundHalfEven(num, den);
        var digits = q.ToString(CultureInfo.InvariantCulture).PadLeft(p + 1, '0');
        var s = p == 0 ? digits : digits[..^p] + "." + digits[^p..];
        return double.IsNegative(v) ? "-" + s : s;
    }

    /// <summary>Python's <c>"{:.{p}e}".format(v)</c>: p + 1 significant digits, half to even, exponent of ≥ 2 digits.</summary>
    internal static string FormatSci(double v, int p)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        string mantissa;
        int k = 0;
        if (v == 0) mantissa = new string('0', p + 1);
        else
        {
            var (m, e) = Decompose(v);
            k = (int)Math.Floor(Math.Log10(Math.Abs(v)));
            BigInteger lo = BigInteger.Pow(10, p), hi = lo * 10;
            while (true)
            {
                // q = round(|v| · 10^(p − k))
                BigInteger num = m, den = BigInteger.One;
                if (p - k >= 0) num *= BigInteger.Pow(10, p - k); else den *= BigInteger.Pow(10, k - p);
                if (e >= 0) num <<= e; else den <<= -e;
                var q = RoundHalfEven(num, den);
                if (q >= hi) { k++; continue; }
                if (q < lo) { k--; continue; }
                mantissa = q.ToString(CultureInfo.InvariantCulture);
                break;
            }
        }
        var sb = new StringBuilder();
        if (double.IsNegative(v)) sb.Append('-');
        sb.Append(mantissa[0]);
        if (p > 0) sb.Append('.').Append(mantissa, 1, p);
        sb.Append('e').Append(k < 0 ? '-' : '+').Append(Math.Abs(k).ToString("00", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>|v| = m · 2^e with integer m.</summary>
    private static (BigInteger m, int e) Decompose(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v) & long.MaxValue;
        int exp = (int)(bits >> 52);
        long frac = bits & ((1L << 52) - 1);
        return exp == 0 ? (frac, -1074) : (frac | (1L << 52), exp - 1075);
    }

    private static BigInteger RoundHalfEven(BigInteger num, BigInteger den)
    {
        var q = BigInteger.DivRem(num, den, out var r);
        int c = (r * 2).CompareTo(den);
        if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        return q;
    }
}
