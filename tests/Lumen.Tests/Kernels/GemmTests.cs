using Lumen.Kernels;
using Xunit;

namespace Lumen.Tests.Kernels;

/// <summary>The packed SGEMM against a naive triple loop (kept here, never in the library), on every path this CPU runs.</summary>
[Collection(KernelAllocationsCollection.Name)]
public class GemmTests
{
    // (m, n, k): ones, primes and 2^j+1 sizes so every tile, K slice (KC = 512) and column panel (NC = 2048) has a ragged
    // edge; small ones take the simple path, the rest the packed path.
    private static readonly (int M, int N, int K)[] Sizes =
    {
        (1, 1, 1), (1, 7, 17), (7, 1, 17), (7, 17, 1), (3, 5, 7), (17, 33, 65), (33, 65, 17), (65, 129, 33),
        (129, 65, 129), (8, 32, 256), (16, 64, 257), (97, 101, 300), (300, 70, 600), (40, 50, 513), (9, 2100, 40), (250, 9, 40),
    };

    private static readonly (float Alpha, float Beta)[] Scales = { (1f, 0f), (0.5f, 2f), (-1.5f, 1f) };

    private static readonly GemmPath[] Paths = { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Vector };

    /// <summary>C = alpha·op(A)·op(B) + beta·C by the definition, accumulated in double.</summary>
    private static double[] Naive(bool ta, bool tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
                                  float beta, float[] c, int ldc, out double[] magnitude)
    {
        var r = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = ta ? a[p * lda + i] : a[i * lda + p];
                    double y = tb ? b[j * ldb + p] : b[p * ldb + j];
                    s += x * y; mag += Math.Abs(x * y);
                }
                double cv = beta == 0 ? 0 : beta * (double)c[i * ldc + j];
                r[i * n + j] = alpha * s + cv;
                magnitude[i * n + j] = Math.Abs(alpha) * mag + Math.Abs(cv);
            }
        return r;
    }

    private static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var d = new float[count];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(rng.NextDouble() * 2 - 1);
        return d;
    }

    [Theory]
    [InlineData(false, false)] [InlineData(false, true)] [InlineData(true, false)] [InlineData(true, true)]
    public void Sgemm_matches_the_naive_triple_loop_on_odd_sizes_on_every_path(bool transA, bool transB)
    {
        // Paths this CPU cannot run are left out (the Vector path always runs, so the driver is always covered).
        var paths = Paths.Where(Gemm.IsSupported).ToArray();
        foreach (var (m, n, k) in Sizes)
            foreach (var (alpha, beta) in Scales)
            {
                // Leading dimensions wider than the rows, so the kernel must honour them.
                int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
                var a = Random((transA ? k : m) * lda, m * 31 + k);
                var b = Random((transB ? n : k) * ldb, n * 17 + k);
                var c0 = Random(m * ldc, m + n);
                if (beta == 0f) Array.Fill(c0, float.NaN); // beta = 0 must not read C
                var expected = Naive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc, out var mag);

                foreach (var path in paths)
                {
                    var c = (float[])c0.Clone();
                    Gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, path);

                    double tol = 4e-7 * (Math.Sqrt(k) + 2);
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double err = Math.Abs(c[i * ldc + j] - expected[i * n + j]);
                            Assert.True(err <= tol * (mag[i * n + j] + 1e-30),
                                $"{path} tA={transA} tB={transB} m={m} n={n} k={k} alpha={alpha} beta={beta}: C[{i},{j}] = {c[i * ldc + j]}, expected {expected[i * n + j]}");
                        }
                        // Padding between rows (columns n..ldc) is never written.
                        for (int j = n; j < ldc && i * ldc + j < c.Length; j++) Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
                    }
                }
            }
    }

    [Fact]
    public void Every_path_and_thread_count_gives_the_same_bits()
    {
        const int m = 211, n = 173, k = 530; // packed path, several K slices, ragged tiles
        var a = Random(m * k, 1); var b = Random(k * n, 2);
        int saved = Torch.GetNumThreads();
        try
        {
            float[]? reference = null;
            foreach (var path in Paths)
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    if (!Gemm.IsSupported(path)) continue;
                    Torch.SetNumThreads(threads);
                    var c = new float[m * n];
                    Gemm.Sgemm(false, true, m, n, k, 1f, a, k, Transpose(b, k, n), k, 0f, c, n, path);
                    reference ??= c;
                    Assert.True(reference.AsSpan().SequenceEqual(c), $"{path} with {threads} threads differs from the first run");
                }
        }
        finally { Torch.SetNumThreads(saved); }
    }

    [Fact]
    public void Packed_path_allocates_nothing_after_its_first_call_on_a_thread()
    {
        const int n = 300;
        var a = Random(n * n, 3); var b = Random(n * n, 4); var c = new float[n * n];
        Gemm.Sgemm(false, true, n, n, n, 1f, a, n, b, n, 0f, c, n); // grows this thread's pack buffers once
        long perCall = Allocations.SteadyPerCall(() => Gemm.Sgemm(false, true, n, n, n, 1f, a, n, b, n, 0f, c, n));
        // Pack buffers and the loop state (with its two parallel bodies) are the thread's own, made on the first call.
        Assert.Equal(0, perCall);
    }

    [Fact]
    public void Zero_k_or_zero_alpha_only_scales_C()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 2, 3f, c, 2);
        Assert.Equal(new float[] { 3, 6, 9, 12 }, c);
        var nan = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };
        Gemm.Sgemm(false, false, 2, 2, 2, 0f, nan, 2, nan, 2, 0.5f, c, 2);
        Assert.Equal(new float[] { 1.5f, 3, 4.5f, 6 }, c);
    }

    [Fact]
    public void Spans_too_short_for_the_sizes_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, false, 4, 4, 4, 1f, new float[15], 4, new float[16], 4, 0f, new float[16], 4));
        Assert.Contains("A needs 16 elements", ex.Message);
    }

    private static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
        return t;
    }
}
