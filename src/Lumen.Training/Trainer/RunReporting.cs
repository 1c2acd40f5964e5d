using System.Globalization;
using Lumen.Training.Reports;

namespace Lumen.Training;

/// <summary>What <see cref="Trainer.Fit"/> tells the user: the line after each epoch, the lines of the final
/// evaluation, and the run report (report.json, report.html and its figures: curves, confusion matrix, first-layer
/// filters, sample predictions with mistakes first).</summary>
internal static class RunReporting
{
    /// <summary><c>epoch 2/10  train loss 0.1234 acc 96.10%  valid loss …  lr 0.001  12.3 s (4567 img/s)  *</c>; the star
    /// marks an improvement of the monitored metric.</summary>
    public static string EpochLine(EpochResult r, int epochs, bool improved)
    {
        var inv = CultureInfo.InvariantCulture;
        string Acc(double a) => double.IsNaN(a) ? "" : string.Format(inv, " acc {0:F2}%", a * 100);
        var s = string.Format(inv, "epoch {0}/{1}  train loss {2:F4}{3}", r.Epoch, epochs, r.Train.Loss, Acc(r.Train.Accuracy));
        if (r.Valid != null) s += string.Format(inv, "  {0} loss {1:F4}{2}", r.Valid.Name, r.Valid.Loss, Acc(r.Valid.Accuracy));
        s += string.Format(inv, "  lr {0:G4}  {1:F1} s ({2:F0} img/s){3}", r.LearningRate, r.Seconds, r.Train.ImagesPerSecond, improved ? "  *" : "");
        return s;
    }

    /// <summary><c>final test: loss 0.1234  accuracy 96.10%  (10000 examples)</c>.</summary>
    public static string FinalLine(PhaseResult p) => string.Format(CultureInfo.InvariantCulture,
        "final {0}: loss {1:F4}{2}  ({3} examples)", p.Name, p.Loss, double.IsNaN(p.Accuracy) ? "" : string.Format(CultureInfo.InvariantCulture, "  accuracy {0:F2}%", p.Accuracy * 100), p.Count);

    /// <summary>Writes the run report into <paramref name="dir"/>; the sample predictions come from the first batch of
    /// <paramref name="samplesFrom"/> (classification of images only).</summary>
    public static void WriteReport(Trainer trainer, string dir, PhaseResult? valid, PhaseResult? test, BatchSource? samplesFrom)
    {
        var options = trainer.Options;
        var model = trainer.Model;
        var report = new RunReport
        {
            Name = options.RunName ?? Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar)),
            Created = DateTimeOffset.Now,
            ClassNames = options.ClassNames?.ToArray(),
            BestEpoch = trainer.BestEpoch,
            Valid = valid?.Metrics,
            Test = test?.Metrics,
        };
        if (options.Config != null) foreach (var (k, v) in options.Config) report.Config[k] = v;
        report.Config["monitor"] = trainer.MonitorName;
        foreach (var e in trainer.History)
            report.Epochs.Add(new EpochRecord(e.Epoch, e.Train.Loss, e.Train.Accuracy, e.Get("valid_loss"), e.Get("valid_acc"), e.LearningRate, e.Seconds));
        var conv = model.NamedParameters().FirstOrDefault(p => p.Parameter.Dim() == 4 && p.Name.EndsWith("weight", StringComparison.Ordinal));
        if (conv.Parameter != null)
        {
            report.Filters = TensorData.From(conv.Parameter.Detach());
            report.FiltersLayer = conv.Name[..^".weight".Length];
        }
        if (samplesFrom != null && options.Task == TrainingTask.MultiClass)
        {
            model.Eval();
            using (Lumen.Autograd.Autograd.NoGrad())
            {
                using var it = samplesFrom.Start();
                if (it.MoveNext() && it.Current.Input.Dim() == 4)
                {
                    var (x, y) = it.Current;
                    report.Samples = PredictionSamples.FromBatch(x, y, model.Call(x), 16, options.NormalizeMean, options.NormalizeStd, mistakesFirst: true);
                }
            }
            model.Train();
        }
        ReportWriter.Write(report, dir);
    }
}
