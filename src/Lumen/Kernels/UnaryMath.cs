using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lumen.Kernels;

/// <summary>A pointwise float function on one <see cref="Vector{T}"/> of lanes (a struct, so the driver is specialised
/// per op and its parameters, such as ELU's alpha, are plain fields).</summary>
internal interface IUnaryVectorOp
{
    Vector<float> Invoke(Vector<float> x);
}

/// <summary>
/// Runs an <see cref="IUnaryVectorOp"/> over a span. The tail shorter than one vector goes through the same vector code
/// on a padded copy, so an element's result never depends on where it sits in the tensor (the library kernels this
/// replaces gave tanh(0) = −5.96e-8 in their SIMD body and 0 in their scalar tail). x and y may be the same span.
/// </summary>
internal static class UnaryDriver
{
    public static void Run<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryVectorOp
    {
        if (y.Length < x.Length) throw new ArgumentException("UnaryDriver: destination shorter than source.");
        int w = Vector<float>.Count, i = 0, n = x.Length;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w)
        {
            var v = Vector.LoadUnsafe(ref xs, (nuint)i);
            op.Invoke(v).StoreUnsafe(ref ys, (nuint)i);
        }
        if (i == n) return;
        Span<float> pad = stackalloc float[Vector<float>.Count];
        pad.Clear();
        x.Slice(i).CopyTo(pad);
        var r = op.Invoke(new Vector<float>(pad));
        r.CopyTo(pad);
        pad.Slice(0, n - i).CopyTo(y.Slice(i));
    }

    /// <summary>Runs a double-precision function over float spans, rounding each result once.</summary>
    public static void RunInDouble<TF>(TF f, ReadOnlySpan<float> x, Span<float> y) where TF : struct, IDoubleVectorFunction =>
        Run(new ViaDouble<TF>(f), x, y);
}

/// <summary>
/// Accurate vector kernels for the transcendental activations whose library versions were not: each widens to double,
/// evaluates a formula whose double-precision error is far below a float ulp, and rounds once, so the float result is
/// within 0.5 ulp plus a hair of the true value (the sweep in UnaryAccuracyTests measures it). Exact at ±0 (sign kept),
/// NaN in gives NaN out.
/// </summary>
internal static class UnaryMath
{
    /// <summary>x86 without AVX2 (Vector&lt;T&gt; of 128 bits): .NET's vector exp, log, sin and cos fall back to per-lane
    /// software for their 64-bit integer steps there, 58 ns a double against 5 for <see cref="Math.Exp"/> (AMD EPYC
    /// Zen 5 under <c>DOTNET_EnableAVX2=0</c>; tanh over 2¹⁶ floats 3.1 ms against 0.11 with AVX2), so each lane goes
    /// through the scalar math library instead (as accurate: both within a double ulp, then rounded to float once).</summary>
    private static readonly bool ScalarLanes = Sse2.IsSupported && !Avx2.IsSupported && Vector<float>.Count == 4;

    /// <summary>eˣ on double lanes (see <see cref="ScalarLanes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Exp(Vector<double> x) =>
        ScalarLanes ? Vector128.Create(Math.Exp(x[0]), Math.Exp(x[1])).AsVector() : Vector.Exp(x);

    /// <summary>log x on double lanes (see <see cref="ScalarLanes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Log(Vector<double> x) =>
        ScalarLanes ? Vector128.Create(Math.Log(x[0]), Math.Log(x[1])).AsVector() : Vector.Log(x);

    /// <summary>log x on float lanes (see <see cref="ScalarLanes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> x) =>
        ScalarLanes ? Vector128.Create(MathF.Log(x[0]), MathF.Log(x[1]), MathF.Log(x[2]), MathF.Log(x[3])).AsVector() : Vector.Log(x);

    /// <summary>sin x on float lanes (see <see cref="ScalarLanes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sin(Vector<float> x) =>
        ScalarLanes ? Vector128.Create(MathF.Sin(x[0]), MathF.Sin(x[1]), MathF.Sin(x[2]), MathF.Sin(x[3])).AsVector() : Vector.Sin(x);

