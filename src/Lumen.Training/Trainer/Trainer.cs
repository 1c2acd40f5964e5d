using System.Diagnostics;
using System.Globalization;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Serialization;
using Lumen.Training.Callbacks;
using Lumen.Training.Checkpoints;
using Lumen.Training.Metrics;
using Lumen.Training.Reports;
using Lumen.Training.Runs;

namespace Lumen.Training;

/// <summary>
/// Trains any <see cref="Module"/> with any loss and optimizer, epoch by epoch: a training pass (zero grads, forward,
/// loss, backward, optional gradient clipping, optimizer step, optional per-batch scheduler step), a validation pass
/// with full classification metrics, the scheduler's epoch step (ReduceLROnPlateau gets the monitored metric),
/// callbacks, and live progress. With a run directory it writes the per-epoch logs, the best and last checkpoints, the
/// final weights and a report, and it resumes a run that was killed at any moment to the same weights, bit for bit,
/// as the uninterrupted run (see <see cref="Resume"/>).
/// <code>
/// var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters()),
///     options: new TrainerOptions { Epochs = 3, RunDir = "runs/mnist", Output = Console.Out });
/// trainer.Callbacks.Add(new EarlyStopping("valid_loss", patience: 2));
/// var result = trainer.Fit(trainLoader, validLoader, testLoader);
/// </code>
/// <para>Exact resume needs the same code, data and thread count, and numWorkers = 0 for loaders whose transforms draw
/// random numbers (background loading interleaves draws in a thread-dependent order).</para>
/// </summary>
public sealed class Trainer
{
    private readonly List<EpochResult> _history = new();
    private readonly ProgressPrinter _progress;
    private TrainingCheckpoint? _pending;
    private string _monitor = "train_loss";
    private MonitorMode _mode = MonitorMode.Min;
    private double _best = double.NaN;
    private int _bestEpoch;
    private int _nextEpoch;
    private int _checkpointsWritten;
    private int _batchesThisProcess;
    private PhaseResult? _lastValid;
    private readonly DistributedTraining? _dist;   // set in a data-parallel run (more than one rank)

    /// <param name="model">the network; its outputs go to <paramref name="lossFunction"/> with the batch targets.</param>
    /// <param name="lossFunction">e.g. CrossEntropyLoss (multi-class), BCEWithLogitsLoss (multi-label), MSELoss (regression).</param>
    /// <param name="optimizer">the optimizer over the model's parameters.</param>
    /// <param name="scheduler">a learning-rate scheduler, or null.</param>
    /// <param name="options">settings; defaults when null.</param>
    public Trainer(Module model, Loss lossFunction, Optimizer optimizer, ILRScheduler? scheduler = null, TrainerOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        LossFunction = lossFunction ?? throw new ArgumentNullException(nameof(lossFunction));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        if (scheduler != null && !ReferenceEquals(scheduler.Optimizer, optimizer))
            throw new ArgumentException("Trainer: the scheduler schedules a different optimizer than the one given.", nameof(scheduler));
        Scheduler = scheduler;
        Options = options ?? new TrainerOptions();
        if (Options.Epochs < 0) throw new ArgumentException($"Trainer: epochs must be non-negative, got {Options.Epochs}.");
        if (Options.CheckpointEveryBatches < 0) throw new ArgumentException($"Trainer: CheckpointEveryBatches must be non-negative, got {Options.CheckpointEveryBatches}.");
        if (Options.ProcessGroup is { WorldSize: > 1 } group) _dist = new DistributedTraining(model, group);
        _progress = new ProgressPrinter(IsMainRank ? Options.Output : null, Options.Interactive);
    }

    /// <summary>True unless this is a rank other than 0 of a data-parallel run: only rank 0 prints and writes files.</summary>
    public bool IsMainRank => _dist == null || _dist.Group.IsMain;

    public Module Model { get; }
    public Loss LossFunction { get; }
    public Optimizer Optimizer { get; }
    public ILRScheduler? Scheduler { get; }
    public TrainerOptions Options { get; }

    /// <summary>Callbacks, called in order.</summary>
    public List<ITrainerCallback> Callbacks { get; } = new();

    /// <summary>Every finished epoch, including those done before a resume.</summary>
    public IReadOnlyList<EpochResult> History => _history;

