using System.Globalization;
using Lumen.Cli.Setup;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen eval RUN_DIR</c>: the run's best weights on its test (or validation) split, with the full
/// classification report and confusion matrix.</summary>
public static class EvalCommand
{
    public static readonly CommandSpec Spec = new("eval",
        "Evaluate a run's best weights on its test split: accuracy, per-class precision/recall/F1, confusion matrix.",
        "eval RUN_DIR [--split test|valid] [--batch-size N]",
        new OptionSpec[]
        {
            new("split", "NAME", "test (default) or valid"),
            new("batch-size", "N", "batch size (default: the run's)"),
            new("threads", "N", "compute threads"),
        },
        Run, MinArgs: 1, MaxArgs: 1);

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        var dir = a.Positionals[0];
        var c = RunConfig.Load(dir);
        if (a.Int("batch-size", min: 1) is int b) { c.BatchSize = b; c.Overridden.Add("batch-size"); }
        if (a.Threads() is int t) { c.Threads = t; c.Overridden.Add("threads"); }
        string split = a.String("split") ?? "test";
        if (split is not ("test" or "valid")) throw new CliException($"--split: expected test or valid, got '{split}'");
        var setup = RunSetup.Create(c);
        var trainer = setup.Trainer(null, ctx with { Out = TextWriter.Null });
        var weights = trainer.LoadBestWeights(dir);
        var loader = split == "test" ? setup.TestLoader() : setup.ValidLoader() ?? throw new CliException("this run has no validation split (it was trained without --valid-split)");
        var r = trainer.Evaluate(loader, split);
        ctx.Out.WriteLine($"weights: {weights}");
        ctx.Out.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1} examples, loss {2:F4}, accuracy {3:F2}%", split, r.Count, r.Loss, r.Accuracy * 100));
        if (r.Metrics != null)
        {
            ctx.Out.WriteLine();
            ctx.Out.WriteLine(r.Metrics.Report(setup.Data.Classes));
            ctx.Out.WriteLine(r.Metrics.ConfusionMatrixText(setup.Data.Classes));
        }
        return 0;
    }
}
