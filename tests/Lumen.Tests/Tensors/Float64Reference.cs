namespace Lumen.Tests.Tensors;

/// <summary>
/// Float64 references for the unary accuracy sweep, written independently of Lumen's kernels (no shared code, other
/// formulas where Lumen has its own): each is accurate to far below one float32 ulp over the float32 range, so the
/// sweep's error is the kernel's error.
/// </summary>
internal static class Float64Reference
{
    /// <summary>eˣ − 1 without the cancellation of exp(x) − 1 near 0 (Taylor below 2⁻¹⁰, where 5 terms leave < 1e-17).</summary>
    public static double Expm1(double x) =>
        Math.Abs(x) < 1.0 / 1024 ? x * (1 + x * (0.5 + x * (1.0 / 6 + x * (1.0 / 24 + x / 120)))) : Math.Exp(x) - 1;

    /// <summary>log(1 + x) for any double x: with u = 1 + x rounded, log(u)·x/(u − 1) cancels the rounding of u
    /// (Goldberg's formula); u = 1 means |x| is below half a double ulp, where log1p(x) = x.</summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : double.IsInfinity(u) ? Math.Log(u) : Math.Log(u) * x / (u - 1);
    }

    /// <summary>1/(1 + e⁻ˣ), through e^(−|x|) so that the left tail keeps its relative accuracy.</summary>
    public static double Sigmoid(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    /// <summary>erfc(x) for x ≥ 0: the Maclaurin series of erf below 2 (1 − erf, at most 2.5 digits lost to the
    /// subtraction), a Lentz continued fraction above (convergent fast there, relative accuracy kept in the tail).</summary>
    public static double ErfcNonNegative(double x)
    {
        if (x < 2)
        {
            // erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)); the terms at x = 2 peak near 4 and fall below 1e-18 by n = 40.
            double sum = 0, term = x;   // term = (−1)ⁿ x^(2n+1)/n!
            for (int n = 0; n < 60; n++)
            {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up with enough levels.
        if (x > 27) return 0;
        double f = x;
        for (int k = 200; k >= 1; k--) f = x + 0.5 * k / f;
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>Φ(x), the standard normal CDF, as ½·erfc(−x/√2) with the tail on the side that keeps relative accuracy.</summary>
    public static double NormalCdf(double x)
    {
        double z = x / Math.Sqrt(2);
        return z <= 0 ? 0.5 * ErfcNonNegative(-z) : 1 - 0.5 * ErfcNonNegative(z);
    }

    /// <summary>Round half to even, as torch.round (and .NET's default midpoint rounding).</summary>
    public static double RoundHalfEven(double x) => Math.Round(x, MidpointRounding.ToEven);
}
