using System.Text.Json.Serialization;
using Lumen.Training.Metrics;

namespace Lumen.Training;

/// <summary>What one pass over a split measured.</summary>
/// <param name="Name">the split: "train", "valid", "test" (or the name the trainer was given for its validation split).</param>
/// <param name="Loss">mean loss per example.</param>
/// <param name="Accuracy">accuracy in [0, 1] (exact-match ratio for multi-label; NaN for regression).</param>
/// <param name="Count">examples seen.</param>
/// <param name="Seconds">wall-clock time of the pass.</param>
public sealed record PhaseResult(string Name, double Loss, double Accuracy, int Count, double Seconds)
{
    /// <summary>Examples per second.</summary>
    public double ImagesPerSecond => Seconds > 0 ? Count / Seconds : double.NaN;

    /// <summary>Full classification metrics (evaluation passes of classification tasks), else null. Not kept in the
    /// checkpointed history.</summary>
    [JsonIgnore] public ClassificationResult? Metrics { get; init; }
}

/// <summary>One epoch of a run: its training pass, evaluation passes, learning rate and duration.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Train">the training pass (loss and accuracy of the batches as they were trained on).</param>
/// <param name="Valid">the validation pass, or null.</param>
/// <param name="Test">the per-epoch test pass, or null.</param>
/// <param name="LearningRate">the first parameter group's learning rate during the epoch.</param>
/// <param name="Seconds">wall-clock time of the whole epoch (summed over resumed pieces).</param>
public sealed record EpochResult(int Epoch, PhaseResult Train, PhaseResult? Valid, PhaseResult? Test, double LearningRate, double Seconds)
{
    /// <summary>A metric by name: <c>train_loss</c>, <c>train_acc</c>, <c>valid_loss</c>, <c>valid_acc</c>,
    /// <c>test_loss</c>, <c>test_acc</c>, <c>lr</c>; NaN when the split was not evaluated.</summary>
    /// <exception cref="ArgumentException">an unknown metric name.</exception>
    public double Get(string metric) => metric switch
    {
        "train_loss" => Train.Loss,
        "train_acc" => Train.Accuracy,
        "valid_loss" => Valid?.Loss ?? double.NaN,
        "valid_acc" => Valid?.Accuracy ?? double.NaN,
        "test_loss" => Test?.Loss ?? double.NaN,
        "test_acc" => Test?.Accuracy ?? double.NaN,
        "lr" => LearningRate,
        _ => throw new ArgumentException($"Unknown metric '{metric}' (known: {string.Join(", ", MetricNames)})."),
    };

    /// <summary>The names <see cref="Get"/> knows.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = new[] { "train_loss", "train_acc", "valid_loss", "valid_acc", "test_loss", "test_acc", "lr" };

    /// <summary>Min for losses, max for accuracies (what <see cref="MonitorMode.Auto"/> resolves to).</summary>
    public static MonitorMode ModeOf(string metric, MonitorMode mode = MonitorMode.Auto) =>
        mode != MonitorMode.Auto ? mode : metric.Contains("acc", StringComparison.OrdinalIgnoreCase) ? MonitorMode.Max : MonitorMode.Min;
}

/// <summary>What <see cref="Trainer.Fit"/> returns.</summary>
/// <param name="History">every epoch of the run (including those before a resume).</param>
/// <param name="BestEpoch">the epoch with the best monitored value (1-based), or null.</param>
/// <param name="Valid">the final validation pass with full metrics, or null.</param>
/// <param name="Test">the final test pass with full metrics, or null.</param>
public sealed record FitResult(IReadOnlyList<EpochResult> History, int? BestEpoch, PhaseResult? Valid, PhaseResult? Test);
