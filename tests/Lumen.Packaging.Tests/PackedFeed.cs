using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace Lumen.Packaging.Tests;

/// <summary>Packs the six shipped projects once per test run into a temporary feed (<c>dotnet pack --no-build</c>, in
/// the configuration this test assembly was built in, so the packages hold exactly what the solution build produced),
/// and runs child <c>dotnet</c> commands offline against it: their NuGet sources are only that feed and the machine's
/// global packages folder used as a local source, and their own packages folder is a fresh temporary one, so nothing is
/// fetched from the network and nothing stale is picked up from the machine's cache.</summary>
public sealed class PackedFeed : IDisposable
{
    public static readonly string[] PackageIds = { "Lumen", "Lumen.Vision", "Lumen.Training", "Lumen.Onnx", "Lumen.Distributed", "Lumen.Cli" };

    public string RepoRoot { get; }
    public string Configuration { get; }
    public string Version { get; }
    public string WorkDir { get; }
    public string FeedDir { get; }
    public string PackagesDir { get; }
    public string NuGetConfig { get; }
    public string PackOutput { get; }

    public PackedFeed()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        Configuration = baseDir.Parent!.Name;                  // …/bin/<Configuration>/net10.0
        RepoRoot = FindRepoRoot(baseDir);
        Version = XDocument.Load(Path.Combine(RepoRoot, "src", "Directory.Build.props")).Descendants("Version").Single().Value;

        WorkDir = Path.Combine(Path.GetTempPath(), "lumen-packaging-" + Guid.NewGuid().ToString("N")[..12]);
        FeedDir = Path.Combine(WorkDir, "feed");
        PackagesDir = Path.Combine(WorkDir, "packages");
        Directory.CreateDirectory(FeedDir);
        Directory.CreateDirectory(PackagesDir);

        NuGetConfig = Path.Combine(WorkDir, "nuget.config");
        File.WriteAllText(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="lumen-packed" value="{FeedDir}" />
                <add key="machine-packages" value="{MachinePackagesFolder()}" />
              </packageSources>
            </configuration>
            """);

        // One solution of the six projects, so one `dotnet pack` (one MSBuild start) packs them all.
        var slnx = Path.Combine(WorkDir, "packages.slnx");
        File.WriteAllText(slnx, "<Solution>\n" + string.Concat(PackageIds.Select(id =>
            $"  <Project Path=\"{Path.Combine(RepoRoot, "src", id, id + ".csproj")}\" />\n")) + "</Solution>\n");
        var (code, output) = Dotnet(WorkDir, "pack", slnx, "--no-build", "-c", Configuration, "-o", FeedDir, "-nodeReuse:false");
        PackOutput = output;
        if (code != 0) throw new InvalidOperationException($"dotnet pack failed ({code}):\n{output}");
    }

    public string PackagePath(string id) => Path.Combine(FeedDir, $"{id}.{Version}.nupkg");

    /// <summary>Runs <c>dotnet args…</c> in <paramref name="workingDir"/> with NuGet pointed at the temporary packages
    /// folder; returns the exit code and stdout + stderr.</summary>
    public (int ExitCode, string Output) Dotnet(string workingDir, params string[] args) => Run("dotnet", workingDir, args);

    public (int ExitCode, string Output) Run(string fileName, string workingDir, params string[] args)
    {
        var psi = new ProcessStartInfo(fileName) { WorkingDirectory = workingDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test host runs under `dotnet test`, whose MSBuild variables would steer a child build; drop them.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                                                            k.StartsWith("MSBUILD", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["NUGET_PACKAGES"] = PackagesDir;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        psi.Environment["UseSharedCompilation"] = "false";    // no compiler server left running after the test
        // The installed tool's launcher finds the runtime through DOTNET_ROOT when dotnet is not in a default place.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ROOT")) &&
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
            psi.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(host);
        var sb = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (sb) sb.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (sb) sb.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} ran over 5 minutes:\n{sb}");
        }
        p.WaitForExit();
        lock (sb) return (p.ExitCode, sb.ToString());
    }

    private static string FindRepoRoot(DirectoryInfo start)
    {
        for (var dir = start; dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Lumen.slnx above {start.FullName}");
    }

    /// <summary>The machine's global packages folder (NUGET_PACKAGES, else ~/.nuget/packages): it holds the packages
    /// the solution restored (System.Numerics.Tensors, YamlDotNet …) in a layout NuGet reads as a local feed.</summary>
    private static string MachinePackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void Dispose()
    {
        try { Directory.Delete(WorkDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
