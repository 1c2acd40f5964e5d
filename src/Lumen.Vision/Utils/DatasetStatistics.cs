using Lumen.Data;

namespace Lumen.Vision.Utils;

/// <summary>Per-channel statistics of an image dataset, the numbers passed to <c>Normalize(mean, std)</c>.</summary>
public static class DatasetStatistics
{
    /// <summary>Mean and standard deviation of each channel over every pixel of every sample (images (C, H, W) of any sizes),
    /// accumulated in double; <paramref name="unbiased"/> divides by count − 1 like <c>torch.std</c>.</summary>
    public static (float[] Mean, float[] Std) MeanStd(Dataset<(Tensor Image, long Label)> dataset, bool unbiased = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Count == 0) throw new ArgumentException("MeanStd: the dataset is empty.");
        double[]? sum = null, sq = null;
        long count = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var img = dataset[i].Image;
            if (img.Ndim != 3) throw new ShapeMismatchException($"MeanStd: sample {i} has shape {img.Shape}; expected an image (C, H, W).");
            int c = img.Size(0), hw = img.Size(1) * img.Size(2);
            sum ??= new double[c];
            sq ??= new double[c];
            if (sum.Length != c) throw new ShapeMismatchException($"MeanStd: sample {i} has {c} channels, sample 0 has {sum.Length}.");
            var d = img.ToArray<float>();
            for (int ch = 0; ch < c; ch++)
            {
                double s = 0, q = 0;
                for (int k = ch * hw, e = k + hw; k < e; k++) { double v = d[k]; s += v; q += v * v; }
                sum[ch] += s;
                sq[ch] += q;
            }
            count += hw;
        }
        var mean = new float[sum!.Length];
        var std = new float[sum.Length];
        for (int ch = 0; ch < mean.Length; ch++)
        {
            double m = sum[ch] / count;
            double var = (sq![ch] - count * m * m) / (unbiased ? count - 1 : count);
            mean[ch] = (float)m;
            std[ch] = (float)Math.Sqrt(Math.Max(0, var));
        }
        return (mean, std);
    }
}
