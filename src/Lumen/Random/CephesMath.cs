using System.Runtime.Intrinsics;

namespace Lumen;

/// <summary>
/// Eight-lane twins of the AVX2 <c>log256_ps</c> and <c>sincos256_ps</c> (Cephes polynomials, by way of Pommier's
/// sse_mathfun and Garberoglio's avx_mathfun) that PyTorch's <c>normal_fill_AVX2</c> calls. Operation for operation they
/// reproduce that code's float32 results bit for bit, including the multiply-adds GCC fuses in PyTorch's AVX2 build
/// (a multiply whose only use is an add becomes an FMA; the first such multiply in statement order wins). They are not
/// general-purpose math: no care for denormals, infinities or large arguments beyond what the original has.
/// The scalar reference twin lives in the tests (CephesReference).
/// </summary>
internal static class CephesMath
{
    private static Vector256<float> C(float v) => Vector256.Create(v);
    private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    /// <summary>Natural logarithm as <c>log256_ps</c> computes it (NaN for x ≤ 0).</summary>
    public static Vector256<float> Log(Vector256<float> x)
    {
        var one = Vector256<float>.One;
        var invalid = Vector256.LessThanOrEqual(x, Vector256<float>.Zero);
        x = Vector256.Max(x, Vector256.Create(0x00800000).AsSingle());
        var bits = x.AsInt32();
        var imm0 = Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(0x7f);
        x = ((bits & Vector256.Create(~0x7f800000)) | Vector256.Create(0.5f).AsInt32()).AsSingle();
        var e = Vector256.ConvertToSingle(imm0) + one;
        var mask = Vector256.LessThan(x, C((float)0.707106781186547524));
        var tmp = x & mask;
        x -= one;
        e -= one & mask;
        x += tmp;
        var z = x * x;
        var y = Fma(C(7.0376836292E-2f), x, C(-1.1514610310E-1f));
        y = Fma(y, x, C(1.1676998740E-1f));
        y = Fma(y, x, C(-1.2420140846E-1f));
        y = Fma(y, x, C(1.4249322787E-1f));
        y = Fma(y, x, C(-1.6668057665E-1f));
        y = Fma(y, x, C(2.0000714765E-1f));
        y = Fma(y, x, C(-2.4999993993E-1f));
        y = Fma(y, x, C(3.3333331174E-1f));
        y *= x;
        y = Fma(y, z, e * C(-2.12194440e-4f));
        y -= z * C(0.5f);
        x += y;
        x = Fma(e, C(0.693359375f), x);
        return x | invalid; // all-ones lanes read as NaN
    }

    /// <summary>Sine and cosine together as <c>sincos256_ps</c> computes them.</summary>
    public static void SinCos(Vector256<float> x, out Vector256<float> sin, out Vector256<float> cos)
    {
        var signMask = Vector256.Create(0x80000000u).AsSingle();
        var signSin = x & signMask;
        x = Vector256.AndNot(x, signMask);
        var j = Vector256.ConvertToInt32(x * C((float)1.27323954473516)); // truncation, like cvttps2dq
        j = (j + Vector256.Create(1)) & Vector256.Create(~1);
        var y = Vector256.ConvertToSingle(j);
        var swapSignSin = Vector256.ShiftLeft(j & Vector256.Create(4), 29).AsSingle();
        var polyMask = Vector256.Equals(j & Vector256.Create(2), Vector256<int>.Zero).AsSingle();
        x = Fma(y, C(-0.78515625f), x);
        x = Fma(y, C(-2.4187564849853515625e-4f), x);
        x = Fma(y, C(-3.77489497744594108e-8f), x);
        var signCos = Vector256.ShiftLeft(Vector256.AndNot(Vector256.Create(4), j - Vector256.Create(2)), 29).AsSingle();
        signSin ^= swapSignSin;

        var z = x * x;
        var yc = Fma(C(2.443315711809948E-005f), z, C(-1.388731625493765E-003f));
        yc = Fma(yc, z, C(4.166664568298827E-002f));
        yc *= z;
        yc = Fma(yc, z, -(z * C(0.5f)));
        yc += Vector256<float>.One;

        var ys = Fma(C(-1.9515295891E-4f), z, C(8.3321608736E-3f));
        ys = Fma(ys, z, C(-1.6666654611E-1f));
        ys *= z;
        ys = Fma(ys, x, x);

        var ysin2 = polyMask & ys;
        var ysin1 = Vector256.AndNot(yc, polyMask);
        ys -= ysin2;
        yc -= ysin1;
        sin = (ysin1 + ysin2) ^ signSin;
        cos = (yc + ys) ^ signCos;
    }
}
