using Lumen.NN;
using Lumen.Serialization;
using Lumen.Training.Callbacks;
using Lumen.Training.Checkpoints;
using Lumen.Training.Runs;

namespace Lumen.Training;

/// <summary>
/// A run's "last" checkpoint, read and checked by <see cref="Trainer.Resume"/> and consumed by the next
/// <see cref="Trainer.Fit"/>. What it restores: the model, optimizer, scheduler and stateful callbacks; the trainer's
/// epoch history, best value and epoch, and stop flag; the epoch and batch reached; and the generator states, both now
/// and at that epoch's start. Everything is validated against the live trainer before anything changes, so a damaged
/// or foreign checkpoint leaves the trainer as it was.
/// <para>Generators: at an epoch's end the saved states are simply continued. Mid-epoch, the epoch-start states are set
/// first so the loader draws the same order, the trained batches are skipped, and then the states at the checkpoint
/// are set, so the remaining batches see the same dropout masks and augmentations as the uninterrupted run.</para>
/// </summary>
internal sealed class ResumePoint
{
    private ResumePoint(string path, TrainingCheckpoint checkpoint, List<EpochResult> history, double best, int bestEpoch, bool stop, TrainSums? sums)
    {
        Path = path;
        Checkpoint = checkpoint;
        History = history;
        Best = best;
        BestEpoch = bestEpoch;
        Stop = stop;
        Sums = sums;
    }

    public string Path { get; }
    public TrainingCheckpoint Checkpoint { get; }
    /// <summary>One record per epoch done, numbered 1, 2, ….</summary>
    public List<EpochResult> History { get; }
    public double Best { get; }
    public int BestEpoch { get; }
    public bool Stop { get; }
    /// <summary>The interrupted epoch's running sums (a mid-epoch checkpoint), else null.</summary>
    public TrainSums? Sums { get; }
    /// <summary>Epochs done when the checkpoint was written.</summary>
    public int Epoch => Checkpoint.Epoch;
    /// <summary>Whether the checkpoint was written inside an epoch (after <see cref="TrainingCheckpoint.Batch"/> batches).</summary>
    public bool MidEpoch => Checkpoint.Batch > 0;

    /// <summary>Reads <paramref name="path"/> and checks every field against <paramref name="trainer"/>'s model,
    /// optimizer, scheduler and callbacks; changes nothing.</summary>
    /// <exception cref="CheckpointFormatException">the file is damaged or does not fit the trainer.</exception>
    public static ResumePoint Load(string path, Trainer trainer)
    {
        var ck = TrainingCheckpoint.Load(path);
        DistributedTraining.CheckWorldSize(ck.Trainer, path, trainer.Distributed?.Group.WorldSize ?? 1);
        if (trainer.Distributed is { } dist)
        {
            // Each rank continues its own random streams, which rank 0 gathered into the checkpoint.
            var (g, l, gs, ls) = dist.RankStates(ck.Trainer, path);
            ck = new TrainingCheckpoint
            {
                Model = ck.Model, Optimizer = ck.Optimizer, Scheduler = ck.Scheduler, Epoch = ck.Epoch, Batch = ck.Batch,
                GlobalRng = g, LoaderRng = l, GlobalRngAtEpochStart = gs, LoaderRngAtEpochStart = ls,
                Trainer = ck.Trainer, Callbacks = ck.Callbacks,
            };
        }
        var t = ck.Trainer;
        var history = ResumedHistory(path, ck);
        double best = Field<double>(path, t, "best");
        int bestEpoch = Field<int>(path, t, "best_epoch");
        if (bestEpoch < 0 || bestEpoch > history.Count)
            throw new CheckpointFormatException(path, $"trainer.best_epoch is {bestEpoch}: expected 0 to {history.Count} (the epochs done).");
        bool stop = t.TryGetValue("stop", out var st) && st != null ? st as bool? ?? throw new CheckpointFormatException(path, "trainer.stop is not a bool.") : false;
        var sums = ck.Batch > 0 ? TrainSums.Load(path, t) : null;
        CheckpointFit.ModelStateDict(path, "model", ck.Model, trainer.Model);
        if (ck.Optimizer != null) CheckpointFit.Optimizer(path, ck.Optimizer, trainer.Optimizer);
        if (ck.Scheduler != null && trainer.Scheduler != null) CheckpointFit.StateDict(path, "scheduler", ck.Scheduler, trainer.Scheduler.StateDict(), trainer.Model);
        foreach (var cb in trainer.Callbacks.OfType<IStatefulCallback>())
            if (ck.Callbacks.TryGetValue(cb.StateKey, out var s)) CheckpointFit.StateDict(path, "callbacks." + cb.StateKey, s, cb.StateDict(), trainer.Model);
        return new ResumePoint(path, ck, history, best, bestEpoch, stop, sums);
    }

