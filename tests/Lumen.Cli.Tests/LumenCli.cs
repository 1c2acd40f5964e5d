using System.Diagnostics;
using Lumen.Cli;

// CLI runs change process-wide state (the global generator, the thread count): run these tests one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace Lumen.Cli.Tests;

/// <summary>Runs <c>lumen</c> in-process through <see cref="Cli.Run"/> with captured output, or as a child process.</summary>
public static class LumenCli
{
    public sealed record Result(int Code, string Out, string Err);

    public static Result Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, o, e);
        return new Result(code, o.ToString(), e.ToString());
    }

    /// <summary>Runs <c>dotnet Lumen.Cli.dll ARGS</c> in <paramref name="workDir"/>; returns its exit code and output.</summary>
    public static Result RunProcess(string workDir, params string[] args) => RunProcessWithCrash(workDir, null, args);

    /// <summary><see cref="RunProcess(string, string[])"/> with the variable <c>LUMEN_TEST_CRASH</c> set to
    /// <paramref name="crash"/> in the child (the trainer's test-only crash injection: <c>after-batches=N</c>,
    /// <c>while-checkpointing=N</c>), or removed when null.</summary>
    public static Result RunProcessWithCrash(string workDir, string? crash, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Lumen.Cli.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (crash != null) psi.Environment["LUMEN_TEST_CRASH"] = crash;
        else psi.Environment.Remove("LUMEN_TEST_CRASH");
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(entireProcessTree: true); throw new TimeoutException($"lumen {string.Join(' ', args)} did not finish in 3 minutes."); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempDir(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "lumen-cli-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A tiny CNN as a layer list: conv, batch norm, ReLU, pool, dropout, linear (BN buffers and dropout draws
    /// make resume bugs visible).</summary>
    public const string TinySpec = """
        layers:
          - conv2d: {out: 4, kernel: 3}
          - batchnorm2d
          - relu
          - maxpool2d: 2
          - flatten
          - dropout: 0.25
          - linear: {out: 10}
        """;
}
