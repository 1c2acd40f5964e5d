using System.Diagnostics;
using System.Text.Json;

namespace Lumen.Distributed.Tests;

/// <summary><c>lumen search</c> under <c>mpirun -np 2</c>: the trials are dealt out to the ranks (each trial a plain
/// one-process run) and rank 0 writes the one results table.</summary>
[Collection("mpi")]
public sealed class CliUnderMpirunTests
{
    [MpiFact]
    public void Search_spreads_its_trials_over_the_ranks_and_writes_one_table()
    {
        var dir = MpiRun.TempDir("search");
        var space = Path.Combine(dir, "space.yaml");
        File.WriteAllText(space, """
            model: mnist-cnn
            train-subset: 64
            test-subset: 32
            valid-split: 0.25
            epochs: 1
            batch-size: 32
            threads: 1
            no-report: true
            monitor: valid_acc
            space:
              lr: [0.001, 0.01]
              batch-size: [16, 32]

            """);
        var outDir = Path.Combine(dir, "search");
        var psi = new ProcessStartInfo(MpiRun.Mpirun!);
        foreach (var o in MpiRun.BaseOptions) psi.ArgumentList.Add(o);
        foreach (var a in new[] { "-np", "2", MpiRun.Dotnet, Path.Combine(AppContext.BaseDirectory, "Lumen.Cli.dll"), "search", space, "--out", outDir })
            psi.ArgumentList.Add(a);
        var r = MpiRun.Start(psi, null, 240);
        Assert.True(r.ExitCode == 0, r.ToString());

        var trials = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))).RootElement.GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal(4, trials.Length);
        Assert.All(trials, t => Assert.Equal("ok", t.GetProperty("status").GetString()));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length);
        // Only rank 0 prints: its live lines name its own two trials (1 and 3); the table and "best:" appear once.
        var live = r.Output.Split('\n').Where(l => l.StartsWith('[') && l.Contains("/4] trial-")).ToList();
        Assert.Equal(new[] { "trial-001", "trial-003" }, live.Select(l => l.Split(' ')[1]).Order());
        Assert.Single(r.Output.Split('\n'), l => l.StartsWith("best: "));
    }
}