    /// <summary>Set (by a callback) to end training after the current epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>The epoch (1-based) with the best monitored value so far, or null.</summary>
    public int? BestEpoch => _bestEpoch > 0 ? _bestEpoch : null;

    /// <summary>Epochs finished so far (the next epoch's 0-based index).</summary>
    public int EpochsDone => _nextEpoch;

    /// <summary>Prints a whole line to the trainer's output (clearing a live progress line first).</summary>
    public void Print(string line) => _progress.Line(line);

    // ------------------------------------------------------------------ modes

    /// <summary>Runs one of seed 000's modes: train_eval (<see cref="Fit"/>), restart_train_eval (<see cref="Resume"/> then
    /// Fit; a run without a checkpoint starts from scratch), predict_on_valid / predict_on_test (load the run's best
    /// weights, predict, and write <c>predictions_&lt;split&gt;.csv</c> into the run directory).</summary>
    public RunOutcome Run(RunMode mode, BatchSource train, BatchSource? valid = null, BatchSource? test = null)
    {
        switch (mode)
        {
            case RunMode.TrainEval: return new RunOutcome(Fit(train, valid, test), null, null);
            case RunMode.RestartTrainEval: Resume(); return new RunOutcome(Fit(train, valid, test), null, null);
        }
        bool onValid = mode == RunMode.PredictOnValid;
        var split = (onValid ? valid : test) ?? throw new ArgumentException($"Trainer.Run({mode}): no {(onValid ? "validation" : "test")} split was given.");
        LoadBestWeights();
        var rows = Predict(split);
        string? path = null;
        if (Options.RunDir != null)
        {
            Directory.CreateDirectory(Options.RunDir);
            path = Path.Combine(Options.RunDir, RunFiles.Predictions(onValid ? Options.ValidName : "test"));
            PredictionsCsv.Write(path, rows, Options.ClassNames, Options.Task);
        }
        return new RunOutcome(null, rows, path);
    }

