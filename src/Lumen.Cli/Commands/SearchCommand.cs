using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lumen.Cli.Setup;
using Lumen.Training;
using Lumen.Training.Reports;
using Lumen.Training.Runs;
using Lumen.Training.Search;

namespace Lumen.Cli.Commands;

/// <summary>
/// <c>lumen search SPACE.yaml</c>: seed 001's HyperSearch. Every trial is a <c>lumen train</c> run (the same command,
/// in this process or, with <c>parallel: P</c>, in P child processes) in <c>OUT/trial-NNN</c>; the trials are ranked
/// by the monitored metric at their best epoch and written as <c>results.csv</c>/<c>results.json</c>, and the best
/// trial's settings as <c>best.yaml</c> (<c>lumen train --config best.yaml</c>). Running it again with the same
/// <c>--out</c> skips the trials that finished and resumes the one that was interrupted.
/// </summary>
public static class SearchCommand
{
    public static readonly CommandSpec Spec = new("search",
        "Hyperparameter search (grid or random) over lumen train options and model arguments; each trial is a run directory.",
        "search SPACE.yaml|SPACE.json [--out DIR] [--parallel P]",
        new OptionSpec[]
        {
            new("out", "DIR", "the search's folder: trial-NNN/ run directories, results.csv/json, best.yaml (default searches/<timestamp>)"),
            new("parallel", "P", "run P trials at once, each in a child process with cores/P threads (default: the file's 'parallel', else 1)"),
        },
        Run, MinArgs: 1, MaxArgs: 1);

    /// <summary>The file of a finished trial (ok or failed) in its run directory.</summary>
    public const string TrialFile = "trial.json";

