using System.Diagnostics;

namespace Lumen.Distributed.Tests;

/// <summary>Two "hosts" on one machine: network namespaces joined by a veth pair, with addresses 10.77.0.1 and
/// 10.77.0.2 that exist only inside them, and an rsh agent that Open MPI uses to start its daemon on a host (it enters
/// that host's namespace, and notes which one in a log). Disposing removes the namespaces (and with them the veth pair).</summary>
public sealed class TwoHostNetwork : IDisposable
{
    public const string AddressA = "10.77.0.1", AddressB = "10.77.0.2", Subnet = "10.77.0.0/24";
    public string NamespaceA { get; }
    public string NamespaceB { get; }
    public string Agent { get; }
    public string Hostfile { get; }
    public string AgentLog { get; }

    public TwoHostNetwork(string dir)
    {
        string tag = (Environment.ProcessId % 100000).ToString();
        NamespaceA = "lumenA" + tag;
        NamespaceB = "lumenB" + tag;
        string vethA = "lva" + tag, vethB = "lvb" + tag;
        Must("netns", "add", NamespaceA);
        Must("netns", "add", NamespaceB);
        Must("link", "add", vethA, "type", "veth", "peer", "name", vethB);
        Must("link", "set", vethA, "netns", NamespaceA);
        Must("link", "set", vethB, "netns", NamespaceB);
        foreach (var (ns, veth, addr) in new[] { (NamespaceA, vethA, AddressA), (NamespaceB, vethB, AddressB) })
        {
            Must("-n", ns, "addr", "add", addr + "/24", "dev", veth);
            Must("-n", ns, "link", "set", veth, "up");
            Must("-n", ns, "link", "set", "lo", "up");
        }
        AgentLog = Path.Combine(dir, "agent.log");
        Agent = Path.Combine(dir, "agent.sh");
        File.WriteAllText(Agent,
            "#!/bin/sh\n# Open MPI's rsh agent: \"<agent> <host> <command>\"; each host is a network namespace.\n" +
            "host=\"$1\"; shift\n" +
            $"case \"$host\" in {AddressA}) ns={NamespaceA} ;; {AddressB}) ns={NamespaceB} ;; *) echo \"unknown host $host\" >&2; exit 1 ;; esac\n" +
            $"echo \"$host $ns\" >> {AgentLog}\n" +
            "exec ip netns exec \"$ns\" /bin/sh -c \"$*\"\n");
        if (!OperatingSystem.IsWindows()) // network namespaces exist only on Linux; the guard tells the analyzer so
            File.SetUnixFileMode(Agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Hostfile = Path.Combine(dir, "hostfile");
        File.WriteAllText(Hostfile, $"{AddressA} slots=1\n{AddressB} slots=1\n");
    }

    /// <summary>mpirun's options for this network: the hostfile, the agent, and TCP on the veth subnet only.</summary>
    public string[] MpirunOptions => new[]
    {
        "--hostfile", Hostfile, "--mca", "plm_rsh_agent", Agent, "--mca", "btl", "tcp,self",
        "--mca", "btl_tcp_if_include", Subnet, "--mca", "oob_tcp_if_include", Subnet,
    };

    public static (int ExitCode, string Output) Ip(params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, o);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }

    private static void Must(params string[] args)
    {
        var (rc, output) = Ip(args);
        if (rc != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {output}");
    }

    public void Dispose()
    {
        Ip("netns", "del", NamespaceA);
        Ip("netns", "del", NamespaceB);
    }
}
