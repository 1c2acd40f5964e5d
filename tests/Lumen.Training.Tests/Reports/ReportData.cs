using Lumen.Training.Metrics;
using Lumen.Training.Reports;

namespace Lumen.Training.Tests.Reports;

/// <summary>Builds run reports for the tests from known counts (no training involved).</summary>
internal static class ReportData
{
    /// <summary>Metrics whose confusion matrix is exactly <paramref name="confusion"/> (rows = true class).</summary>
    public static ClassificationResult FromConfusion(long[,] confusion, double loss = 0.5)
    {
        int c = confusion.GetLength(0);
        var logits = new List<float>();
        var targets = new List<long>();
        for (int t = 0; t < c; t++)
            for (int p = 0; p < c; p++)
                for (long k = 0; k < confusion[t, p]; k++)
                {
                    for (int j = 0; j < c; j++) logits.Add(j == p ? 4f : (j + k) % 3 * 0.1f);
                    targets.Add(t);
                }
        var m = new ClassificationMetrics(c, capacity: targets.Count);
        m.Update(Torch.Tensor(logits.ToArray(), targets.Count, c), Torch.Tensor(targets.ToArray()), loss);
        return m.Compute();
    }

    /// <summary>A confusion matrix for <paramref name="c"/> classes, mostly diagonal, from a fixed seed.</summary>
    public static long[,] Confusion(int c, int seed = 1)
    {
        var rng = new Random(seed);
        var m = new long[c, c];
        for (int t = 0; t < c; t++)
            for (int p = 0; p < c; p++) m[t, p] = t == p ? 30 + rng.Next(40) : rng.Next(4) == 0 ? rng.Next(9) : 0;
        return m;
    }

    /// <summary>Loss falling and accuracy rising over <paramref name="epochs"/> epochs, with a NaN valid loss at epoch 3
    /// when there are at least 4.</summary>
    public static List<EpochRecord> Epochs(int epochs)
    {
        var list = new List<EpochRecord>();
        for (int e = 1; e <= epochs; e++)
        {
            double tl = 2.3 * Math.Exp(-0.45 * e) + 0.05, vl = tl * 1.15 + 0.02;
            list.Add(new EpochRecord(e, tl, 1 - tl / 2.6, e == 3 && epochs >= 4 ? double.NaN : vl, 1 - vl / 2.6 - 0.01, 0.1 * Math.Pow(0.5, (e - 1) / 3), 12.5 + e * 0.1));
        }
        return list;
    }

    /// <summary>(out, in, k, k) filters whose values are a per-filter ramp 0, 1, … (plus the filter index).</summary>
    public static TensorData RampFilters(int outC, int inC, int k)
    {
        var data = new float[outC * inC * k * k];
        for (int o = 0; o < outC; o++)
            for (int i = 0; i < inC * k * k; i++) data[o * inC * k * k + i] = i * (o % 2 == 0 ? 1 : -1) + o;
        return new TensorData([outC, inC, k, k], data);
    }

    /// <summary>Sixteen 3×12×12 inputs normalised with <paramref name="mean"/>/<paramref name="std"/>, every fourth one wrong.</summary>
    public static PredictionSamples Samples(int count, int classes, float[] mean, float[] std)
    {
        var s = new PredictionSamples { Mean = mean, Std = std };
        for (int n = 0; n < count; n++)
        {
            var d = new float[3 * 12 * 12];
            for (int ch = 0; ch < 3; ch++)
                for (int y = 0; y < 12; y++)
                    for (int x = 0; x < 12; x++)
                    {
                        double v = ch == n % 3 ? (x + y) / 22.0 : ((x / 3 + y / 3 + n) % 2) * 0.5;
                        d[(ch * 12 + y) * 12 + x] = (float)((v - mean[ch]) / std[ch]);
                    }
            int label = n % classes;
            s.Items.Add(new PredictionSample(new TensorData([3, 12, 12], d), label, n % 4 == 3 ? (label + 1) % classes : label));
        }
        return s;
    }

    public static readonly string[] Cifar = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>A complete report: 10 classes (one named "&lt;&amp;&gt;"), 12 epochs, valid and test metrics,
    /// RGB 3×3 filters and 16 samples.</summary>
    public static RunReport Full(int epochs = 12)
    {
        var names = (string[])Cifar.Clone();
        names[3] = "<&>";
        return new RunReport
        {
            Name = "cifar10-small <test & check>",
            Created = new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.Zero),
            Config = new() { ["model"] = "SmallCnn", ["lr"] = "0.1", ["batch_size"] = "64", ["optimizer"] = "SGD(momentum=0.9)" },
            ClassNames = names,
            Epochs = Epochs(epochs),
            Valid = FromConfusion(Confusion(10, seed: 2), loss: 0.61),
            Test = FromConfusion(Confusion(10, seed: 3), loss: 0.64),
            Filters = RampFilters(16, 3, 3),
            FiltersLayer = "conv1",
            Samples = Samples(16, 10, [0.4914f, 0.4822f, 0.4465f], [0.247f, 0.243f, 0.261f]),
        };
    }
}
