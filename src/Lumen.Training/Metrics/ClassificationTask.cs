namespace Lumen.Training.Metrics;

/// <summary>What kind of classifier a <see cref="ClassificationMetrics"/> scores (torchmetrics' <c>task</c> argument).</summary>
public enum ClassificationTask
{
    /// <summary>One label per example out of C classes: outputs (N, C) trained with <c>CrossEntropyLoss</c>,
    /// int64 targets (N) holding class indices. The prediction is the first index of the largest output (<c>argmax</c>).</summary>
    MultiClass,

    /// <summary>Any subset of C labels per example: outputs (N, C) trained with <c>BCEWithLogitsLoss</c>, 0/1 targets
    /// (N, C). Each label is predicted present when its probability exceeds the threshold (sigmoid then 0.5).</summary>
    MultiLabel,

    /// <summary>Two classes with one output per example: outputs (N) or (N, 1), 0/1 targets (N) or (N, 1).
    /// Class 1 (positive) is predicted when its probability exceeds the threshold.</summary>
    Binary,
}
