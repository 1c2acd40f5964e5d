using Xunit;
using Xunit.Abstractions;
using R = Lumen.Tests.Tensors.Float64Reference;

namespace Lumen.Tests.Tensors;

/// <summary>
/// Sweeps every elementwise unary op (activations and scalar powers included) over the whole float32 range against a
/// float64 reference and bounds its worst error in ulps (units in the last place of the correctly rounded result).
/// The grid takes every 4093rd bit pattern of each sign (≈ 2,000 values in every binade, subnormals included) plus
/// ±0, ±∞, NaN and the values where kernels switch formulas; LUMEN_ACCURACY_FULL=1 sweeps all 2³² floats instead
/// (minutes per op). The worst errors found are tabulated in docs/accuracy.md.
/// </summary>
public class UnaryAccuracyTests
{
    private readonly ITestOutputHelper _out;

    public UnaryAccuracyTests(ITestOutputHelper output) => _out = output;

    /// <summary>One swept op: the Lumen call, its float64 reference, the ulp bound, and whether ±0 must keep its sign.</summary>
    public sealed record UnaryCase(string Name, Func<Tensor, Tensor> Op, Func<double, double> Reference, double MaxUlp, bool SignedZero = true);

    private const float Slope = 0.01f, Alpha = 1f, CeluAlpha = 2f;
    private const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    internal static readonly UnaryCase[] Cases =
    {
        new("neg", x => x.Neg(), x => -x, 0),
        new("abs", x => x.Abs(), Math.Abs, 0),
        new("sign", x => x.Sign(), x => double.IsNaN(x) ? 0 : Math.Sign(x), 0, SignedZero: false),   // PyTorch: sign(NaN) = 0
        new("exp", x => x.Exp(), Math.Exp, 1),
        new("log", x => x.Log(), Math.Log, 2),
        new("expm1", x => x.Expm1(), R.Expm1, 1),
        new("log1p", x => x.Log1p(), R.Log1p, 1),
        new("log2", x => x.Log2(), Math.Log2, 1),
        new("log10", x => x.Log10(), Math.Log10, 1),
        new("rsqrt", x => x.Rsqrt(), x => 1 / Math.Sqrt(x), 1),
        new("sqrt", x => x.Sqrt(), Math.Sqrt, 0.5),
        new("reciprocal", x => x.Reciprocal(), x => 1 / x, 0.5),
        new("sin", x => x.Sin(), Math.Sin, 1),
        new("cos", x => x.Cos(), Math.Cos, 1),
        new("relu", x => x.Relu(), x => double.IsNaN(x) ? x : Math.Max(x, 0), 0, SignedZero: false),
        new("relu6", x => x.Relu6(), x => double.IsNaN(x) ? x : Math.Min(Math.Max(x, 0), 6), 0, SignedZero: false),
        new("hardtanh", x => x.Hardtanh(), x => double.IsNaN(x) ? x : Math.Min(Math.Max(x, -1), 1), 0),
        new("leaky_relu", x => x.LeakyRelu(Slope), x => x > 0 ? x : x * Slope, 0.5),
        new("elu", x => x.Elu(Alpha), x => x > 0 ? x : Alpha * R.Expm1(x), 1),
        new("selu", x => x.Selu(), x => SeluScale * (x > 0 ? x : SeluAlpha * R.Expm1(x)), 1.5),
        new("celu", x => x.Celu(CeluAlpha), x => x > 0 ? x : CeluAlpha * R.Expm1(x / CeluAlpha), 1),
        new("gelu", x => x.Gelu(), x => x * R.NormalCdf(x), 1),
        new("gelu_tanh", x => x.Gelu("tanh"), x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))), 1),
        new("silu", x => x.Silu(), x => x * R.Sigmoid(x), 1),
        new("mish", x => x.Mish(), x => x * Math.Tanh(x > 40 ? x : R.Log1p(Math.Exp(x))), 1),
        new("sigmoid", x => x.Sigmoid(), R.Sigmoid, 1),
        new("tanh", x => x.Tanh(), Math.Tanh, 1),
        new("softplus", x => x.Softplus(), x => x > 20 ? x : R.Log1p(Math.Exp(x)), 2),
        new("logsigmoid", x => x.LogSigmoid(), x => Math.Min(x, 0) - R.Log1p(Math.Exp(-Math.Abs(x))), 2),
        new("hardswish", x => x.Hardswish(), HardswishAsPyTorch, 2, SignedZero: false),
        new("hardsigmoid", x => x.Hardsigmoid(), x => Math.Min(Math.Max(x + 3, 0), 6) / 6, 1, SignedZero: false),
        new("round", x => x.Round(), R.RoundHalfEven, 0),
        new("floor", x => x.Floor(), Math.Floor, 0),
        new("ceil", x => x.Ceil(), Math.Ceiling, 0),
        new("trunc", x => x.Trunc(), Math.Truncate, 0),
        new("pow_2", x => x.Pow(2f), x => x * x, 0.5),
        new("pow_3", x => x.Pow(3f), x => x * x * x, 1),
        new("pow_0_5", x => x.Pow(0.5f), Math.Sqrt, 0.5),   // PyTorch takes sqrt: (−∞)^0.5 = NaN, (−0)^0.5 = −0
        new("pow_minus1", x => x.Pow(-1f), x => 1 / x, 1),
        new("pow_1_5", x => x.Pow(1.5f), x => Math.Pow(x, 1.5), 1),
        new("pow_minus2_5", x => x.Pow(-2.5f), x => Math.Pow(x, -2.5), 1),
    };

    /// <summary>PyTorch's x·relu6(x + 3)/6 in that order: the product overflows to ±∞ for |x| above float.MaxValue/6.</summary>
    private static double HardswishAsPyTorch(double x)
    {
        double p = x * Math.Min(Math.Max(x + 3, 0), 6);
        return float.IsInfinity((float)p) ? (float)p : p / 6;
    }

    private const int GridStride = 4093;

    public static IEnumerable<object[]> CaseNames() => Cases.Select(c => new object[] { c.Name });

    /// <summary>The sweep's inputs: every <paramref name="stride"/>-th positive bit pattern, its negation, and the specials.</summary>
    internal static float[] Grid(int stride)
    {
        var values = new List<float>
        {
            0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -float.Epsilon,
            1.17549435e-38f, -1.17549435e-38f, float.MaxValue, -float.MaxValue, 1e-8f, -1e-8f, 1e-4f, 8.7e-7f,
            0.5f, 0.625f, 1f, -1f, 3f, -3f, 6f, 20f, 88.7f, -88.7f, 89f, -89f, 104f, -104f,
        };
        for (long bits = 1; bits < 0x7F800000L; bits += stride)
        {
            float v = BitConverter.Int32BitsToSingle((int)bits);
            values.Add(v); values.Add(-v);
        }
        return values.ToArray();
    }

    /// <summary>|y − r| in units of the float spacing at r (subnormal spacing below the normal range); 0 when both are
    /// NaN or the same infinity; +∞ for a NaN or infinity where the reference has none.</summary>
    internal static double UlpError(float y, double r)
    {
        if (double.IsNaN(r)) return float.IsNaN(y) ? 0 : double.PositiveInfinity;
        if (float.IsNaN(y)) return double.PositiveInfinity;
        if (double.IsInfinity(r)) return y == r ? 0 : double.PositiveInfinity;
        float rounded = (float)r;
        if (float.IsInfinity(rounded)) return y == rounded ? 0 : Math.Abs(y - r) / Math.ScaleB(1, 127 - 23);
        if (float.IsInfinity(y)) return double.PositiveInfinity;
        int e = r == 0 ? -126 : Math.Max(Math.ILogB(r), -126);
        return Math.Abs(y - r) / Math.ScaleB(1.0, e - 23);
    }

    private static (double Worst, float At, int SignErrors, float SignAt) Sweep(UnaryCase c, float[] xs)
    {
        var ys = c.Op(Torch.FromArray((float[])xs.Clone(), xs.Length)).ToArray<float>();
        double worst = 0; float at = float.NaN; int signErrors = 0; float signAt = float.NaN;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = c.Reference(xs[i]);
            double err = UlpError(ys[i], r);
            if (err > worst || (double.IsNaN(at) && err == worst)) { worst = err; at = xs[i]; }
            if (c.SignedZero && r == 0 && ys[i] == 0 && double.IsNegative(r) != float.IsNegative(ys[i]))
            {
                signErrors++; signAt = xs[i];
            }
        }
        return (worst, at, signErrors, signAt);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Unary_op_is_within_its_ulp_bound_over_the_float_range(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        bool full = Environment.GetEnvironmentVariable("LUMEN_ACCURACY_FULL") == "1";
        double worst = 0; float at = 0; int signErrors = 0; float signAt = 0;
        if (full)
        {
            // All 2³² bit patterns, in chunks of 2²⁴ (one exponent-and-sign slice of the mantissas at a time).
            for (long start = 0; start < 1L << 32; start += 1 << 24)
            {
                var xs = new float[1 << 24];
                for (int i = 0; i < xs.Length; i++) xs[i] = BitConverter.Int32BitsToSingle((int)(uint)(start + i));
                var s = Sweep(c, xs);
                if (s.Worst > worst) { worst = s.Worst; at = s.At; }
                if (s.SignErrors > 0) { signErrors += s.SignErrors; signAt = s.SignAt; }
            }
        }
        else
        {
            (worst, at, signErrors, signAt) = Sweep(c, Grid(GridStride));
        }
        _out.WriteLine($"{name}: worst {worst:G4} ulp at x = {at:R}; wrong-signed zeros: {signErrors}");
        Assert.True(worst <= c.MaxUlp, $"{name}: worst error {worst:G4} ulp at x = {at:R} ({BitConverter.SingleToInt32Bits(at):X8}), bound {c.MaxUlp}");
        Assert.True(signErrors == 0, $"{name}: {signErrors} zeros of the wrong sign, e.g. at x = {signAt:R}");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Unary_op_gives_the_same_bits_in_a_short_tensor_as_in_a_long_one(string name)
    {
        // The SIMD body and the scalar tail of a kernel must agree: Tanh(Zeros(4)) once gave −5.96e-8 but tanh(0) = 0.
        var c = Cases.Single(k => k.Name == name);
        var xs = Grid(4_000_037);
        var whole = c.Op(Torch.FromArray((float[])xs.Clone(), xs.Length)).ToArray<float>();
        for (int len = 1; len <= 17; len++)
        for (int s = 0; s + len <= xs.Length; s += len)
        {
            var part = c.Op(Torch.FromArray(xs[s..(s + len)], len)).ToArray<float>();
            for (int i = 0; i < len; i++)
                Assert.True(BitConverter.SingleToInt32Bits(part[i]) == BitConverter.SingleToInt32Bits(whole[s + i]) || (float.IsNaN(part[i]) && float.IsNaN(whole[s + i])),
                    $"{name}: x = {xs[s + i]:R} gives {part[i]:R} in a tensor of {len} but {whole[s + i]:R} in one of {xs.Length}");
        }
    }

    [Fact]
    public void Tanh_of_zeros_is_zero_and_tiny_inputs_keep_their_value()
    {
        // The examples: Torch.Tanh(Torch.Zeros(4)) gave −5.96e-8, tanh(1e-8) gave −0, tanh(8.7e-7) was 3.6% off.
        Assert.Equal(new[] { 0f, 0f, 0f, 0f }, Torch.Tanh(Torch.Zeros(4)).ToArray<float>());
        var x = Torch.Tensor(new[] { 1e-8f, -1e-8f, 1e-4f, 8.7e-7f, -0f, 0f, 1e-30f, 1e-45f });
        var y = Torch.Tanh(x).ToArray<float>();
        var xs = x.ToArray<float>();
        for (int i = 0; i < xs.Length; i++)
            Assert.True(UlpError(y[i], Math.Tanh(xs[i])) <= 0.5 && float.IsNegative(y[i]) == float.IsNegative(xs[i]),
                $"tanh({xs[i]:R}) = {y[i]:R}, exact {Math.Tanh(xs[i]):R}");
        Assert.Equal(new[] { 0.5f, 0.5f, 0.5f, 0.5f }, Torch.Sigmoid(Torch.Zeros(4)).ToArray<float>());
        Assert.Equal(new[] { 1f, 1f, 1f, 1f }, Torch.Exp(Torch.Zeros(4)).ToArray<float>());
    }
}
