namespace Lumen.Distributed.Tests;

/// <summary>Two hosts simulated by network namespaces: Open MPI starts one rank in each over TCP (the only link is the
/// veth pair), they train DLwPT's Net data-parallel, and the result agrees with the single-host run.</summary>
[Collection("mpi")]
public sealed class TwoHostTests
{
    [NetnsFact]
    public void One_rank_per_namespace_over_TCP_trains_as_one_rank_does()
    {
        var dir = MpiRun.TempDir("twohost");
        using var net = new TwoHostNetwork(dir);
        var one = Path.Combine(dir, "one.safetensors");
        var two = Path.Combine(dir, "two.safetensors");
        var r1 = MpiRun.Worker(1, new[] { "equiv", "net", "plain", "100", "20", one });
        Assert.True(r1.ExitCode == 0, r1.ToString());

        // mpirun itself runs in host A; host B's daemon is started through the agent, inside namespace B.
        var psi = new System.Diagnostics.ProcessStartInfo("ip");
        foreach (var a in new[] { "netns", "exec", net.NamespaceA, MpiRun.Mpirun! }) psi.ArgumentList.Add(a);
        foreach (var o in MpiRun.BaseOptions.Concat(net.MpirunOptions)) psi.ArgumentList.Add(o);
        foreach (var a in new[] { "-np", "2", MpiRun.Dotnet, MpiRun.WorkerDll, "equiv", "net", "plain", "100", "20", two }) psi.ArgumentList.Add(a);
        var r2 = MpiRun.Start(psi, null, 180);
        Assert.True(r2.ExitCode == 0, r2.ToString());

        Assert.Contains($"{TwoHostNetwork.AddressB} {net.NamespaceB}", File.ReadAllText(net.AgentLog));
        foreach (var (k, d) in Weights.RelativeDifferences(two, one)) Assert.True(d <= 1e-6, $"{k}: relative difference {d:E2}");
        Assert.All(Weights.RelativeDifferences(two + ".rank1", two + ".rank0"), kv => Assert.Equal(0, kv.Value));
    }
}
