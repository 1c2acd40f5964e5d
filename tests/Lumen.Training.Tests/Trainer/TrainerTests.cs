using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Training.Callbacks;
using Lumen.Training.Runs;
using Xunit;
using static Lumen.Training.Tests.Trainer.TrainerData;

namespace Lumen.Training.Tests.Trainer;

[Collection("GlobalRng")]
public sealed class TrainerTests
{
    private static Lumen.Training.Trainer Make(Module model, Loss loss, Optimizer opt, TrainerOptions? o = null, ILRScheduler? s = null) =>
        new(model, loss, opt, s, o);

    [Fact]
    public void Multiclass_training_with_CrossEntropy_learns_separable_blobs_and_reports_epoch_metrics()
    {
        Torch.ManualSeed(0);
        var model = Mlp(3);
        var t = Make(model, new CrossEntropyLoss(), new Adam(model.Parameters(), lr: 0.02), new TrainerOptions { Epochs = 4 });
        var r = t.Fit(Loader(Blobs(192, 1), 32, shuffle: true, g: new Generator(3)), Loader(Blobs(96, 2), 32));
        Assert.Equal(4, r.History.Count);
        Assert.Equal(192, r.History[0].Train.Count);
        Assert.True(r.History[^1].Train.Loss < r.History[0].Train.Loss);
        Assert.True(r.Valid!.Accuracy > 0.9, $"valid accuracy {r.Valid.Accuracy}");
        Assert.NotNull(r.Valid.Metrics);
        Assert.Equal(new long[] { 32, 32, 32 }, r.Valid.Metrics!.Support);
        Assert.Equal(r.Valid.Accuracy, r.History[^1].Valid!.Accuracy);
    }

    [Fact]
    public void Multilabel_training_with_BCEWithLogits_reports_the_exact_match_ratio()
    {
        Torch.ManualSeed(0);
        var model = Mlp(2);
        var t = Make(model, new BCEWithLogitsLoss(), new Adam(model.Parameters(), lr: 0.02),
            new TrainerOptions { Epochs = 5, Task = TrainingTask.MultiLabel });
        var r = t.Fit(Loader(MultiLabel(256, 1), 32), Loader(MultiLabel(128, 2), 64));
        Assert.Equal(Lumen.Training.Metrics.ClassificationTask.MultiLabel, r.Valid!.Metrics!.Task);
        Assert.Equal(r.Valid.Metrics.ExactMatchRatio, r.Valid.Accuracy);
        Assert.True(r.Valid.Accuracy > 0.85, $"exact match {r.Valid.Accuracy}");
        Assert.InRange(r.History[^1].Train.Accuracy, 0.5, 1.0);
    }

    [Fact]
    public void Regression_with_MSE_has_a_falling_loss_and_no_accuracy()
    {
        Torch.ManualSeed(0);
        var model = new Linear(4, 1);
        var t = Make(model, new MSELoss(), new SGD(model.Parameters(), lr: 0.05), new TrainerOptions { Epochs = 6, Task = TrainingTask.Regression });
        var r = t.Fit(Loader(Regression(128, 1), 16), Loader(Regression(64, 2), 64));
        Assert.True(double.IsNaN(r.History[0].Train.Accuracy));
        Assert.True(double.IsNaN(r.Valid!.Accuracy));
        Assert.Null(r.Valid.Metrics);
        Assert.True(r.Valid.Loss < 0.01, $"valid MSE {r.Valid.Loss}");
        var rows = t.Predict(Loader(Regression(8, 3), 4));
        Assert.Equal(8, rows.Count);
        Assert.Single(rows[0].Probabilities);
    }

    [Fact]
    public void An_epoch_scheduler_steps_once_per_epoch_and_a_batch_scheduler_once_per_batch()
    {
        Torch.ManualSeed(0);
        var m1 = Mlp(3);
        var o1 = new SGD(m1.Parameters(), lr: 0.1);
        var t1 = Make(m1, new CrossEntropyLoss(), o1, new TrainerOptions { Epochs = 3 }, new StepLR(o1, stepSize: 1, gamma: 0.5));
        var r1 = t1.Fit(Loader(Blobs(64, 1), 16));
        Assert.Equal(new[] { 0.1, 0.05, 0.025 }, r1.History.Select(e => e.LearningRate));
        Assert.Equal(0.0125, o1.ParamGroups[0].Lr, 12);

        var m2 = Mlp(3);
        var o2 = new SGD(m2.Parameters(), lr: 0.1);
        var t2 = Make(m2, new CrossEntropyLoss(), o2, new TrainerOptions { Epochs = 2, SchedulerStepping = SchedulerStepping.Batch }, new StepLR(o2, stepSize: 1, gamma: 0.5));
        t2.Fit(Loader(Blobs(64, 1), 16));   // 4 batches per epoch: 8 steps
        Assert.Equal(0.1 * Math.Pow(0.5, 8), o2.ParamGroups[0].Lr, 15);
    }