    /// <summary>cos x on float lanes (see <see cref="ScalarLanes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Cos(Vector<float> x) =>
        ScalarLanes ? Vector128.Create(MathF.Cos(x[0]), MathF.Cos(x[1]), MathF.Cos(x[2]), MathF.Cos(x[3])).AsVector() : Vector.Cos(x);

    // |x| below this takes expm1's Taylor series: 5 terms leave a relative error under 1e-17 there.
    private const double Expm1TaylorBelow = 1.0 / 1024;

    /// <summary>eˣ − 1 in double without the cancellation of exp(x) − 1 near 0 (exp above 2⁻¹⁰ loses at most 2⁻⁴² there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Expm1(Vector<double> x)
    {
        var one = Vector<double>.One;
        var taylor = x * (one + x * (new Vector<double>(0.5) + x * (new Vector<double>(1.0 / 6) + x * (new Vector<double>(1.0 / 24) + x * new Vector<double>(1.0 / 120)))));
        var direct = UnaryMath.Exp(x) - one;
        return Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), new Vector<double>(Expm1TaylorBelow)), taylor, direct);
    }

    /// <summary>tanh(x) = sign(x)·e/(e + 2) with e = expm1(2|x|); |x| is capped at 20, where tanh rounds to 1 in float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Tanh(Vector<double> x)
    {
        var a = Vector.Min(Vector.Abs(x), new Vector<double>(20));
        var e = Expm1(a + a);
        var t = e / (e + new Vector<double>(2));
        // Put the sign back bit-wise (keeps −0 → −0) and let NaN through untouched.
        var signed = Vector.ConditionalSelect(new Vector<double>(-0.0), x, t);
        return Vector.ConditionalSelect(Vector.Equals(x, x), signed, x);
    }

    /// <summary>sigmoid(x) = (x ≥ 0 ? 1 : e)/(1 + e) with e = exp(−|x|): no overflow, and the left tail keeps its
    /// relative accuracy down to float's subnormals (the library's 1/(1 + exp(−x)) flushes to 0 below x = −88.7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Sigmoid(Vector<double> x)
    {
        var e = UnaryMath.Exp(-Vector.Abs(x));
        var num = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<double>.Zero), Vector<double>.One, e);
        return num / (Vector<double>.One + e);
    }
}

/// <summary>A function on double lanes: the float lanes are widened, evaluated and rounded once
/// (<see cref="UnaryDriver.RunInDouble{TF}"/>).</summary>
internal interface IDoubleVectorFunction
{
    Vector<double> Invoke(Vector<double> x);
}

/// <summary>Adapts an <see cref="IDoubleVectorFunction"/> to the float driver: widen, evaluate, narrow.</summary>
internal readonly struct ViaDouble<TF> : IUnaryVectorOp where TF : struct, IDoubleVectorFunction
{
    private readonly TF _f;
    public ViaDouble(TF f) => _f = f;

    public Vector<float> Invoke(Vector<float> x)
    {
        Vector.Widen(x, out var lo, out var hi);
        return Vector.Narrow(_f.Invoke(lo), _f.Invoke(hi));
    }
}

/// <summary>tanh, accurate to 0.5 ulp plus a hair.</summary>
internal readonly struct TanhOp : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x) => UnaryMath.Tanh(x);
}

/// <summary>sigmoid, accurate to 0.5 ulp plus a hair, subnormal left tail included.</summary>
internal readonly struct SigmoidOp : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x) => UnaryMath.Sigmoid(x);
}

/// <summary>silu, x·sigmoid(x), with one rounding.</summary>
internal readonly struct SiluOp : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x) => x * UnaryMath.Sigmoid(x);
}

