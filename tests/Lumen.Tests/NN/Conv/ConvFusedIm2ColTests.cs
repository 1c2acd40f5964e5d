using Lumen.Kernels;
using Xunit;
using static Lumen.Tests.NN.Conv.NaiveConv;

namespace Lumen.Tests.NN.Conv;

/// <summary>The forward product with im2col fused into SGEMM's packing (the column matrix is never stored) against the
/// stored column matrix and against the direct definition, on shapes large enough to take the fused path: strides,
/// dilation, padding wider than the kernel reach, groups, 1-d/3-d, and batched chunks whose micro-panels straddle
/// two samples.</summary>
public class ConvFusedIm2ColTests
{
    public static IEnumerable<object[]> Configs()
    {
        static NaiveConv.Config C(int dims, int n, int c, int oc, int g, int[] inSize, int[] k, int[] s, int[] p, int[] d) =>
            new(dims, n, c, oc, g, inSize, k, s, p, p, d, new int[dims], false, false);
        yield return new object[] { C(2, 3, 8, 40, 1, new[] { 13, 11 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }) };
        yield return new object[] { C(2, 2, 6, 33, 1, new[] { 37, 23 }, new[] { 7, 5 }, new[] { 2, 3 }, new[] { 3, 4 }, new[] { 1, 1 }) };
        yield return new object[] { C(2, 4, 12, 24, 3, new[] { 9, 10 }, new[] { 3, 2 }, new[] { 1, 2 }, new[] { 2, 1 }, new[] { 2, 1 }) };
        yield return new object[] { C(1, 5, 16, 20, 1, new[] { 61 }, new[] { 5 }, new[] { 1 }, new[] { 2 }, new[] { 3 }) };
        yield return new object[] { C(3, 2, 4, 16, 1, new[] { 6, 7, 8 }, new[] { 3, 3, 3 }, new[] { 1, 2, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }) };
        // 7×7 outputs (P = 49 < 256): the batched path, panels of 32 columns cross sample boundaries.
        yield return new object[] { C(2, 5, 32, 48, 1, new[] { 7, 7 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }) };
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Fused_forward_gives_the_bits_of_the_stored_column_matrix_and_matches_the_definition(NaiveConv.Config cfg)
    {
        var r = new Random(cfg.GetHashCode() & 0xffff);
        var o = cfg.Out();
        var geo = cfg.Geometry();
        var x = NaiveConv.RandomData(r, cfg.N * cfg.C * cfg.In.Aggregate(1, (a, b) => a * b));
        var w = NaiveConv.RandomData(r, cfg.WeightShape().Aggregate(1, (a, b) => a * b));
        int yLen = cfg.N * cfg.OC * o.Aggregate(1, (a, b) => a * b);
        var expected = NaiveConv.Run(cfg, x, w, null, new float[yLen]).Y;
        foreach (var strategy in new[] { ConvStrategy.PerSample, ConvStrategy.Batched })
        {
            float[] Forward(bool fused)
            {
                var y = new float[yLen];
                var options = new ConvPlanOptions(Strategy: strategy, NoFusedIm2Col: !fused);
                // Fused where SGEMM takes its packed path (the planner's rule); never when turned off.
                var algorithm = ConvPlanner.Plan(geo, ConvPass.Forward, options).Algorithm;
                if (!fused) Assert.Equal(strategy == ConvStrategy.Batched ? ConvAlgorithm.BatchedStoredIm2Col : ConvAlgorithm.StoredIm2Col, algorithm);
                ConvKernels.Forward(geo, V(x), V(w), default, V(y), options);
                return y;
            }
            var fusedY = Forward(true);
            Assert.Equal(Forward(false), fusedY);
            for (int i = 0; i < yLen; i++)
                Assert.True(Math.Abs(fusedY[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"{cfg} {strategy}: y[{i}] = {fusedY[i]}, expected {expected[i]}");
        }
    }
}
