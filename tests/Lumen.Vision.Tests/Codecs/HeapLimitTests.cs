using System.Diagnostics;
using Lumen.ReaderProbe;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Vision.Tests.Codecs;

/// <summary>Issue 16: the crafted files, read in a child process (Lumen.ReaderProbe) under a container-like heap limit of
/// 1 GiB (<c>DOTNET_GCHeapHardLimit</c>). Before the fixes four of them ended in OutOfMemoryException and two killed
/// the process with a stack overflow; now every one is a typed exception naming the file.</summary>
public class HeapLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_crafted_file_of_issue_16_is_a_typed_error_under_a_1_GiB_heap_limit()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-crafted-").FullName;
        try
        {
            var files = CraftedFiles.WriteAll(dir);
            var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Lumen.ReaderProbe.dll"));
            foreach (var f in files) psi.ArgumentList.Add(f);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(entireProcessTree: true); Assert.Fail("the probe did not finish in 3 minutes."); }
            string outText = await stdout, errText = await stderr;
            output.WriteLine(outText + errText);
            Assert.True(p.ExitCode == 0, $"exit code {p.ExitCode}:\n{outText}\n{errText}");
            var lines = outText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(files.Count, lines.Length);
            foreach (var (file, line) in files.Zip(lines))
            {
                Assert.StartsWith(file + ": ", line);
                Assert.Matches(@": (CheckpointFormatException|ImageFormatException|DatasetFormatException): ", line);
                Assert.Contains(file, line[(file.Length + 2)..]); // the message names the file too
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
