using System.Diagnostics;
using System.Text;

namespace Lumen.Distributed.Tests;

/// <summary>Starts the worker program (tests/Lumen.Distributed.Worker) as one plain process or as N ranks under
/// <c>mpirun --allow-run-as-root --oversubscribe</c>, and collects its exit code and output. The tests that use it run
/// one at a time (collection "mpi"): the machine has few cores.</summary>
public static class MpiRun
{
    public static readonly string? Mpirun = new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun" }.FirstOrDefault(File.Exists);

    /// <summary>util-linux's <c>script</c>, which runs a command on a pseudo-terminal, or null.</summary>
    public static readonly string? Script = new[] { "/usr/bin/script", "/bin/script" }.FirstOrDefault(File.Exists);

    /// <summary>Runs <c>lumen ARGS</c> (the CLI beside the tests) on <paramref name="ranks"/> ranks (1: no mpirun), or with
    /// <paramref name="onTerminal"/> under <c>script</c>, so that mpirun and the ranks write to a pseudo-terminal.</summary>
    public static Result Lumen(int ranks, string[] args, bool onTerminal = false, int timeoutSeconds = 240)
    {
        var cmd = new List<string>();
        if (ranks > 1) { cmd.Add(Mpirun ?? throw new InvalidOperationException("mpirun is not installed")); cmd.AddRange(BaseOptions); cmd.AddRange(new[] { "-np", ranks.ToString() }); }
        cmd.Add(Dotnet);
        cmd.Add(Path.Combine(AppContext.BaseDirectory, "Lumen.Cli.dll"));
        cmd.AddRange(args);
        if (!onTerminal)
        {
            var psi = new ProcessStartInfo(cmd[0]);
            foreach (var a in cmd.Skip(1)) psi.ArgumentList.Add(a);
            return Start(psi, null, timeoutSeconds);
        }
        // The terminal's bytes as they were written (a line reader would swallow lone carriage returns): script's log.
        var log = Path.Combine(TempDir("pty"), "typescript");
        var term = new ProcessStartInfo(Script ?? throw new InvalidOperationException("script is not installed"));
        foreach (var a in new[] { "-qec", string.Join(' ', cmd.Select(c => "'" + c.Replace("'", "'\\''") + "'")), log }) term.ArgumentList.Add(a);
        var r = Start(term, null, timeoutSeconds);
        return r with { Output = File.Exists(log) ? File.ReadAllText(log) : r.Output };
    }

    /// <summary>The worker's dll, built beside the tests.</summary>
    public static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "Lumen.Distributed.Worker.dll");

    public static string Dotnet => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    /// <summary>mpirun's options: no shared-memory single-copy (containers forbid the ptrace it needs).</summary>
    public static readonly string[] BaseOptions = { "--allow-run-as-root", "--oversubscribe", "--mca", "btl_vader_single_copy_mechanism", "none" };

    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s:\n{Output}";
    }

    /// <summary>Runs the worker with <paramref name="args"/> on <paramref name="ranks"/> ranks (1: no mpirun at all).</summary>
    public static Result Worker(int ranks, string[] args, IDictionary<string, string>? env = null, int timeoutSeconds = 180,
                                string[]? mpirunOptions = null, Action<Process>? whileRunning = null)
    {
        var psi = ranks == 1 && mpirunOptions == null
            ? new ProcessStartInfo(Dotnet)
            : new ProcessStartInfo(Mpirun ?? throw new InvalidOperationException("mpirun is not installed"));
        if (psi.FileName != Dotnet)
        {
            foreach (var o in BaseOptions) psi.ArgumentList.Add(o);
            foreach (var o in mpirunOptions ?? Array.Empty<string>()) psi.ArgumentList.Add(o);
            psi.ArgumentList.Add("-np"); psi.ArgumentList.Add(ranks.ToString());
            psi.ArgumentList.Add(Dotnet);
        }
        psi.ArgumentList.Add(WorkerDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Start(psi, env, timeoutSeconds, whileRunning);
    }

    public static Result Start(ProcessStartInfo psi, IDictionary<string, string>? env, int timeoutSeconds, Action<Process>? whileRunning = null)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var kv in env ?? new Dictionary<string, string>()) psi.Environment[kv.Key] = kv.Value;
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        whileRunning?.Invoke(p);
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            lock (output) output.AppendLine($"[test] killed after {timeoutSeconds} s");
            return new Result(-1, output.ToString(), clock.Elapsed);
        }
        p.WaitForExit();
        lock (output) return new Result(p.ExitCode, output.ToString(), clock.Elapsed);
    }

    /// <summary>A fresh folder under the temp directory.</summary>
    public static string TempDir(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "lumen-dist-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}

[CollectionDefinition("mpi", DisableParallelization = true)]
public sealed class MpiCollection { }
