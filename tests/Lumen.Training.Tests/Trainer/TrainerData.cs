using Lumen.Data;
using Lumen.NN;

namespace Lumen.Training.Tests.Trainer;

/// <summary>Small synthetic problems, drawn from their own generators.</summary>
internal static class TrainerData
{
    /// <summary>Three Gaussian blobs in 4-D: (x (n, 4), y (n) int64).</summary>
    public static TensorDataset Blobs(int n, int seed)
    {
        var g = new Generator(seed);
        var x = Torch.Randn(new[] { n, 4 }, g);
        var y = new long[n];
        var xs = x.ToArray<float>();
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 3;
            xs[i * 4 + (int)y[i]] += 3f;
        }
        return new TensorDataset(Torch.FromArray(xs, n, 4), Torch.Tensor(y));
    }

    /// <summary>Two labels that copy the signs of the first two features: (x (n, 4), y (n, 2) float 0/1).</summary>
    public static TensorDataset MultiLabel(int n, int seed)
    {
        var x = Torch.Randn(new[] { n, 4 }, new Generator(seed));
        var xs = x.ToArray<float>();
        var y = new float[n * 2];
        for (int i = 0; i < n; i++) { y[i * 2] = xs[i * 4] > 0 ? 1 : 0; y[i * 2 + 1] = xs[i * 4 + 1] > 0 ? 1 : 0; }
        return new TensorDataset(x, Torch.FromArray(y, n, 2));
    }

    /// <summary>y = x · w + 1 with w = (1, −2, 0.5, 0): (x (n, 4), y (n, 1)).</summary>
    public static TensorDataset Regression(int n, int seed)
    {
        var x = Torch.Randn(new[] { n, 4 }, new Generator(seed));
        var xs = x.ToArray<float>();
        var y = new float[n];
        for (int i = 0; i < n; i++) y[i] = xs[i * 4] - 2 * xs[i * 4 + 1] + 0.5f * xs[i * 4 + 2] + 1;
        return new TensorDataset(x, Torch.FromArray(y, n, 1));
    }

    public static DataLoader<Tensor[], Tensor[]> Loader(TensorDataset d, int batch, bool shuffle = false, Generator? g = null) =>
        new(d, batchSize: batch, shuffle: shuffle, generator: g);

    /// <summary>A small MLP with dropout (so training draws from the global generator).</summary>
    public static Sequential Mlp(int outputs) => new(new Linear(4, 16), new ReLU(), new Dropout(0.2), new Linear(16, outputs));

    public static float[][] Weights(Module m) => m.StateDict().Values.Select(t => t.ToArray<float>()).ToArray();

    public static string TempDir() 
    {
        var d = Path.Combine(Path.GetTempPath(), "lumen-trainer-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }
}
