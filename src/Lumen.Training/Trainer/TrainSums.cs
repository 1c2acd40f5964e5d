using Lumen.Serialization;

namespace Lumen.Training;

/// <summary>The running sums of one epoch's training pass. A mid-epoch checkpoint saves them, so a resumed epoch
/// reports the loss and accuracy over all its batches, not only over those trained after the resume.</summary>
internal sealed record TrainSums
{
    public double LossSum;
    public long Correct;
    public int Count;
    public double Seconds;
    public double Lr;

    public double Accuracy(TrainingTask task) => task == TrainingTask.Regression || Count == 0 ? double.NaN : (double)Correct / Count;

    /// <summary>The pass as the epoch's "train" result.</summary>
    public PhaseResult ToPhaseResult(TrainingTask task) => new("train", LossSum / Count, Accuracy(task), Count, Seconds);

    /// <summary>Writes the sums into the checkpoint's trainer state.</summary>
    public void Save(Dictionary<string, object?> d)
    {
        d["loss_sum"] = LossSum; d["correct"] = Correct; d["count"] = Count; d["seconds"] = Seconds; d["lr"] = Lr;
    }

    /// <exception cref="CheckpointFormatException">a sum is missing, of another type, or negative.</exception>
    public static TrainSums Load(string path, IReadOnlyDictionary<string, object?> d)
    {
        var s = new TrainSums
        {
            LossSum = ResumePoint.Field<double>(path, d, "loss_sum"), Correct = ResumePoint.Field<long>(path, d, "correct"),
            Count = ResumePoint.Field<int>(path, d, "count"), Seconds = ResumePoint.Field<double>(path, d, "seconds"),
            Lr = ResumePoint.Field<double>(path, d, "lr"),
        };
        if (s.Count < 0 || s.Correct < 0 || s.Correct > s.Count || !(s.Seconds >= 0))
            throw new CheckpointFormatException(path, $"the running sums are impossible (count {s.Count}, correct {s.Correct}, seconds {s.Seconds}).");
        return s;
    }
}