/// <summary>PyTorch's elu family: x ≤ 0 ? alpha·scale·expm1(x·inputScale) : scale·x (elu, selu, celu), with expm1
/// instead of PyTorch 1.13's exp(x) − 1 so that small negative inputs keep their digits (elu(−1e-8) = −1e-8, not 0).</summary>
internal readonly struct EluOp : IDoubleVectorFunction
{
    private readonly double _negcoef, _scale, _inputScale;

    public EluOp(float alpha, float scale, float inputScale)
    {
        _negcoef = (double)alpha * scale; _scale = scale; _inputScale = inputScale;
    }


    public Vector<double> Invoke(Vector<double> x)
    {
        var neg = UnaryMath.Expm1(x * new Vector<double>(_inputScale)) * new Vector<double>(_negcoef);
        // x ≤ 0 takes the exponential branch, NaN the linear one (both give NaN).
        return Vector.ConditionalSelect(Vector.LessThanOrEqual(x, Vector<double>.Zero), neg, x * new Vector<double>(_scale));
    }
}

/// <summary>eˣ through double: within 0.5 ulp plus a hair and exactly 1 at ±0 (the library's SIMD body gave exp(0) =
/// 1.0000001 and up to 2.3 ulp elsewhere, while its scalar tail gave 1).</summary>
internal readonly struct ExpOp : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x) => UnaryMath.Exp(x);
}

/// <summary>log x: the library's float vector formula (within 2 ulp), run through <see cref="UnaryDriver"/> so that its
/// tail agrees with its body (the library's scalar tail did not). Through double it was 0.5 ulp but ten times slower.</summary>
internal readonly struct LogOp : IUnaryVectorOp
{
    public Vector<float> Invoke(Vector<float> x) => UnaryMath.Log(x);
}

/// <summary>sin x: the library's float vector formula (within 0.6 ulp) with a tail that agrees with the body.</summary>
internal readonly struct SinOp : IUnaryVectorOp
{
    public Vector<float> Invoke(Vector<float> x) => UnaryMath.Sin(x);
}

/// <summary>cos x: the library's float vector formula (within 0.6 ulp) with a tail that agrees with the body.</summary>
internal readonly struct CosOp : IUnaryVectorOp
{
    public Vector<float> Invoke(Vector<float> x) => UnaryMath.Cos(x);
}

/// <summary>eˣ − 1 without cancellation near 0 (PyTorch's <c>expm1</c>).</summary>
internal readonly struct Expm1Op : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x) => UnaryMath.Expm1(x);
}

/// <summary>log(1 + x) (PyTorch's <c>log1p</c>): 1 + x is exact in double for every float with |x| ≥ 2⁻²⁹; below
/// that x − x²/2 is exact to a double ulp.</summary>
internal readonly struct Log1pOp : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x)
    {
        var small = x - new Vector<double>(0.5) * x * x;
        var direct = UnaryMath.Log(Vector<double>.One + x);
        // NaN compares false, so it takes the direct branch and stays NaN; −0 takes the small one and stays −0.
        return Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), new Vector<double>(1.0 / (1 << 29))), small, direct);
    }
}

/// <summary>log x · scale in double: log2 (scale 1/ln 2) and log10 (1/ln 10), exact at powers.</summary>
internal readonly struct ScaledLogOp : IDoubleVectorFunction
{
    private readonly double _scale;
    public ScaledLogOp(double scale) => _scale = scale;
    public Vector<double> Invoke(Vector<double> x) => UnaryMath.Log(x) * new Vector<double>(_scale);
}

/// <summary>1/√x in double, rounded once (PyTorch's <c>rsqrt</c>): rsqrt(±0) = ±∞, rsqrt(x &lt; 0) = NaN.</summary>
internal readonly struct RsqrtOp : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x) => Vector<double>.One / Vector.SquareRoot(x);
}

/// <summary>mish(x) = x·tanh(softplus(x)) = x·n/(n + 2) with n = eˣ(eˣ + 2), in double; x is capped at 20 inside the
/// ratio (where it is 1 to double precision), so large x gives x and not ∞/∞.</summary>
internal readonly struct MishOp : IDoubleVectorFunction
{
    public Vector<double> Invoke(Vector<double> x)
    {
        var e = UnaryMath.Exp(Vector.Min(x, new Vector<double>(20)));
        var n = e * (e + new Vector<double>(2));
        var r = x * (n / (n + new Vector<double>(2)));
        return Vector.ConditionalSelect(Vector.Equals(x, x), r, x);   // Vector.Min may drop a NaN: put it back
    }
}
