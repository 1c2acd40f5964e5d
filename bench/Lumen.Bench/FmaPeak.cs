using System.Diagnostics;
using System.Globalization;

namespace Lumen.Bench;

/// <summary>The float32 FMA peak of the cores a benchmark uses, for the "% of FMA peak" column:
/// cores × FMA units per core × lanes × 2 flops × clock. Cores = min(threads, logical CPUs); lanes from the ISA Lumen's
/// process runs (16 AVX-512, 8 AVX2, 4 for 128-bit vectors, whatever the cap); FMA units per core from the CPU's
/// family (AMD Zen 1: one 256-bit FMA a cycle, Zen 2/3: two, Zen 4: two 256-bit ones, i.e. one 512-bit, Zen 5 and
/// Intel cores with two FMA ports: two; anything else is assumed 2); clock = lscpu's "CPU max MHz" (the boost
/// clock) when lscpu has it, else /proc/cpuinfo's "cpu MHz" (on a VM usually the nominal clock: a core that boosts
/// above it can show more than 100 %). <c>--clock-ghz X</c> and <c>--fma-units N</c> override the guesses.</summary>
internal static class FmaPeak
{
    /// <summary>Peak GFLOP/s and the sentence that says how it was derived.</summary>
    public static (double GFlops, string How) Derive(int threads, string[] args)
    {
        int cores = Math.Min(threads, Environment.ProcessorCount), lanes = IsaCap.LumenLanes;
        var info = CpuInfo();
        string vendor = info.GetValueOrDefault("vendor_id", "?");
        int family = int.TryParse(info.GetValueOrDefault("cpu family"), out var f) ? f : -1;
        int model = int.TryParse(info.GetValueOrDefault("model"), out var m) ? m : -1;
        int units = vendor == "AuthenticAMD" && family == 0x17 && model < 0x30 ? (lanes >= 8 ? 1 : 2)   // Zen 1: 2 × 128-bit
                  : vendor == "AuthenticAMD" && family == 0x19 && lanes == 16 ? 1                         // Zen 4: 512-bit in two halves
                  : 2;
        string unitsHow = $"{vendor} family {family} model {model}";
        int ui = Array.IndexOf(args, "--fma-units");
        if (ui >= 0 && ui + 1 < args.Length) { units = int.Parse(args[ui + 1], CultureInfo.InvariantCulture); unitsHow = "--fma-units"; }

        double ghz; string clockHow;
        int ci = Array.IndexOf(args, "--clock-ghz");
        if (ci >= 0 && ci + 1 < args.Length) { ghz = double.Parse(args[ci + 1], CultureInfo.InvariantCulture); clockHow = "--clock-ghz"; }
        else if (LscpuMaxMhz() is { } max) { ghz = max / 1000; clockHow = "lscpu 'CPU max MHz'"; }
        else if (double.TryParse(info.GetValueOrDefault("cpu MHz"), NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz))
        { ghz = mhz / 1000; clockHow = "/proc/cpuinfo 'cpu MHz' (lscpu has no max MHz)"; }
        else { ghz = double.NaN; clockHow = "no clock found (give --clock-ghz)"; }
        double peak = cores * units * lanes * 2 * ghz;
        return (peak, string.Create(CultureInfo.InvariantCulture,
            $"FMA peak = {cores} cores × {units} FMA units ({unitsHow}) × {lanes} lanes × 2 flops × {ghz:F3} GHz ({clockHow}) = {peak:F1} GFLOP/s"));
    }

    /// <summary>"AMD EPYC (AuthenticAMD family 25 model 1), 2 logical CPUs": the machine for each table's header.</summary>
    public static string CpuName()
    {
        var i = CpuInfo();
        return i.Count == 0 ? $"{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} logical CPUs"
            : $"{i.GetValueOrDefault("model name", "?")} ({i.GetValueOrDefault("vendor_id", "?")} family {i.GetValueOrDefault("cpu family", "?")} model {i.GetValueOrDefault("model", "?")}), {Environment.ProcessorCount} logical CPUs";
    }

    /// <summary>The first processor's fields of /proc/cpuinfo (empty elsewhere).</summary>
    private static Dictionary<string, string> CpuInfo()
    {
        var d = new Dictionary<string, string>();
        if (!File.Exists("/proc/cpuinfo")) return d;
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.Length == 0) break;
            int c = line.IndexOf(':');
            if (c > 0) d.TryAdd(line[..c].Trim(), line[(c + 1)..].Trim());
        }
        return d;
    }

    private static double? LscpuMaxMhz()
    {
        try
        {
            var psi = new ProcessStartInfo("lscpu") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.Environment["LC_ALL"] = "C";
            using var p = Process.Start(psi)!;
            string s = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            foreach (var line in s.Split('\n'))
                if (line.StartsWith("CPU max MHz:") && double.TryParse(line[12..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0)
                    return v;
        }
        catch (System.ComponentModel.Win32Exception) { }   // no lscpu: fall back to /proc/cpuinfo
        return null;
    }
}
