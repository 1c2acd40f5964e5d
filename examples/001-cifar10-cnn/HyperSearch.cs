using System.Globalization;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Training;
using Lumen.Training.Callbacks;
using Lumen.Vision.Models;

namespace Lumen.Examples.Cifar10Cnn;

/// <summary>The grid the search walks: every combination of the three lists (seed 001's <c>search_space</c>).</summary>
public sealed record SearchSpace(int[] C1, int[] C2, int[] L1)
{
    /// <summary>The combinations in the notebook's nesting order (l1 outermost, then c1, then c2).</summary>
    public IEnumerable<(int C1, int C2, int L1)> Grid() =>
        from l1 in L1 from c1 in C1 from c2 in C2 select (c1, c2, l1);
}

/// <summary>One configuration's result, a row of seed 001's report table.</summary>
public sealed record SearchRun(int Run, int C1, int C2, int L1, double Loss, double Accuracy, int Epochs, int BestEpoch, double Seconds);

/// <summary>
/// Seed 001's <c>HyperSearch</c>: trains <see cref="ConvNet"/>(c1, c2, l1) for every configuration of the grid with Adam
/// (lrate), CrossEntropyLoss and early stopping on the validation loss (<c>EarlyStopping(tolerance=3)</c>: stop when the
/// lowest loss has not improved for three epochs), saving each run's best weights, reporting every run's lowest loss and
/// its accuracy, and keeping the configuration with the lowest loss. Each run is a Lumen <see cref="Trainer"/> with the
/// library's <see cref="EarlyStopping"/> callback.
/// </summary>
public sealed class HyperSearch(SearchSpace config, bool verbose, int epochs, double lrate, int batchSz, int tolerance, string runsDir)
{
    /// <summary>Every finished run, in search order.</summary>
    public List<SearchRun> Report { get; } = new();

    /// <summary>The run with the lowest validation loss.</summary>
    public SearchRun? Best => Report.Count == 0 ? null : Report.MinBy(r => r.Loss);

    /// <summary>Runs the whole grid.</summary>
    public void Optimize(Dataset<(Tensor Image, long Label)> trainData, Dataset<(Tensor Image, long Label)> validData)
    {
        int run = 0;
        foreach (var (c1, c2, l1) in config.Grid())
        {
            if (verbose) Console.WriteLine($"Run {run:D2}: c1={c1}, c2={c2}, l1={l1}");
            var (trainer, fit, seconds) = TrainOne(c1, c2, l1, trainData, validData, epochs, lrate, batchSz,
                Path.Combine(runsDir, $"run-{run:D2}"), verbose);
            var best = fit.History[(fit.BestEpoch ?? fit.History.Count) - 1];
            Report.Add(new SearchRun(run, c1, c2, l1, best.Valid!.Loss, best.Valid.Accuracy, fit.History.Count, best.Epoch, seconds));
            run++;
        }
    }

    /// <summary>Trains one configuration with early stopping and returns the trainer (its model holds the best epoch's
    /// weights), the fit result and the seconds it took.</summary>
    public (Trainer Trainer, FitResult Fit, double Seconds) TrainOne(int c1, int c2, int l1, Dataset<(Tensor Image, long Label)> trainData,
        Dataset<(Tensor Image, long Label)> validData, int maxEpochs, double lr, int batchSize, string runDir, bool verbose)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = new ConvNet(c1: c1, c2: c2, l1: l1);
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), lr: lr), options: new TrainerOptions
        {
            Epochs = maxEpochs,
            RunDir = runDir,
            Monitor = "valid_loss",
            Output = verbose ? Console.Out : null,
            Interactive = false,
            WriteReport = false,
        });
        trainer.Callbacks.Add(new EarlyStopping("valid_loss", patience: tolerance, restoreBestWeights: true));
        var fit = trainer.Fit(new DataLoader(trainData, batchSize: batchSize, shuffle: true), new DataLoader(validData, batchSize: 256));
        return (trainer, fit, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The report table, one row per run, the best one marked.</summary>
    public void PrintReport()
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("Run  c1   c2   l1    epochs  best  loss    accuracy  time");
        var best = Best;
        foreach (var r in Report)
            Console.WriteLine(string.Format(inv, "{0:D2}   {1,-4} {2,-4} {3,-5} {4,-7} {5,-5} {6:F4}  {7,6:F2}%   {8:F1} s{9}",
                r.Run, r.C1, r.C2, r.L1, r.Epochs, r.BestEpoch, r.Loss, r.Accuracy * 100, r.Seconds, ReferenceEquals(r, best) ? "  <- best" : ""));
        if (best != null)
            Console.WriteLine(string.Format(inv, "Best: Run {0:D2} with c1={1}, c2={2}, l1={3}: loss {4:F4}, accuracy {5:F2}%",
                best.Run, best.C1, best.C2, best.L1, best.Loss, best.Accuracy * 100));
    }
}
