namespace Lumen.Training;

/// <summary>What the model's outputs mean, which decides the trainer's metrics.</summary>
public enum TrainingTask
{
    /// <summary>One class per example: logits (N, C), int64 targets (N); CrossEntropyLoss. Metrics: accuracy, confusion
    /// matrix, precision/recall/F1, AUROC.</summary>
    MultiClass,

    /// <summary>Any number of labels per example: logits (N, C), 0/1 float targets (N, C); BCEWithLogitsLoss. Accuracy is
    /// the exact-match ratio (a label counts as predicted when its logit is &gt; 0).</summary>
    MultiLabel,

    /// <summary>Real-valued outputs, e.g. MSELoss: only the loss is measured (accuracy is NaN).</summary>
    Regression,
}

/// <summary>When the trainer steps an epoch-based learning-rate scheduler.</summary>
public enum SchedulerStepping
{
    /// <summary>After every epoch (StepLR, CosineAnnealingLR, ReduceLROnPlateau with the monitored metric).</summary>
    Epoch,

    /// <summary>After every optimizer step (OneCycleLR, CyclicLR, warm-up schedules).</summary>
    Batch,
}

/// <summary>Whether a monitored metric should go down (a loss) or up (an accuracy).</summary>
public enum MonitorMode
{
    /// <summary>Max when the metric's name contains "acc", else Min.</summary>
    Auto,

    /// <summary>Lower is better.</summary>
    Min,

    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>Seed 000's run modes (rachellea's <c>run_model</c> tasks).</summary>
public enum RunMode
{
    /// <summary>Train on the training split and evaluate on the validation split every epoch ("train_eval").</summary>
    TrainEval,

    /// <summary>Continue a run that stopped (crashed or was killed) from its last checkpoint ("restart_train_eval").</summary>
    RestartTrainEval,

    /// <summary>Predict on the validation split with the run's best weights ("predict_on_valid").</summary>
    PredictOnValid,

    /// <summary>Predict on the test split with the run's best weights ("predict_on_test").</summary>
    PredictOnTest,
}
