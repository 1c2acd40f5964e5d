namespace Lumen.Training.Reports;

/// <summary>One row of a run's history: what the trainer measured at the end of an epoch. Values it did not measure
/// are NaN (a run without a validation split has NaN <see cref="ValidLoss"/> and <see cref="ValidAccuracy"/>).</summary>
/// <param name="Epoch">epoch number as the trainer counts it (usually 1-based).</param>
/// <param name="TrainLoss">mean training loss over the epoch.</param>
/// <param name="TrainAccuracy">training accuracy in [0, 1].</param>
/// <param name="ValidLoss">mean validation loss.</param>
/// <param name="ValidAccuracy">validation accuracy in [0, 1].</param>
/// <param name="LearningRate">learning rate used during the epoch (of the first parameter group).</param>
/// <param name="Seconds">wall-clock duration of the epoch.</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValidLoss = double.NaN,
    double ValidAccuracy = double.NaN,
    double LearningRate = double.NaN,
    double Seconds = double.NaN);