    /// <summary>Loads the run's best weights (<c>best.safetensors</c>), else its final weights, else the last
    /// checkpoint's; returns the file used.</summary>
    /// <exception cref="FileNotFoundException">the run directory holds none of them.</exception>
    public string LoadBestWeights(string? runDir = null)
    {
        var dir = runDir ?? Options.RunDir ?? throw new InvalidOperationException("Trainer.LoadBestWeights: no run directory.");
        foreach (var name in new[] { RunFiles.Best, RunFiles.Final })
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) { LoadWeights(p, SafeTensors.Load(p)); return p; }
        }
        var last = Path.Combine(dir, RunFiles.Last);
        if (File.Exists(last)) { LoadWeights(last, TrainingCheckpoint.Load(last).Model); return last; }
        throw new FileNotFoundException($"{dir} holds no weights ({RunFiles.Best}, {RunFiles.Final} or {RunFiles.Last}).");
    }

    private void LoadWeights(string path, OrderedDictionary<string, Tensor> sd)
    {
        try { Model.LoadStateDict(sd); }
        catch (StateDictException e) { throw new CheckpointFormatException(path, $"does not fit the run's model: {e.Message}", e); }
    }

    // ------------------------------------------------------------------ resume

    /// <summary>Restores the run's last checkpoint (model, optimizer, scheduler, history, best value, callbacks' state); the
    /// next <see cref="Fit"/> continues at the saved epoch and batch with the saved random states, so the run ends with the
    /// same weights as if it had never stopped. Returns false (and changes nothing) when there is no checkpoint yet.</summary>
    public bool Resume(string? runDir = null)
    {
        var dir = runDir ?? Options.RunDir ?? throw new InvalidOperationException("Trainer.Resume: no run directory (set TrainerOptions.RunDir or pass one).");
        var path = Path.Combine(dir, RunFiles.Last);
        if (!Directory.Exists(dir)) return false;
        // A process killed while writing a file leaves its temporary file behind; the target file is intact.
        AtomicFile.DeleteTemporaryFiles(dir);
        if (!File.Exists(path)) return false;
        // Everything is checked before anything changes: a damaged checkpoint leaves the trainer as it was.
        var ck = TrainingCheckpoint.Load(path);
        DistributedTraining.CheckWorldSize(ck.Trainer, path, _dist?.Group.WorldSize ?? 1);
        if (_dist != null)
        {
            // Each rank continues its own random streams, which rank 0 gathered into the checkpoint.
            var (g, l, gs, ls) = _dist.RankStates(ck.Trainer, path);
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
        if (ck.Batch > 0) TrainSums.Load(path, t);
        CheckpointFit.ModelStateDict(path, "model", ck.Model, Model);
        if (ck.Optimizer != null) CheckpointFit.Optimizer(path, ck.Optimizer, Optimizer);
        if (ck.Scheduler != null && Scheduler != null) CheckpointFit.StateDict(path, "scheduler", ck.Scheduler, Scheduler.StateDict(), Model);
        foreach (var cb in Callbacks.OfType<IStatefulCallback>())
            if (ck.Callbacks.TryGetValue(cb.StateKey, out var s)) CheckpointFit.StateDict(path, "callbacks." + cb.StateKey, s, cb.StateDict(), Model);

        try
        {
            Model.LoadStateDict(ck.Model);
            if (ck.Optimizer != null) Optimizer.LoadStateDict(ck.Optimizer);
            if (ck.Scheduler != null) Scheduler?.LoadStateDict(ck.Scheduler);
            foreach (var cb in Callbacks.OfType<IStatefulCallback>())
                if (ck.Callbacks.TryGetValue(cb.StateKey, out var s)) cb.LoadStateDict(s);
        }
        catch (Exception e) when (e is StateDictException or ArgumentException or InvalidCastException or KeyNotFoundException or FormatException)
        {
            throw new CheckpointFormatException(path, $"does not fit this trainer: {e.Message}", e);
        }
        _history.Clear();
        _history.AddRange(history);
        _best = best;
        _bestEpoch = bestEpoch;
        StopTraining = stop;
        _nextEpoch = ck.Epoch;
        _lastValid = null;
        _pending = ck;
        return true;
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
    private static T Field<T>(string path, IReadOnlyDictionary<string, object?> state, string key) =>
        state.TryGetValue(key, out var v) && v is T x ? x
            : throw new CheckpointFormatException(path, $"trainer.{key} is {(v == null ? "missing" : "a " + v.GetType().Name)}: expected a {typeof(T).Name}.");

    // ------------------------------------------------------------------ fit

    /// <summary>Trains until <see cref="TrainerOptions.Epochs"/> epochs are done or a callback stops training, then
    /// evaluates the final weights on <paramref name="valid"/> and <paramref name="test"/> and writes the report.</summary>
    /// <param name="train">training batches (shuffled, usually).</param>
    /// <param name="valid">evaluated after every epoch, or null.</param>
    /// <param name="test">evaluated once at the end, or null.</param>
    public FitResult Fit(BatchSource train, BatchSource? valid = null, BatchSource? test = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        _monitor = Options.Monitor ?? (valid != null ? "valid_loss" : "train_loss");
        if (!EpochResult.MetricNames.Contains(_monitor))
            throw new ArgumentException($"Trainer: unknown monitor '{_monitor}' (known: {string.Join(", ", EpochResult.MetricNames)}).");
        _mode = EpochResult.ModeOf(_monitor, Options.MonitorMode);
        if (_bestEpoch == 0) _best = _mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        var dir = Options.RunDir;
        if (dir != null) Directory.CreateDirectory(dir);
        var writeDir = IsMainRank ? dir : null;   // where this process writes logs, weights and the report

        var global = Generator.Default;
        var loaderGen = train.Generator;
        var pending = _pending;
        _pending = null;
        if (pending != null && _nextEpoch > 0 && pending.Batch == 0)
            Print($"resumed after epoch {_nextEpoch}");
        else if (pending != null && pending.Batch > 0)
            Print($"resumed in epoch {pending.Epoch + 1} after batch {pending.Batch}");

        for (int epoch = _nextEpoch; epoch < Options.Epochs && !StopTraining; epoch++)
        {
            // The epoch-start random states: the loader draws its seed and order from them, so a resumed run can draw the
            // same order again and skip the batches already trained on.
            byte[] globalStart;
            byte[]? loaderStart;
            var sums = new TrainSums { Lr = Optimizer.ParamGroups[0].Lr };
            int skip = 0;
            if (pending is { Batch: > 0 })
            {
                globalStart = pending.GlobalRngAtEpochStart ?? throw new CheckpointFormatException(RunFiles.Last, "a mid-epoch checkpoint lacks the epoch-start random state.");
                loaderStart = pending.LoaderRngAtEpochStart;
                global.SetState(globalStart);
                if (loaderGen != null && loaderStart != null) loaderGen.SetState(loaderStart);
                skip = pending.Batch;
                sums = TrainSums.Load(RunFiles.Last, pending.Trainer);
                // A distributed checkpoint holds the sums over all ranks: rank 0 carries them on, the others restart at 0.
                if (!IsMainRank) sums = sums with { LossSum = 0, Correct = 0, Count = 0 };
            }
            else
            {
                if (pending != null) RestoreRng(pending, loaderGen);
                globalStart = global.GetState();
                loaderStart = loaderGen?.GetState();
            }

            Model.Train();
            DistributedTraining.SetEpoch(train, epoch);
            var clock = Stopwatch.StartNew();
            using var batches = train.Start();
            for (int i = 0; i < skip; i++)
                if (!batches.MoveNext()) throw new InvalidOperationException($"Trainer: the checkpoint is at batch {skip} of epoch {epoch + 1}, but the training data has only {i} batches.");
            if (skip > 0) RestoreRng(pending!, loaderGen);
            pending = null;

            int batch = skip;
            string label = $"epoch {epoch + 1}/{Options.Epochs} train";
            while (batches.MoveNext())
            {
                var (x, y) = batches.Current;
                double loss = TrainBatch(x, y, sums);
                batch++;
                foreach (var cb in Callbacks) cb.OnBatchEnd(new BatchEnd(this, epoch + 1, batch, train.Count, loss, x.Size(0)));
                double elapsed = sums.Seconds + clock.Elapsed.TotalSeconds;
                double rate = sums.Count / Math.Max(elapsed, 1e-9);
                int remaining = Math.Max(0, train.SampleCount - sums.Count);
                _progress.Batch(label, batch, train.Count, sums.LossSum / sums.Count, sums.Accuracy(Options.Task), rate, remaining / rate);

                if (dir != null && Options.CheckpointEveryBatches > 0 && batch % Options.CheckpointEveryBatches == 0 && batch < train.Count)
                {
                    var partial = sums with { Seconds = sums.Seconds + clock.Elapsed.TotalSeconds };
                    SaveLast(dir, epoch, batch, globalStart, loaderStart, partial, loaderGen);
                }
                if (Options.Crash is { DieAfterBatches: > 0 } c && ++_batchesThisProcess == c.DieAfterBatches) CrashSwitches.Die();
            }
            sums.Seconds += clock.Elapsed.TotalSeconds;
            if (sums.Count == 0) throw new InvalidOperationException("Trainer: the training data yielded no batches.");
            if (_dist != null) (sums.LossSum, sums.Correct, sums.Count) = _dist.Sum(sums.LossSum, sums.Correct, sums.Count);

            var trainResult = new PhaseResult("train", sums.LossSum / sums.Count, sums.Accuracy(Options.Task), sums.Count, sums.Seconds);
            var evalClock = Stopwatch.StartNew();
            var v = valid != null ? Evaluate(valid, Options.ValidName) : null;
            _lastValid = v;
            var result = new EpochResult(epoch + 1, trainResult, v, null, sums.Lr, sums.Seconds + evalClock.Elapsed.TotalSeconds);
            _history.Add(result);

            StepSchedulerAfterEpoch(result);
            double value = result.Get(_monitor);
            bool improved = _mode == MonitorMode.Min ? value < _best : value > _best;
            if (improved)
            {
                _best = value;
                _bestEpoch = result.Epoch;
                if (writeDir != null) SafeTensors.Save(Model.StateDict(), Path.Combine(writeDir, RunFiles.Best));
            }
            Print(EpochLine(result, improved));
            foreach (var cb in Callbacks) cb.OnEpochEnd(new EpochEnd(this, result));
            _nextEpoch = epoch + 1;
            if (dir != null)
            {
                if (writeDir != null) MetricsLog.Write(writeDir, _history);
                SaveLast(dir, epoch + 1, 0, null, null, null, loaderGen);
            }
        }
        if (pending != null) RestoreRng(pending, loaderGen);

        int before = _history.Count;
        var snapshot = Model.StateDict().Select(kv => kv.Value.ToArray<float>()).ToList();
        foreach (var cb in Callbacks) cb.OnTrainEnd(this);
        bool weightsChanged = !Model.StateDict().Select(kv => kv.Value.ToArray<float>()).Zip(snapshot).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        if (writeDir != null) SafeTensors.Save(Model.StateDict(), Path.Combine(writeDir, RunFiles.Final));

        var finalValid = valid == null ? null : (_lastValid is { Metrics: not null } && !weightsChanged && before > 0 ? _lastValid : Evaluate(valid, Options.ValidName));
        var finalTest = test == null ? null : Evaluate(test, "test");
        if (finalValid != null) Print(FinalLine(finalValid));
        if (finalTest != null) Print(FinalLine(finalTest));
        if (writeDir != null && Options.WriteReport) WriteReport(writeDir, finalValid, finalTest, test ?? valid);
        return new FitResult(_history.ToList(), BestEpoch, finalValid, finalTest);
    }

    private static void RestoreRng(TrainingCheckpoint ck, Generator? loaderGen)
    {
        if (ck.GlobalRng != null) Generator.Default.SetState(ck.GlobalRng);
        if (loaderGen != null && ck.LoaderRng != null) loaderGen.SetState(ck.LoaderRng);
    }

    private double TrainBatch(Tensor x, Tensor y, TrainSums sums)
    {
        // Every tensor the step makes (activations, gradients, temporaries) goes back to the pool when the step ends, so
        // the next step reuses the same memory instead of waiting for the GC; what is kept is copied out (loss, counts).
        using var scope = Torch.NewDisposeScope();
        Optimizer.ZeroGrad();
        var output = (_dist?.Parallel ?? Model).Call(x);   // DDP averages the gradients over the ranks during Backward
        var loss = LossFunction.Call(output, y);
        loss.Backward();
        if (Options.ClipGradNorm is double maxNorm) NN.Utils.ClipGradNorm_(Model.Parameters(), maxNorm);
        if (Options.ClipGradValue is double clip) NN.Utils.ClipGradValue_(Model.Parameters(), clip);
        Optimizer.Step();
        if (Options.SchedulerStepping == SchedulerStepping.Batch && Scheduler is LRScheduler s) s.Step();
        double l = loss.Item();
        int b = x.Size(0);
        sums.LossSum += l * b;
        sums.Count += b;
        sums.Correct += CountCorrect(output, y, Options.Task);
        return l;
    }

    private void StepSchedulerAfterEpoch(EpochResult r)
    {
        switch (Scheduler)
        {
            case ReduceLROnPlateau p: p.Step(r.Get(_monitor)); break;
            case LRScheduler s when Options.SchedulerStepping == SchedulerStepping.Epoch: s.Step(); break;
        }
    }

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

    private void SaveLast(string dir, int epoch, int batch, byte[]? globalStart, byte[]? loaderStart, TrainSums? sums, Generator? loaderGen)
    {
        var state = new Dictionary<string, object?>
        {
            ["history"] = MetricsLog.ToJson(_history),
            ["best"] = _best,
            ["best_epoch"] = _bestEpoch,
            ["stop"] = StopTraining,
            ["monitor"] = _monitor,
        };
        if (_dist != null && sums != null)
        {
            var (l, k, n) = _dist.Sum(sums.LossSum, sums.Correct, sums.Count);
            sums = sums with { LossSum = l, Correct = k, Count = n };
        }
        sums?.Save(state);
        // Every rank hands rank 0 its generator states (a collective: all ranks reach this point), then only rank 0 writes.
        _dist?.AddRankStates(state, Generator.Default.GetState(), loaderGen?.GetState(), globalStart, loaderStart);
        if (!IsMainRank) return;
        var callbacks = new Dictionary<string, Dictionary<string, object?>>();
        foreach (var cb in Callbacks.OfType<IStatefulCallback>()) callbacks[cb.StateKey] = cb.StateDict();
        var ck = new TrainingCheckpoint
        {
            Model = Model.StateDict(),
            Optimizer = Optimizer.StateDict(),
            Scheduler = Scheduler?.StateDict(),
            Epoch = epoch,
            Batch = batch,
            GlobalRng = Generator.Default.GetState(),
            LoaderRng = loaderGen?.GetState(),
            GlobalRngAtEpochStart = globalStart,
            LoaderRngAtEpochStart = loaderStart,
            Trainer = state,
            Callbacks = callbacks,
        };
        _checkpointsWritten++;
        bool die = Options.Crash is { DieWhileCheckpointing: > 0 } c && c.DieWhileCheckpointing == _checkpointsWritten;
        ck.Save(Path.Combine(dir, RunFiles.Last), die ? CrashSwitches.Die : null);
    }

    // ------------------------------------------------------------------ evaluation and prediction

    /// <summary>One pass over <paramref name="data"/> in eval mode without gradients: mean loss and, for classification,
    /// every <see cref="ClassificationMetrics"/> measure (in <see cref="PhaseResult.Metrics"/>).</summary>
    public PhaseResult Evaluate(BatchSource data, string name = "test")
    {
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = Model.Training;
        Model.Eval();
        var clock = Stopwatch.StartNew();
        ClassificationMetrics? metrics = null;
        double lossSum = 0;
        int count = 0, done = 0;
        using (Lumen.Autograd.Autograd.NoGrad())
        {
            using var it = data.Start();
            while (it.MoveNext())
            {
                var (x, y) = it.Current;
                using var scope = Torch.NewDisposeScope();   // metrics copy what they need out of the batch's tensors
                var output = Model.Call(x);
                double loss = LossFunction.Call(output, y).Item();
                int b = x.Size(0);
                if (Options.Task != TrainingTask.Regression)
                {
                    metrics ??= new ClassificationMetrics(output.Size(1), Math.Max(data.SampleCount, b),
                        Options.Task == TrainingTask.MultiLabel ? ClassificationTask.MultiLabel : ClassificationTask.MultiClass);
                    metrics.Update(output, y, loss);
                }
                lossSum += loss * b;
                count += b;
                done++;
                double rate = count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                _progress.Batch($"{name,-5} eval", done, data.Count, lossSum / count, metrics?.Accuracy ?? double.NaN, rate, (data.SampleCount - count) / rate, inLogs: false);
            }
        }
        Model.Train(wasTraining);
        var r = metrics?.Compute();
        return new PhaseResult(name, count == 0 ? double.NaN : lossSum / count, r?.Accuracy ?? double.NaN, count, clock.Elapsed.TotalSeconds) { Metrics = r };
    }

    /// <summary>Predicts every example of <paramref name="data"/> (eval mode, no gradients), in the loader's order.</summary>
    public List<PredictionRow> Predict(BatchSource data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = new List<PredictionRow>(data.SampleCount);
        bool wasTraining = Model.Training;
        Model.Eval();
        using (Lumen.Autograd.Autograd.NoGrad())
        {
            using var it = data.Start();
            while (it.MoveNext())
            {
                var (x, y) = it.Current;
                using var scope = Torch.NewDisposeScope();   // the rows hold copies (ToArray)
                var output = Model.Call(x);
                int b = output.Size(0), c = output.Numel() / Math.Max(1, b);
                var probs = Options.Task switch
                {
                    TrainingTask.MultiClass => output.Softmax(1).ToArray<float>(),
                    TrainingTask.MultiLabel => output.Sigmoid().ToArray<float>(),
                    _ => output.ToArray<float>(),
                };
                var targets = y.ToArray<float>();
                int tc = targets.Length / Math.Max(1, b);
                for (int i = 0; i < b; i++)
                {
                    var p = probs.AsSpan(i * c, c).ToArray();
                    var t = targets.AsSpan(i * tc, tc).ToArray();
                    rows.Add(new PredictionRow(rows.Count, Label(t, Options.Task, isTarget: true), Label(p, Options.Task, isTarget: false), p));
                }
            }
        }
        Model.Train(wasTraining);
        return rows;
    }

    private static string Label(float[] v, TrainingTask task, bool isTarget) => task switch
    {
        TrainingTask.MultiClass => isTarget ? ((long)v[0]).ToString(CultureInfo.InvariantCulture) : ArgMax(v).ToString(CultureInfo.InvariantCulture),
        TrainingTask.MultiLabel => string.Join(";", Enumerable.Range(0, v.Length).Where(k => v[k] > 0.5f)),
        _ => string.Join(";", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
    };

    private static int ArgMax(float[] v)
    {
        int best = 0;
        for (int k = 1; k < v.Length; k++) if (v[k] > v[best]) best = k;
        return best;
    }

    // ------------------------------------------------------------------ output

    private string EpochLine(EpochResult r, bool improved)
    {
        var inv = CultureInfo.InvariantCulture;
        string Acc(double a) => double.IsNaN(a) ? "" : string.Format(inv, " acc {0:F2}%", a * 100);
        var s = string.Format(inv, "epoch {0}/{1}  train loss {2:F4}{3}", r.Epoch, Options.Epochs, r.Train.Loss, Acc(r.Train.Accuracy));
        if (r.Valid != null) s += string.Format(inv, "  {0} loss {1:F4}{2}", r.Valid.Name, r.Valid.Loss, Acc(r.Valid.Accuracy));
        s += string.Format(inv, "  lr {0:G4}  {1:F1} s ({2:F0} img/s){3}", r.LearningRate, r.Seconds, r.Train.ImagesPerSecond, improved ? "  *" : "");
        return s;
    }

    private static string FinalLine(PhaseResult p) => string.Format(CultureInfo.InvariantCulture,
        "final {0}: loss {1:F4}{2}  ({3} examples)", p.Name, p.Loss, double.IsNaN(p.Accuracy) ? "" : string.Format(CultureInfo.InvariantCulture, "  accuracy {0:F2}%", p.Accuracy * 100), p.Count);

    private void WriteReport(string dir, PhaseResult? valid, PhaseResult? test, BatchSource? samplesFrom)
    {
        var report = new RunReport
        {
            Name = Options.RunName ?? Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar)),
            Created = DateTimeOffset.Now,
            ClassNames = Options.ClassNames?.ToArray(),
            BestEpoch = BestEpoch,
            Valid = valid?.Metrics,
            Test = test?.Metrics,
        };
        if (Options.Config != null) foreach (var (k, v) in Options.Config) report.Config[k] = v;
        report.Config["monitor"] = _monitor;
        foreach (var e in _history)
            report.Epochs.Add(new EpochRecord(e.Epoch, e.Train.Loss, e.Train.Accuracy, e.Get("valid_loss"), e.Get("valid_acc"), e.LearningRate, e.Seconds));
        var conv = Model.NamedParameters().FirstOrDefault(p => p.Parameter.Dim() == 4 && p.Name.EndsWith("weight", StringComparison.Ordinal));
        if (conv.Parameter != null)
        {
            report.Filters = TensorData.From(conv.Parameter.Detach());
            report.FiltersLayer = conv.Name[..^".weight".Length];
        }
        if (samplesFrom != null && Options.Task == TrainingTask.MultiClass)
        {
            Model.Eval();
            using (Lumen.Autograd.Autograd.NoGrad())
            {
                using var it = samplesFrom.Start();
                if (it.MoveNext() && it.Current.Input.Dim() == 4)
                {
                    var (x, y) = it.Current;
                    report.Samples = PredictionSamples.FromBatch(x, y, Model.Call(x), 16, Options.NormalizeMean, Options.NormalizeStd, mistakesFirst: true);
                }
            }
            Model.Train();
        }
        ReportWriter.Write(report, dir);
    }

    /// <summary>The running sums of a training pass (saved in mid-epoch checkpoints).</summary>
    private sealed record TrainSums
    {
        public double LossSum;
        public long Correct;
        public int Count;
        public double Seconds;
        public double Lr;

        public double Accuracy(TrainingTask task) => task == TrainingTask.Regression || Count == 0 ? double.NaN : (double)Correct / Count;

        public void Save(Dictionary<string, object?> d)
        {
            d["loss_sum"] = LossSum; d["correct"] = Correct; d["count"] = Count; d["seconds"] = Seconds; d["lr"] = Lr;
        }

        /// <exception cref="CheckpointFormatException">a sum is missing, of another type, or negative.</exception>
        public static TrainSums Load(string path, IReadOnlyDictionary<string, object?> d)
        {
            var s = new TrainSums
            {
                LossSum = Field<double>(path, d, "loss_sum"), Correct = Field<long>(path, d, "correct"), Count = Field<int>(path, d, "count"),
                Seconds = Field<double>(path, d, "seconds"), Lr = Field<double>(path, d, "lr"),
            };
            if (s.Count < 0 || s.Correct < 0 || s.Correct > s.Count || !(s.Seconds >= 0))
                throw new CheckpointFormatException(path, $"the running sums are impossible (count {s.Count}, correct {s.Correct}, seconds {s.Seconds}).");
            return s;
        }
    }
}
