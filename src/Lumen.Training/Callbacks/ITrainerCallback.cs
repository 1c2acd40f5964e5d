namespace Lumen.Training.Callbacks;

/// <summary>Hooks a <see cref="Trainer"/> calls as it goes; implement only the ones you need.</summary>
public interface ITrainerCallback
{
    /// <summary>After every training batch (after the optimizer step).</summary>
    void OnBatchEnd(BatchEnd e) { }

    /// <summary>After every epoch, once its evaluation passes are done and the scheduler has stepped. Set
    /// <see cref="Trainer.StopTraining"/> to end the run after this epoch.</summary>
    void OnEpochEnd(EpochEnd e) { }

    /// <summary>Once, when the epochs are over (or training was stopped), before the final evaluation.</summary>
    void OnTrainEnd(Trainer trainer) { }
}

/// <summary>A callback whose state must survive a resume: it is saved in every "last" checkpoint under
/// <see cref="StateKey"/>. Values must be plain (numbers, strings, bools, arrays, tensors, state dicts).</summary>
public interface IStatefulCallback
{
    /// <summary>Unique key of this callback's state in the checkpoint.</summary>
    string StateKey { get; }

    /// <summary>The callback's state.</summary>
    Dictionary<string, object?> StateDict();

    /// <summary>Restores the state from <see cref="StateDict"/>.</summary>
    void LoadStateDict(IReadOnlyDictionary<string, object?> state);
}

/// <summary>What <see cref="ITrainerCallback.OnBatchEnd"/> receives.</summary>
/// <param name="Trainer">the trainer.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">1-based batch within the epoch.</param>
/// <param name="BatchCount">batches per epoch.</param>
/// <param name="Loss">the batch's mean loss.</param>
/// <param name="BatchSize">examples in the batch.</param>
public sealed record BatchEnd(Trainer Trainer, int Epoch, int Batch, int BatchCount, double Loss, int BatchSize);

/// <summary>What <see cref="ITrainerCallback.OnEpochEnd"/> receives.</summary>
/// <param name="Trainer">the trainer.</param>
/// <param name="Result">the epoch's measurements.</param>
public sealed record EpochEnd(Trainer Trainer, EpochResult Result);

/// <summary>A callback from delegates: <c>new LambdaCallback(onEpochEnd: e => Console.WriteLine(e.Result.Epoch))</c>.</summary>
public sealed class LambdaCallback(Action<BatchEnd>? onBatchEnd = null, Action<EpochEnd>? onEpochEnd = null, Action<Trainer>? onTrainEnd = null) : ITrainerCallback
{
    public void OnBatchEnd(BatchEnd e) => onBatchEnd?.Invoke(e);
    public void OnEpochEnd(EpochEnd e) => onEpochEnd?.Invoke(e);
    public void OnTrainEnd(Trainer trainer) => onTrainEnd?.Invoke(trainer);
}
