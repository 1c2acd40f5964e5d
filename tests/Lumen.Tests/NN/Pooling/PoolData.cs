namespace Lumen.Tests.NN.Pooling;

/// <summary>Test inputs made with System.Random (no global generator): normal values, and tie-free values whose
/// gaps (≥ 0.05) dwarf the gradient check's step, so no max-pool argmax moves under a finite difference.</summary>
internal static class PoolData
{
    public static Tensor Randn(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var d = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++)
            d[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return Torch.Tensor(d, shape);
    }

    public static Tensor Distinct(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        int n = shape.Aggregate(1, (a, b) => a * b);
        var d = Enumerable.Range(0, n).Select(i => (i - n / 2) * 0.05f).OrderBy(_ => rng.Next()).ToArray();
        return Torch.Tensor(d, shape);
    }
}
