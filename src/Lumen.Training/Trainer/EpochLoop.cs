using System.Diagnostics;
using Lumen.Optim.Schedulers;
using Lumen.Training.Callbacks;

namespace Lumen.Training;

/// <summary>
/// One epoch's training pass of <see cref="Trainer.Fit"/>, the tutorials' inner loop: for each batch, zero the
/// gradients, forward, loss, backward, (clip), step; then the callbacks, the progress line, a mid-epoch checkpoint when
/// one is due. A resumed epoch first skips the batches it already trained on (see <see cref="ResumePoint"/>).
/// </summary>
internal sealed class EpochLoop
{
    private readonly Trainer _trainer;
    private readonly BatchSource _train;
    private readonly CheckpointPolicy _checkpoints;

    public EpochLoop(Trainer trainer, BatchSource train, CheckpointPolicy checkpoints)
    {
        _trainer = trainer;
        _train = train;
        _checkpoints = checkpoints;
    }

    /// <summary>Trains 0-based epoch <paramref name="epoch"/>, continuing <paramref name="resumed"/> when given; returns
    /// the pass's sums (over all ranks in a data-parallel run).</summary>
    public TrainSums Run(int epoch, ResumePoint? resumed)
    {
        var t = _trainer;
        var loaderGen = _train.Generator;
        double lr = t.Optimizer.ParamGroups[0].Lr;
        var start = resumed?.StartEpoch(loaderGen, lr, t.IsMainRank) ?? EpochStart.Now(loaderGen, lr);
        var sums = start.Sums;

        t.Model.Train();
        DistributedTraining.SetEpoch(_train, epoch);
        var clock = Stopwatch.StartNew();
        using var batches = _train.Start();
        int skip = start.SkipBatches;
        for (int i = 0; i < skip; i++)
            if (!batches.MoveNext()) throw new InvalidOperationException($"Trainer: the checkpoint is at batch {skip} of epoch {epoch + 1}, but the training data has only {i} batches.");
        if (skip > 0) resumed!.RestoreGenerators(loaderGen);

        int batch = skip;
        string label = $"epoch {epoch + 1}/{t.Options.Epochs} train";
        while (batches.MoveNext())
        {
            var (x, y) = batches.Current;
            double loss = TrainBatch(x, y, sums);
            batch++;
            foreach (var cb in t.Callbacks) cb.OnBatchEnd(new BatchEnd(t, epoch + 1, batch, _train.Count, loss, x.Size(0)));
            double elapsed = sums.Seconds + clock.Elapsed.TotalSeconds;
            double rate = sums.Count / Math.Max(elapsed, 1e-9);
            int remaining = Math.Max(0, _train.SampleCount - sums.Count);
            t.Progress.Batch(label, batch, _train.Count, sums.LossSum / sums.Count, sums.Accuracy(t.Options.Task), rate, remaining / rate);
            _checkpoints.AfterBatch(epoch, batch, _train.Count, start, sums, clock.Elapsed.TotalSeconds);
            t.Crash?.BatchDone();
        }
        sums.Seconds += clock.Elapsed.TotalSeconds;
        if (sums.Count == 0) throw new InvalidOperationException("Trainer: the training data yielded no batches.");
        if (t.Distributed != null) (sums.LossSum, sums.Correct, sums.Count) = t.Distributed.Sum(sums.LossSum, sums.Correct, sums.Count);
        return sums;
    }

    /// <summary>One optimisation step on a batch; adds its loss and counts to <paramref name="sums"/>.</summary>
    private double TrainBatch(Tensor x, Tensor y, TrainSums sums)
    {
        var t = _trainer;
        // Every tensor the step makes (activations, gradients, temporaries) goes back to the pool when the step ends, so
        // the next step reuses the same memory instead of waiting for the GC; what is kept is copied out (loss, counts).
        using var scope = Torch.NewDisposeScope();
        t.Optimizer.ZeroGrad();
        var output = (t.Distributed?.Parallel ?? t.Model).Call(x);   // DDP averages the gradients over the ranks during Backward
        var loss = t.LossFunction.Call(output, y);
        loss.Backward();
        if (t.Options.ClipGradNorm is double maxNorm) NN.Utils.ClipGradNorm_(t.Model.Parameters(), maxNorm);
        if (t.Options.ClipGradValue is double clip) NN.Utils.ClipGradValue_(t.Model.Parameters(), clip);
        t.Optimizer.Step();
        if (t.Options.SchedulerStepping == SchedulerStepping.Batch && t.Scheduler is LRScheduler s) s.Step();
        double l = loss.Item();
        int b = x.Size(0);
        sums.LossSum += l * b;
        sums.Count += b;
        sums.Correct += CountCorrect(output, y, t.Options.Task);
        return l;
    }

    /// <summary>Correct predictions of a batch: the arg-max class (multi-class), or every label right at logit 0
    /// (multi-label, exact match); 0 for regression.</summary>
    internal static long CountCorrect(Tensor output, Tensor target, TrainingTask task)
    {
        if (task == TrainingTask.Regression) return 0;
        if (task == TrainingTask.MultiClass)
        {
            var pred = output.Detach().Argmax(1).ToArray<long>();
            var t = target.ToArray<long>();
            long n = 0;
            for (int i = 0; i < pred.Length; i++) if (pred[i] == t[i]) n++;
            return n;
        }
        int rows = output.Size(0), c = output.Numel() / Math.Max(1, rows);
        var o = output.Detach().ToArray<float>();
        var y = target.ToArray<float>();
        long exact = 0;
        for (int i = 0; i < rows; i++)
        {
            bool all = true;
            for (int k = 0; k < c && all; k++) all = (o[i * c + k] > 0) == (y[i * c + k] > 0.5f);
            if (all) exact++;
        }
        return exact;
    }
}
