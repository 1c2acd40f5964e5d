using Xunit;

namespace Lumen.Tests;

public static class TensorAssert
{
    /// <summary>The project's float32 agreement rule against PyTorch: |actual − expected| ≤ tol·max(1, |expected|).</summary>
    public static void Close(Tensor expected, Tensor actual, double tol = 1e-5, string? what = null)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        var e = expected.ToDoubles(); var a = actual.ToDoubles();
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (double.IsInfinity(e[i]) && e[i] == a[i]) continue;
            double err = Math.Abs(a[i] - e[i]);
            Assert.True(err <= tol * Math.Max(1, Math.Abs(e[i])),
                $"{what}: element {i}: actual {a[i]:G9}, expected {e[i]:G9} (error {err:G3}, tol {tol:G3})");
        }
    }

    public static void Equal(Tensor expected, Tensor actual, string? what = null)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        Assert.Equal(expected.ToDoubles(), actual.ToDoubles());
    }

    public static void Values(float[] expected, Tensor actual, double tol = 1e-6)
    {
        var a = actual.ToArray<float>();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - expected[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"element {i}: {a[i]} vs {expected[i]}");
    }
}
