using System.Diagnostics;
using System.Globalization;

namespace Lumen.Bench;

/// <summary>Finds and starts the child processes of a comparison: Lumen.Bench itself, PyTorch 1.13
/// (<c>/usr/bin/python3 bench/pytorch_*.py</c>, copied beside Lumen.Bench.dll) and libtorch 2.10 (the TorchSharp
/// partner, <c>$TSBENCH_DIR/bin/Release/net10.0/tsbench.dll</c>, default /tmp/tsbench), each under its side's
/// <see cref="IsaCap"/> variables. A missing partner is a column of "n/a" with one line saying how to get it, never an
/// error: the partners are measuring tools, not dependencies.</summary>
internal static class Partners
{
    /// <summary>The libtorch partner's folder.</summary>
    public static string TsbenchDir => Environment.GetEnvironmentVariable("TSBENCH_DIR") is { Length: > 0 } d ? d : "/tmp/tsbench";

    /// <summary>tsbench.dll when built (with or without Lumen's additions), else null.</summary>
    public static string? TsbenchDll =>
        Path.Combine(TsbenchDir, "bin", "Release", "net10.0", "tsbench.dll") is var p && File.Exists(p) ? p : null;

    /// <summary>Whether the partner was built by bench/partner/setup.sh (it has ConvNet and --conv-layers)
    /// (checked on the patched Program.cs: the shared setup.sh run later over the same folder undoes the patch).</summary>
    public static bool TsbenchHasLumenAdditions =>
        TsbenchDll != null && Path.Combine(TsbenchDir, "Program.cs") is var p && File.Exists(p) && File.ReadAllText(p).Contains("ConvLayers.Run(");

    /// <summary>The line printed when libtorch is missing (or lacks what the mode needs).</summary>
    public static string LibtorchMissing(bool needsAdditions) =>
        TsbenchDll == null ? $"libtorch 2.10 column n/a: no tsbench.dll under {TsbenchDir} (TSBENCH_DIR); build it with bench/partner/setup.sh (~1.3 GB NuGet restore on first use)."
        : $"libtorch 2.10 column n/a for this mode: {TsbenchDir} was built without Lumen's additions; run bench/partner/setup.sh.";

    /// <summary>The dotnet host that runs this process, or <c>dotnet</c> from PATH when it was started by its apphost
    /// (children are started as <c>dotnet X.dll</c>).</summary>
    public static string DotnetHost =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    /// <summary>The PyTorch script beside Lumen.Bench.dll, or null (with the reason) when Python or the script is missing.</summary>
    public static string? PythonScript(string name, out string? why)
    {
        var script = Path.Combine(AppContext.BaseDirectory, name);
        why = !File.Exists("/usr/bin/python3") ? "PyTorch 1.13 column n/a: /usr/bin/python3 not found."
            : !File.Exists(script) ? $"PyTorch 1.13 column n/a: {script} missing." : null;
        return why == null ? script : null;
    }

    /// <summary>Runs one child to its end: Lumen (this assembly), PyTorch (a script) or libtorch (tsbench.dll) with
    /// <paramref name="args"/>; returns exit code, stdout and stderr. <paramref name="onLine"/> sees stdout lines as they come.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(Side side, string? scriptOrDll, IEnumerable<string> args, Action<string>? onLine = null)
    {
        var psi = side switch
        {
            Side.PyTorch => new ProcessStartInfo("/usr/bin/python3"),
            _ => new ProcessStartInfo(DotnetHost),
        };
        psi.RedirectStandardOutput = true; psi.RedirectStandardError = true; psi.UseShellExecute = false;
        psi.ArgumentList.Add(side == Side.Lumen ? typeof(Partners).Assembly.Location : scriptOrDll!);
        foreach (var a in args) psi.ArgumentList.Add(a);
        IsaCap.Current.Apply(psi, side);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var sb = new System.Text.StringBuilder();
        while (p.StandardOutput.ReadLine() is { } line) { sb.Append(line).Append('\n'); onLine?.Invoke(line); }
        p.WaitForExit();
        return (p.ExitCode, sb.ToString(), err.Result);
    }

    /// <summary>The last line of a failed child's stderr, for a one-line note.</summary>
    public static string LastLine(string s) => s.Trim().Split('\n').LastOrDefault() ?? "";

    /// <summary>Parses the invariant-culture double of a partner's output.</summary>
    public static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>"1.23": a/b with two decimals, "-" when either is missing.</summary>
    public static string Ratio(double a, double b) =>
        double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "-" : (a / b).ToString("F2", CultureInfo.InvariantCulture);
}
