using System.Diagnostics;
using System.Globalization;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Serialization;
using Lumen.Training.Callbacks;
using Lumen.Training.Checkpoints;
using Lumen.Training.Metrics;
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
    private ResumePoint? _pending;   // restored by Resume, continued by the next Fit
    private string _monitor = "train_loss";
    private MonitorMode _mode = MonitorMode.Min;
    private double _best = double.NaN;
    private int _bestEpoch;
    private int _nextEpoch;
    private PhaseResult? _lastValid;

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
        if (Options.ProcessGroup is { WorldSize: > 1 } group) Distributed = new DistributedTraining(model, group);
        Progress = new ProgressPrinter(IsMainRank ? Options.Output : null, Options.Interactive);
        Crash = CrashInjection.FromEnvironment();
    }

    /// <summary>True unless this is a rank other than 0 of a data-parallel run: only rank 0 prints and writes files.</summary>
    public bool IsMainRank => Distributed == null || Distributed.Group.IsMain;

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
    public void Print(string line) => Progress.Line(line);

    /// <summary>The data-parallel side of the run (more than one rank), else null.</summary>
    internal DistributedTraining? Distributed { get; }
    internal ProgressPrinter Progress { get; }
    /// <summary>The test-only crash points of <c>LUMEN_TEST_CRASH</c>, else null.</summary>
    internal CrashInjection? Crash { get; }
    /// <summary>The monitored metric's name and its best value so far (saved in checkpoints).</summary>
    internal string MonitorName => _monitor;
    internal double BestValue => _best;

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
        var point = ResumePoint.Load(path, this);
        point.LoadInto(this);
        _history.Clear();
        _history.AddRange(point.History);
        _best = point.Best;
        _bestEpoch = point.BestEpoch;
        StopTraining = point.Stop;
        _nextEpoch = point.Epoch;
        _lastValid = null;
        _pending = point;
        return true;
    }

    // ------------------------------------------------------------------ fit

    /// <summary>Trains until <see cref="TrainerOptions.Epochs"/> epochs are done or a callback stops training, then
    /// evaluates the final weights on <paramref name="valid"/> and <paramref name="test"/> and writes the report.</summary>
    /// <param name="train">training batches (shuffled, usually).</param>
    /// <param name="valid">evaluated after every epoch, or null.</param>
    /// <param name="test">evaluated once at the end, or null.</param>
    public FitResult Fit(BatchSource train, BatchSource? valid = null, BatchSource? test = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ChooseMonitor(hasValid: valid != null);
        var checkpoints = new CheckpointPolicy(this, train.Generator);
        var epochLoop = new EpochLoop(this, train, checkpoints);
        var resumed = _pending;
        _pending = null;
        if (resumed?.Message() is string resumedLine) Print(resumedLine);

        for (int epoch = _nextEpoch; epoch < Options.Epochs && !StopTraining; epoch++)
        {
            var sums = epochLoop.Run(epoch, resumed);   // train on every batch
            resumed = null;
            var evalClock = Stopwatch.StartNew();
            var v = valid != null ? Evaluate(valid, Options.ValidName) : null;
            _lastValid = v;
            var result = new EpochResult(epoch + 1, sums.ToPhaseResult(Options.Task), v, null, sums.Lr, sums.Seconds + evalClock.Elapsed.TotalSeconds);
            _history.Add(result);

            StepSchedulerAfterEpoch(result);
            bool improved = UpdateBest(result);
            if (improved) checkpoints.Improved();
            Print(RunReporting.EpochLine(result, Options.Epochs, improved));
            foreach (var cb in Callbacks) cb.OnEpochEnd(new EpochEnd(this, result));
            _nextEpoch = epoch + 1;
            checkpoints.AfterEpoch(_nextEpoch);
        }
        resumed?.RestoreGenerators(train.Generator);   // no epoch was left to train: continue the saved random streams
        return Finish(valid, test, checkpoints);
    }

    /// <summary>Picks the monitored metric (<see cref="TrainerOptions.Monitor"/>, else valid_loss or train_loss) and its
    /// direction; a fresh run starts from the worst value.</summary>
    private void ChooseMonitor(bool hasValid)
    {
        _monitor = Options.Monitor ?? (hasValid ? "valid_loss" : "train_loss");
        if (!EpochResult.MetricNames.Contains(_monitor))
            throw new ArgumentException($"Trainer: unknown monitor '{_monitor}' (known: {string.Join(", ", EpochResult.MetricNames)}).");
        _mode = EpochResult.ModeOf(_monitor, Options.MonitorMode);
        if (_bestEpoch == 0) _best = _mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Whether the epoch improved the monitored metric; if so it becomes the best.</summary>
    private bool UpdateBest(EpochResult r)
    {
        double value = r.Get(_monitor);
        bool improved = _mode == MonitorMode.Min ? value < _best : value > _best;
        if (improved)
        {
            _best = value;
            _bestEpoch = r.Epoch;
        }
        return improved;
    }

    private void StepSchedulerAfterEpoch(EpochResult r)
    {
        switch (Scheduler)
        {
            case ReduceLROnPlateau p: p.Step(r.Get(_monitor)); break;
            case LRScheduler s when Options.SchedulerStepping == SchedulerStepping.Epoch: s.Step(); break;
        }
    }

    /// <summary>After the last epoch: the callbacks' OnTrainEnd, the final weights, the final evaluation (the last epoch's
    /// validation is reused when no callback changed the weights) and the report.</summary>
    private FitResult Finish(BatchSource? valid, BatchSource? test, CheckpointPolicy checkpoints)
    {
        int before = _history.Count;
        var snapshot = Model.StateDict().Select(kv => kv.Value.ToArray<float>()).ToList();
        foreach (var cb in Callbacks) cb.OnTrainEnd(this);
        bool weightsChanged = !Model.StateDict().Select(kv => kv.Value.ToArray<float>()).Zip(snapshot).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        checkpoints.Final();

        var finalValid = valid == null ? null : (_lastValid is { Metrics: not null } && !weightsChanged && before > 0 ? _lastValid : Evaluate(valid, Options.ValidName));
        var finalTest = test == null ? null : Evaluate(test, "test");
        if (finalValid != null) Print(RunReporting.FinalLine(finalValid));
        if (finalTest != null) Print(RunReporting.FinalLine(finalTest));
        if (checkpoints.WriteDir != null && Options.WriteReport) RunReporting.WriteReport(this, checkpoints.WriteDir, finalValid, finalTest, test ?? valid);
        return new FitResult(_history.ToList(), BestEpoch, finalValid, finalTest);
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
                Progress.Batch($"{name,-5} eval", done, data.Count, lossSum / count, metrics?.Accuracy ?? double.NaN, rate, (data.SampleCount - count) / rate, inLogs: false);
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
}