    [Fact]
    public void ReduceLROnPlateau_gets_the_monitored_validation_metric()
    {
        Torch.ManualSeed(0);
        var model = Mlp(3);
        var opt = new SGD(model.Parameters(), lr: 0.0);   // nothing changes: the metric never improves after epoch 1
        var plateau = new ReduceLROnPlateau(opt, patience: 0, factor: 0.5);
        var t = Make(model, new CrossEntropyLoss(), opt, new TrainerOptions { Epochs = 3, Monitor = "valid_loss" }, plateau);
        var r = t.Fit(Loader(Blobs(32, 1), 16), Loader(Blobs(32, 2), 16));
        Assert.Equal(r.History[0].Valid!.Loss, plateau.Best);
        Assert.Equal(0, plateau.NumBadEpochs);   // reset by the reductions
        Assert.Equal(3, plateau.LastEpoch);
    }

    [Fact]
    public void Gradient_clipping_bounds_each_step()
    {
        Torch.ManualSeed(0);
        var model = new Linear(4, 3);
        var before = Weights(model);
        var t = Make(model, new CrossEntropyLoss(), new SGD(model.Parameters(), lr: 1.0), new TrainerOptions { Epochs = 1, ClipGradNorm = 1e-3 });
        t.Fit(Loader(Blobs(16, 1), 16));   // one SGD step of lr 1 on a gradient of norm ≤ 1e-3
        double sq = Weights(model).Zip(before).Sum(p => p.First.Zip(p.Second).Sum(q => (double)(q.First - q.Second) * (q.First - q.Second)));
        Assert.InRange(Math.Sqrt(sq), 1e-4, 1.0001e-3);
    }

    [Fact]
    public void Callbacks_see_every_batch_and_every_epoch()
    {
        Torch.ManualSeed(0);
        var model = Mlp(3);
        var batches = new List<(int, int)>();
        var epochs = new List<int>();
        bool ended = false;
        var t = Make(model, new CrossEntropyLoss(), new Adam(model.Parameters()), new TrainerOptions { Epochs = 2 });
        t.Callbacks.Add(new LambdaCallback(b => batches.Add((b.Epoch, b.Batch)), e => epochs.Add(e.Result.Epoch), _ => ended = true));
        t.Fit(Loader(Blobs(40, 1), 16));   // 3 batches (16, 16, 8)
        Assert.Equal(new[] { (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3) }, batches);
        Assert.Equal(new[] { 1, 2 }, epochs);
        Assert.True(ended);
    }

    [Fact]
    public void EarlyStopping_stops_after_patience_epochs_without_improvement_and_restores_the_best_weights()
    {
        Torch.ManualSeed(0);
        var model = Mlp(3);
        var t = Make(model, new CrossEntropyLoss(), new Adam(model.Parameters(), lr: 0.5), new TrainerOptions { Epochs = 30 });
        var stop = new EarlyStopping("valid_acc", patience: 2, minDelta: 0.001);
        t.Callbacks.Add(stop);
        float[][]? bestWeights = null;
        t.Callbacks.Add(new LambdaCallback(onEpochEnd: e => { if (stop.BestEpoch == e.Result.Epoch) bestWeights = Weights(model); }));
        var r = t.Fit(Loader(Blobs(64, 1), 16), Loader(Blobs(30, 2), 30));
        Assert.True(r.History.Count < 30);
        Assert.Equal(r.History.Count, stop.StoppedEpoch);
        Assert.Equal(stop.BestEpoch + 2, stop.StoppedEpoch);
        Assert.Equal(r.History.Max(e => e.Valid!.Accuracy), stop.Best);
        Assert.Equal(bestWeights, Weights(model));
    }

    [Fact]
    public void EarlyStopping_rejects_bad_settings()
    {
        Assert.Throws<ArgumentException>(() => new EarlyStopping("valid_f1"));
        Assert.Throws<ArgumentException>(() => new EarlyStopping(patience: 0));
        Assert.Throws<ArgumentException>(() => new EarlyStopping(minDelta: -1));
    }

    [Fact]
    public void Progress_is_plain_lines_in_a_log_and_one_rewritten_line_on_a_terminal()
    {
        foreach (bool tty in new[] { false, true })
        {
            Torch.ManualSeed(0);
            var model = Mlp(3);
            var w = new StringWriter();
            var t = Make(model, new CrossEntropyLoss(), new Adam(model.Parameters()), new TrainerOptions { Epochs = 1, Output = w, Interactive = tty });
            t.Fit(Loader(Blobs(200, 1), 10), Loader(Blobs(20, 2), 10));
            var text = w.ToString();
            Assert.Contains("epoch 1/1  train loss", text);
            Assert.Contains("img/s", text);
            Assert.Contains("ETA", text);
            if (tty) Assert.Contains('\r', text);
            else
            {
                Assert.DoesNotContain('\r', text);
                Assert.Equal(10, text.Split('\n').Count(l => l.StartsWith("epoch 1/1 train ", StringComparison.Ordinal)));   // every tenth of the 20 batches
            }
        }
    }

