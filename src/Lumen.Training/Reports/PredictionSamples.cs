namespace Lumen.Training.Reports;

/// <summary>The examples drawn as the "sample predictions" grid, with the per-channel normalisation to undo before
/// drawing (torchvision's <c>Normalize(mean, std)</c> parameters: pixel = x·std + mean, clamped to [0, 1]).</summary>
public sealed record PredictionSamples
{
    /// <summary>Per-channel means the inputs were normalised with, or null for none (inputs already in [0, 1]).</summary>
    public float[]? Mean { get; set; }

    /// <summary>Per-channel standard deviations the inputs were normalised with, or null for none.</summary>
    public float[]? Std { get; set; }

    /// <summary>The examples, drawn in this order.</summary>
    public List<PredictionSample> Items { get; set; } = [];

    /// <summary>Takes the first <paramref name="maxCount"/> examples of a batch.</summary>
    /// <param name="images">(N, C, H, W) network inputs.</param>
    /// <param name="labels">(N) true class indices (any integer or float dtype).</param>
    /// <param name="predictions">(N) predicted class indices, or (N, K) scores/logits whose arg-max is the prediction
    /// (the first maximum on ties, as <c>torch.argmax</c>).</param>
    /// <param name="maxCount">most examples to keep.</param>
    /// <param name="mean">per-channel normalisation mean (length C), or null.</param>
    /// <param name="std">per-channel normalisation std (length C), or null.</param>
    /// <param name="mistakesFirst">put wrongly predicted examples first, so a mostly-right batch still shows errors.</param>
    /// <exception cref="ShapeMismatchException">the shapes do not agree.</exception>
    public static PredictionSamples FromBatch(Tensor images, Tensor labels, Tensor predictions, int maxCount = 16,
        float[]? mean = null, float[]? std = null, bool mistakesFirst = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        if (maxCount < 0) throw new ArgumentException($"PredictionSamples.FromBatch: maxCount must be non-negative, got {maxCount}.", nameof(maxCount));
        if (images.Dim() != 4)
            throw new ShapeMismatchException($"PredictionSamples.FromBatch: images {images.Shape} must be (N, C, H, W).");
        int n = images.Size(0), c = images.Size(1), h = images.Size(2), w = images.Size(3);
        if (labels.Dim() != 1 || labels.Size(0) != n)
            throw new ShapeMismatchException($"PredictionSamples.FromBatch: labels {labels.Shape} must be (N) with N = {n} for images {images.Shape}.");
        if (predictions.Dim() is not (1 or 2) || predictions.Size(0) != n)
            throw new ShapeMismatchException($"PredictionSamples.FromBatch: predictions {predictions.Shape} must be (N) or (N, K) with N = {n} for images {images.Shape}.");
        if (mean is not null && mean.Length != c) throw new ArgumentException($"PredictionSamples.FromBatch: mean has {mean.Length} values for {c} channels.", nameof(mean));
        if (std is not null && std.Length != c) throw new ArgumentException($"PredictionSamples.FromBatch: std has {std.Length} values for {c} channels.", nameof(std));

        var pixels = images.ToArray<float>();
        var y = labels.ToArray<long>();
        var pred = new int[n];
        if (predictions.Dim() == 1)
        {
            var p = predictions.ToArray<long>();
            for (int i = 0; i < n; i++) pred[i] = (int)p[i];
        }
        else
        {
            int k = predictions.Size(1);
            var s = predictions.ToArray<float>();
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                for (int j = 1; j < k; j++)
                    if (s[i * k + j] > s[i * k + best] || (float.IsNaN(s[i * k + j]) && !float.IsNaN(s[i * k + best]))) best = j;
                pred[i] = best;
            }
        }

        IEnumerable<int> order = Enumerable.Range(0, n);
        if (mistakesFirst) order = order.OrderBy(i => y[i] == pred[i] ? 1 : 0); // stable: keeps batch order within each group
        int size = c * h * w;
        var result = new PredictionSamples { Mean = (float[]?)mean?.Clone(), Std = (float[]?)std?.Clone() };
        foreach (int i in order.Take(maxCount))
            result.Items.Add(new PredictionSample(new TensorData([c, h, w], pixels.AsSpan(i * size, size).ToArray()), (int)y[i], pred[i]));
        return result;
    }
}
