using Lumen.Serialization;
using Lumen.Training.Callbacks;
using Lumen.Training.Checkpoints;
using Lumen.Training.Runs;

namespace Lumen.Training;

/// <summary>
/// When and what a <see cref="Trainer.Fit"/> writes into the run directory (<see cref="TrainerOptions.RunDir"/>; nothing
/// without one):
/// <list type="bullet">
/// <item><c>last.safetensors</c>, the resumable checkpoint (<see cref="TrainingCheckpoint"/>): at every epoch's end, and
/// every <see cref="TrainerOptions.CheckpointEveryBatches"/> batches inside an epoch (not after its last batch, which
/// the epoch's end covers).</item>
/// <item><c>best.safetensors</c>, the weights, whenever the monitored metric improves; <c>metrics.csv/json</c> at every
/// epoch's end; <c>model.safetensors</c>, the final weights, after training.</item>
/// </list>
/// Every file is written atomically (temporary file, fsync, rename), so a process killed at any moment leaves the
/// previous version intact. In a data-parallel run every rank takes part in writing "last" (its generator states and
/// sums are gathered to rank 0), and only rank 0 writes files.
/// </summary>
internal sealed class CheckpointPolicy
{
    private readonly Trainer _trainer;
    private readonly string? _dir;        // the run directory, on every rank
    private readonly Generator? _loaderGen;

    /// <summary>Creates the run directory.</summary>
    public CheckpointPolicy(Trainer trainer, Generator? loaderGen)
    {
        _trainer = trainer;
        _loaderGen = loaderGen;
        _dir = trainer.Options.RunDir;
        if (_dir != null) Directory.CreateDirectory(_dir);
        WriteDir = trainer.IsMainRank ? _dir : null;
    }

    /// <summary>Where this process writes logs, weights and the report: the run directory on rank 0, else null.</summary>
    public string? WriteDir { get; }

    /// <summary>After batch <paramref name="batch"/> (1-based) of 0-based epoch <paramref name="epoch"/>: a mid-epoch
    /// "last" checkpoint when one is due. <paramref name="secondsThisProcess"/>, the pass's training time in this
    /// process, is added to the seconds carried over from a resume.</summary>
    public void AfterBatch(int epoch, int batch, int batchCount, EpochStart start, TrainSums sums, double secondsThisProcess)
    {
        int every = _trainer.Options.CheckpointEveryBatches;
        if (_dir != null && every > 0 && batch % every == 0 && batch < batchCount)
            SaveLast(epoch, batch, start.GlobalRng, start.LoaderRng, sums with { Seconds = sums.Seconds + secondsThisProcess });
    }

    /// <summary>The monitored metric improved: the weights become <c>best.safetensors</c>.</summary>
    public void Improved()
    {
        if (WriteDir != null) SafeTensors.Save(_trainer.Model.StateDict(), Path.Combine(WriteDir, RunFiles.Best));
    }

    /// <summary>After <paramref name="epochsDone"/> epochs: the logs and the "last" checkpoint at the epoch's end.</summary>
    public void AfterEpoch(int epochsDone)
    {
        if (_dir == null) return;
        if (WriteDir != null) MetricsLog.Write(WriteDir, _trainer.History);
        SaveLast(epochsDone, 0, null, null, null);
    }

    /// <summary>Training is over: the final weights become <c>model.safetensors</c>.</summary>
    public void Final()
    {
        if (WriteDir != null) SafeTensors.Save(_trainer.Model.StateDict(), Path.Combine(WriteDir, RunFiles.Final));
    }

    /// <summary>Writes "last": the states of model, optimizer, scheduler and stateful callbacks, the trainer's own state
    /// (history, best, stop flag, monitor, the running sums when mid-epoch) and the generator states now and at the
    /// epoch's start (<see cref="ResumePoint"/> reads them back).</summary>
    private void SaveLast(int epoch, int batch, byte[]? globalStart, byte[]? loaderStart, TrainSums? sums)
    {
        var t = _trainer;
        var state = new Dictionary<string, object?>
        {
            ["history"] = MetricsLog.ToJson(t.History),
            ["best"] = t.BestValue,
            ["best_epoch"] = t.BestEpoch ?? 0,
            ["stop"] = t.StopTraining,
            ["monitor"] = t.MonitorName,
        };
        if (t.Distributed != null && sums != null)
        {
            var (l, k, n) = t.Distributed.Sum(sums.LossSum, sums.Correct, sums.Count);
            sums = sums with { LossSum = l, Correct = k, Count = n };
        }
        sums?.Save(state);
        // Every rank hands rank 0 its generator states (a collective: all ranks reach this point), then only rank 0 writes.
        t.Distributed?.AddRankStates(state, Generator.Default.GetState(), _loaderGen?.GetState(), globalStart, loaderStart);
        if (!t.IsMainRank) return;
        var callbacks = new Dictionary<string, Dictionary<string, object?>>();
        foreach (var cb in t.Callbacks.OfType<IStatefulCallback>()) callbacks[cb.StateKey] = cb.StateDict();
        var ck = new TrainingCheckpoint
        {
            Model = t.Model.StateDict(),
            Optimizer = t.Optimizer.StateDict(),
            Scheduler = t.Scheduler?.StateDict(),
            Epoch = epoch,
            Batch = batch,
            GlobalRng = Generator.Default.GetState(),
            LoaderRng = _loaderGen?.GetState(),
            GlobalRngAtEpochStart = globalStart,
            LoaderRngAtEpochStart = loaderStart,
            Trainer = state,
            Callbacks = callbacks,
        };
        ck.Save(Path.Combine(_dir!, RunFiles.Last), t.Crash?.CheckpointStarting());
    }
}