    /// <summary>The search's own record of its trials, to refuse resuming a different search into the same folder.</summary>
    public const string PlanFile = "search.json";

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        ctx = DistributedSetup.ForRank(ctx);   // under mpirun only rank 0 prints and writes the results
        var plan = SearchPlan.Load(a.Positionals[0], a.Int("parallel", min: 1));
        string outDir = a.String("out") ?? Path.Combine("searches", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var trials = plan.TrialParams();
        var names = plan.ParameterNames;
        Directory.CreateDirectory(outDir);
        if (!DistributedSetup.IsSecondaryRank) CheckSameSearch(outDir, plan, trials);
        DistributedSetup.Barrier();   // under mpirun the other ranks start their trials once rank 0 has recorded the plan

        int threads = plan.Parallel > 1 ? Math.Max(1, Environment.ProcessorCount / plan.Parallel) : 0;
        ctx.Out.WriteLine($"lumen search: {plan.Method} search, {trials.Count} trials over {string.Join(", ", names)}; objective {plan.Monitor} " +
                          $"({(plan.Direction == MonitorMode.Max ? "max" : "min")}); {(plan.Parallel > 1 ? $"{plan.Parallel} at a time, {(plan.BaseThreads ? "the file's" : threads.ToString(CultureInfo.InvariantCulture))} threads each" : "one at a time")} -> {outDir}");

        var results = new TrialResult?[trials.Count];
        var gate = new object();
        int done = 0;
        void Finished(int i, TrialResult r, bool skipped)
        {
            lock (gate)
            {
                results[i] = r;
                done++;
                ctx.Out.WriteLine($"[{done}/{trials.Count}] {Live(r, plan.Monitor)}{(skipped ? "  (finished earlier, skipped)" : "")}");
                ctx.Out.Flush();
            }
        }
        var pending = new List<int>();
        for (int i = 0; i < trials.Count; i++)
        {
            var file = Path.Combine(outDir, TrialName(i), TrialFile);
            if (!DistributedSetup.IsMine(i)) continue;   // under mpirun: another rank's trial
            if (File.Exists(file)) Finished(i, ReadTrial(file), skipped: true);
            else pending.Add(i);
        }
        using (DistributedSetup.LocalOnly())
            System.Threading.Tasks.Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = plan.Parallel }, i =>
                Finished(i, RunTrial(plan, i, trials[i], outDir, threads, inProcess: plan.Parallel == 1), skipped: false));
        DistributedSetup.GatherTrials(results);
        if (DistributedSetup.IsSecondaryRank) return 0;

        var ranked = SearchResults.Rank(results.Select(r => r!).ToArray(), plan.Direction);
        ctx.Out.WriteLine();
        ctx.Out.Write(SearchResults.ToTable(ranked, names, plan.Monitor));
        AtomicText(Path.Combine(outDir, "results.csv"), SearchResults.ToCsv(ranked, names, plan.Monitor));
        AtomicText(Path.Combine(outDir, "results.json"), SearchResults.ToJson(ranked, plan.Monitor, plan.Direction, plan.Method, names));
        ctx.Out.WriteLine($"results: {Path.Combine(outDir, "results.csv")}, {Path.Combine(outDir, "results.json")}");
        int failed = ranked.Count(t => !t.Ok);
        var best = ranked.FirstOrDefault(t => t.Ok);
        if (best == null)
        {
            ctx.Err.WriteLine($"lumen search: failed: all {ranked.Count} trials failed (see the error column; each trial's log is OUT/trial-NNN/train.log)");
            return Cli.Failure;
        }
        var bestYaml = Path.Combine(outDir, "best.yaml");
        var options = plan.TrainOptions(trials[best.Trial - 1]);
        AtomicText(bestYaml, OptionsFile.ToYaml(options,
            $"The best trial of the search in {outDir}: {best.Run} ({Params(best)}), {plan.Monitor} {Value(best.Objective, plan.Monitor)} at epoch {best.BestEpoch}.\n" +
            $"Train it again (or longer) with: lumen train --config {bestYaml} --out DIR [--epochs N]"));
        ctx.Out.WriteLine($"best: {best.Run} ({Params(best)}) {plan.Monitor} {Value(best.Objective, plan.Monitor)}; run directory {Path.Combine(outDir, best.Run)}; settings {bestYaml}" +
                          (failed > 0 ? $" ({failed} trial{(failed == 1 ? "" : "s")} failed)" : ""));
        return 0;
    }

    private static string TrialName(int i) => $"trial-{i + 1:D3}";

    private static string Params(TrialResult t) => string.Join(" ", t.Params.Select(kv => $"{kv.Key}={kv.Value}"));

    private static string Value(double? v, string metric) => v is not double d ? "" :
        metric.Contains("acc", StringComparison.Ordinal) ? (100 * d).ToString("F2", CultureInfo.InvariantCulture) + "%" : d.ToString("F4", CultureInfo.InvariantCulture);

    private static string Live(TrialResult r, string monitor) => r.Ok
        ? $"{r.Run} {Params(r)}: {monitor} {Value(r.Objective, monitor)} at epoch {r.BestEpoch}/{r.Epochs}" +
          (r.TestAcc is double t ? $", test_acc {Value(t, "acc")}" : "") + $"  {r.Seconds.ToString("F1", CultureInfo.InvariantCulture)} s"
        : $"{r.Run} {Params(r)}: failed: {r.Error}";

    /// <summary>Runs one trial (or resumes it, when its run directory has a checkpoint) and records it in trial.json.</summary>
    private static TrialResult RunTrial(SearchPlan plan, int i, IReadOnlyList<(string Name, string Value)> trial, string outDir, int threads, bool inProcess)
    {
        string name = TrialName(i), dir = Path.Combine(outDir, name);
        Directory.CreateDirectory(dir);
        // A fresh trial's folder already holds the search's train.log: --force lets the run in beside it.
        var args = File.Exists(Path.Combine(dir, RunFiles.Last))
            ? new List<string> { "train", "--resume" }
            : plan.TrainArgs(trial).Append("--force").ToList();
        args.AddRange(new[] { "--out", dir });
        if (threads > 0 && !plan.BaseThreads) args.AddRange(new[] { "--threads", threads.ToString(CultureInfo.InvariantCulture) });

        var clock = Stopwatch.StartNew();
        int code;
        string err;
        using (var log = new StreamWriter(Path.Combine(dir, "train.log"), append: true, new UTF8Encoding(false)))
        {
            log.WriteLine("lumen " + string.Join(" ", args.Select(x => x.Contains(' ') ? $"\"{x}\"" : x)));
            log.Flush();
            (code, err) = inProcess ? RunInProcess(args, log) : RunChild(args, log);
            if (err.Length > 0) log.Write(err);
        }
        var result = Collect(plan, i, trial, dir, code, err, clock.Elapsed.TotalSeconds);
        AtomicText(Path.Combine(dir, TrialFile), SearchResults.ToJson(result));
        return result;
    }

    private static (int Code, string Err) RunInProcess(List<string> args, StreamWriter log)
    {
        var err = new StringWriter();
        int code = Cli.Run(args.ToArray(), log, err);
        return (code, err.ToString());
    }

    /// <summary>Runs <c>lumen ARGS</c> as a child process of the same executable: the apphost when this process is
    /// one, else <c>dotnet Lumen.Cli.dll</c>.</summary>
    private static (int Code, string Err) RunChild(List<string> args, StreamWriter log)
    {
        var dll = typeof(Cli).Assembly.Location;
        var self = Environment.ProcessPath;
        bool apphost = self != null && string.Equals(Path.GetFileNameWithoutExtension(self), Path.GetFileNameWithoutExtension(dll), StringComparison.OrdinalIgnoreCase);
        string host = apphost ? self!
            : self != null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!apphost) psi.ArgumentList.Add(dll);
        DistributedSetup.StripMpiEnvironment(psi.Environment);
        foreach (var x in args) psi.ArgumentList.Add(x);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {host}");
        var stderr = p.StandardError.ReadToEndAsync();
        log.Flush();
        p.StandardOutput.BaseStream.CopyTo(log.BaseStream);
        p.WaitForExit();
        return (p.ExitCode, stderr.Result);
    }

    /// <summary>Reads a finished trial's metrics: the best epoch on the monitored metric, its value and validation
    /// accuracy, and the final test accuracy from report.json when the run wrote one.</summary>
    private static TrialResult Collect(SearchPlan plan, int i, IReadOnlyList<(string Name, string Value)> trial, string dir, int code, string err, double seconds)
    {
        var ps = trial.ToDictionary(t => t.Name, t => t.Value);
        string run = Path.GetFileName(dir);
        TrialResult Failed(string error) => new() { Trial = i + 1, Run = run, Params = ps, Status = "failed", Error = error, Seconds = seconds };
        if (code != 0)
        {
            var line = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {code}";
            if (line.StartsWith("lumen train: ", StringComparison.Ordinal)) line = line["lumen train: ".Length..];
            return Failed(line);
        }
        var metrics = Path.Combine(dir, RunFiles.MetricsJson);
        if (!File.Exists(metrics)) return Failed($"the run wrote no {RunFiles.MetricsJson}");
        var history = MetricsLog.FromJson(File.ReadAllText(metrics));
        int best = -1;
        for (int e = 0; e < history.Count; e++)
        {
            double v = history[e].Get(plan.Monitor);
            if (double.IsNaN(v)) continue;
            if (best < 0 || (plan.Direction == MonitorMode.Max ? v > history[best].Get(plan.Monitor) : v < history[best].Get(plan.Monitor))) best = e;
        }
        if (best < 0) return Failed($"the run has no {plan.Monitor} values");
        double? testAcc = null;
        var report = Path.Combine(dir, RunReport.FileName);
        if (File.Exists(report))
        {
            try { testAcc = RunReport.Load(report).Test?.Accuracy; }
            catch (JsonException) { }
        }
        double? N(double v) => double.IsNaN(v) ? null : v;
        return new TrialResult
        {
            Trial = i + 1, Run = run, Params = ps, Status = "ok", BestEpoch = history[best].Epoch, Epochs = history.Count,
            Objective = history[best].Get(plan.Monitor), ValidAcc = N(history[best].Get("valid_acc")), TestAcc = testAcc, Seconds = seconds,
        };
    }

    private static TrialResult ReadTrial(string file)
    {
        try { return SearchResults.FromJson(File.ReadAllText(file)); }
        catch (JsonException e) { throw new CliException($"{file}: not a valid trial record: {e.Message}", "delete it to run that trial again"); }
    }

    /// <summary>Writes the plan's trials into OUT/search.json, or checks that the folder's search is this one.</summary>
    private static void CheckSameSearch(string outDir, SearchPlan plan, List<IReadOnlyList<(string Name, string Value)>> trials)
    {
        var path = Path.Combine(outDir, PlanFile);
        var text = JsonSerializer.Serialize(new
        {
            method = plan.Method,
            monitor = plan.Monitor,
            trials = trials.Select(t => t.Select(p => new[] { p.Name, p.Value }).ToArray()).ToArray(),
            train = plan.TrainArgs(Array.Empty<(string, string)>()),
        }, new JsonSerializerOptions { WriteIndented = true });
        if (File.Exists(path))
        {
            if (File.ReadAllText(path) != text)
                throw new CliException($"'{outDir}' holds a different search (its {PlanFile} lists other trials or settings)", "choose another --out, or run the same space file to resume it");
            return;
        }
        if (Directory.EnumerateDirectories(outDir, "trial-*").Any())
            throw new CliException($"'{outDir}' holds trial folders but no {PlanFile}", "choose another --out");
        AtomicText(path, text);
    }

    /// <summary>Writes a text file (UTF-8, no BOM) atomically, through <see cref="Lumen.Serialization.AtomicFile"/>.</summary>
    private static void AtomicText(string path, string text) =>
        Lumen.Serialization.AtomicFile.WriteAllText(path, text);
}