    /// <summary>Loads the model, optimizer, scheduler and callbacks' states into <paramref name="trainer"/>.</summary>
    public void LoadInto(Trainer trainer)
    {
        var ck = Checkpoint;
        try
        {
            trainer.Model.LoadStateDict(ck.Model);
            if (ck.Optimizer != null) trainer.Optimizer.LoadStateDict(ck.Optimizer);
            if (ck.Scheduler != null) trainer.Scheduler?.LoadStateDict(ck.Scheduler);
            foreach (var cb in trainer.Callbacks.OfType<IStatefulCallback>())
                if (ck.Callbacks.TryGetValue(cb.StateKey, out var s)) cb.LoadStateDict(s);
        }
        catch (Exception e) when (e is StateDictException or ArgumentException or InvalidCastException or KeyNotFoundException or FormatException)
        {
            throw new CheckpointFormatException(Path, $"does not fit this trainer: {e.Message}", e);
        }
    }

    /// <summary>The line <see cref="Trainer.Fit"/> prints when it continues from here, or null.</summary>
    public string? Message() =>
        MidEpoch ? $"resumed in epoch {Epoch + 1} after batch {Checkpoint.Batch}"
        : Epoch > 0 ? $"resumed after epoch {Epoch}"
        : null;

    /// <summary>Sets the generators to their states at the checkpoint.</summary>
    public void RestoreGenerators(Generator? loaderGen)
    {
        if (Checkpoint.GlobalRng != null) Generator.Default.SetState(Checkpoint.GlobalRng);
        if (loaderGen != null && Checkpoint.LoaderRng != null) loaderGen.SetState(Checkpoint.LoaderRng);
    }

    /// <summary>The first epoch after the resume. Mid-epoch: the generators go back to the epoch's start (the caller skips
    /// <see cref="EpochStart.SkipBatches"/> batches, then calls <see cref="RestoreGenerators"/>); on a rank other than 0 of
    /// a distributed run the sums restart at 0, since rank 0's checkpoint holds the sums over all ranks. At an epoch's
    /// end: the generators continue from the checkpoint.</summary>
    public EpochStart StartEpoch(Generator? loaderGen, double lr, bool isMainRank)
    {
        if (!MidEpoch)
        {
            RestoreGenerators(loaderGen);
            return EpochStart.Now(loaderGen, lr);
        }
        var globalStart = Checkpoint.GlobalRngAtEpochStart ?? throw new CheckpointFormatException(Path, "a mid-epoch checkpoint lacks the epoch-start random state.");
        var loaderStart = Checkpoint.LoaderRngAtEpochStart;
        Generator.Default.SetState(globalStart);
        if (loaderGen != null && loaderStart != null) loaderGen.SetState(loaderStart);
        var sums = Sums! with { };
        if (!isMainRank) sums = sums with { LossSum = 0, Correct = 0, Count = 0 };
        return new EpochStart(globalStart, loaderStart, Checkpoint.Batch, sums);
    }

    /// <summary>The checkpoint's epoch history: one record per epoch done, numbered 1, 2, ….</summary>
    private static List<EpochResult> ResumedHistory(string path, TrainingCheckpoint ck)
    {
        List<EpochResult> history;
        try { history = MetricsLog.FromJson(Field<string>(path, ck.Trainer, "history")); }
        catch (System.Text.Json.JsonException e) { throw new CheckpointFormatException(path, $"trainer.history is not a valid epoch history: {e.Message}", e); }
        if (history.Count != ck.Epoch)
            throw new CheckpointFormatException(path, $"epoch {ck.Epoch} does not match the history, which holds {history.Count} epochs.");
        for (int i = 0; i < history.Count; i++)
            if (history[i] is not { Train: not null } h || h.Epoch != i + 1)
                throw new CheckpointFormatException(path, $"trainer.history[{i}] is not the record of epoch {i + 1}.");
        return history;
    }

    /// <summary>A typed value of the trainer's state, or a checkpoint error naming it.</summary>
    public static T Field<T>(string path, IReadOnlyDictionary<string, object?> state, string key) =>
        state.TryGetValue(key, out var v) && v is T x ? x
            : throw new CheckpointFormatException(path, $"trainer.{key} is {(v == null ? "missing" : "a " + v.GetType().Name)}: expected a {typeof(T).Name}.");
}
