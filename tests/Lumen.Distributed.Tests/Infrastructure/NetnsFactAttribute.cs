using System.Diagnostics;

namespace Lumen.Distributed.Tests;

/// <summary>A fact that needs mpirun and the right to make network namespaces (root, iproute2's <c>ip</c>); skipped with
/// the reason where either is missing.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Why = new(Probe);

    public NetnsFactAttribute()
    {
        if (Why.Value is { } reason) Skip = reason;
    }

    private static string? Probe()
    {
        if (MpiRun.Mpirun == null) return "mpirun (Open MPI) is not installed.";
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/usr/bin/ip") && !File.Exists("/sbin/ip")) return "iproute2's ip is not installed.";
        var name = "lumenprobe" + Environment.ProcessId;
        var (rc, output) = TwoHostNetwork.Ip("netns", "add", name);
        if (rc != 0) return $"network namespaces cannot be made here (ip netns add: {output.Trim()}).";
        TwoHostNetwork.Ip("netns", "del", name);
        return null;
    }
}
