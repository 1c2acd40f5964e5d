using System.Text.Json;
using Lumen.Training.Reports;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen report RUN_DIR</c>: draws report.html and its figures again from report.json.</summary>
public static class ReportCommand
{
    public static readonly CommandSpec Spec = new("report",
        "Rebuild a run's report.html and figures from its report.json.",
        "report RUN_DIR",
        Array.Empty<OptionSpec>(),
        Run, MinArgs: 1, MaxArgs: 1);

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        var dir = a.Positionals[0];
        if (!Directory.Exists(dir)) throw new CliException($"run directory '{dir}' not found");
        var json = Path.Combine(dir, RunReport.FileName);
        if (!File.Exists(json)) throw new CliException($"'{dir}' has no {RunReport.FileName} (the run has not finished, or ran with --no-report)");
        RunReport report;
        try { report = RunReport.Load(json); }
        catch (JsonException e) { throw new CliException(e.Message); }
        foreach (var f in ReportWriter.Write(report, dir, saveJson: false)) ctx.Out.WriteLine(f);
        return 0;
    }
}