    [Fact]
    public void A_run_directory_gets_logs_checkpoints_final_weights_and_a_report()
    {
        Torch.ManualSeed(0);
        var dir = TempDir();
        var model = Mlp(3);
        var t = Make(model, new CrossEntropyLoss(), new Adam(model.Parameters()), new TrainerOptions { Epochs = 2, RunDir = dir });
        t.Fit(Loader(Blobs(64, 1), 16), Loader(Blobs(30, 2), 30), Loader(Blobs(30, 3), 30));
        foreach (var f in new[] { RunFiles.Last, RunFiles.Best, RunFiles.Final, RunFiles.MetricsCsv, RunFiles.MetricsJson, "report.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var csv = File.ReadAllLines(Path.Combine(dir, RunFiles.MetricsCsv));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("1,", csv[1]);
        var json = MetricsLog.FromJson(File.ReadAllText(Path.Combine(dir, RunFiles.MetricsJson)));
        Assert.Equal(t.History.Select(e => e.Train.Loss), json.Select(e => e.Train.Loss));
        var report = Lumen.Training.Reports.RunReport.Load(dir);
        Assert.Equal(2, report.Epochs.Count);
        Assert.NotNull(report.Test);
    }

    [Fact]
    public void Predict_modes_write_one_csv_row_per_example_with_probabilities()
    {
        Torch.ManualSeed(0);
        var dir = TempDir();
        var model = Mlp(3);
        var options = new TrainerOptions { Epochs = 1, RunDir = dir, ClassNames = new[] { "a", "b", "c" }, WriteReport = false };
        var t = Make(model, new CrossEntropyLoss(), new Adam(model.Parameters()), options);
        var train = Loader(Blobs(32, 1), 16);
        var valid = Loader(Blobs(9, 2), 4);
        t.Run(RunMode.TrainEval, train, valid);
        var outcome = t.Run(RunMode.PredictOnValid, train, valid);
        Assert.Equal(Path.Combine(dir, "predictions_valid.csv"), outcome.PredictionsPath);
        var lines = File.ReadAllLines(outcome.PredictionsPath!);
        Assert.Equal("index,true_label,predicted_label,p_a,p_b,p_c", lines[0]);
        Assert.Equal(10, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal("0", first[1]);   // Blobs labels run 0, 1, 2, 0, ...
        double sum = first.Skip(3).Sum(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1.0, sum, 5);
        Assert.Throws<ArgumentException>(() => t.Run(RunMode.PredictOnTest, train, valid));
    }

    [Fact]
    public void A_trainer_rejects_a_scheduler_of_another_optimizer()
    {
        var m = new Linear(4, 3);
        var o = new SGD(m.Parameters(), lr: 0.1);
        var other = new SGD(new Linear(4, 3).Parameters(), lr: 0.1);
        Assert.Throws<ArgumentException>(() => Make(m, new CrossEntropyLoss(), o, null, new StepLR(other, 1)));
    }

    /// <summary>Keeps every output the model produces, to look at after training.</summary>
    private sealed class Recorder : Module
    {
        public readonly Sequential Net;
        public readonly List<Tensor> Outputs = new();
        public Recorder(Sequential net) => Net = RegisterModule("net", net);
        public override Tensor Forward(Tensor x) { var y = Net.Call(x); Outputs.Add(y); return y; }
    }

    [Fact]
    public void Each_training_and_evaluation_batch_runs_in_a_DisposeScope_that_releases_its_tensors()
    {
        Torch.ManualSeed(0);
        var model = new Recorder(Mlp(3));
        var t = Make(model, new CrossEntropyLoss(), new Adam(model.Parameters(), lr: 0.02), new TrainerOptions { Epochs = 2 });
        var r = t.Fit(Loader(Blobs(96, 1), 32), Loader(Blobs(64, 2), 32));
        Assert.Equal(2 * (3 + 2), model.Outputs.Count);              // 3 training + 2 validation batches per epoch
        Assert.All(model.Outputs, o => Assert.True(o.IsDisposed));
        Assert.All(model.Parameters(), p => { Assert.False(p.IsDisposed); Assert.False(p.Grad!.IsDisposed); });
        var rows = t.Predict(Loader(Blobs(8, 3), 4));
        Assert.Equal(8, rows.Count);
        Assert.All(rows, row => Assert.Equal(1f, row.Probabilities.Sum(), 4));   // copied out before the release
        Assert.All(model.Outputs, o => Assert.True(o.IsDisposed));
        Assert.True(r.Valid!.Accuracy > 0.5);
    }
}
