using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>The <c>--isa sse|avx2|native</c> option: every side of a comparison capped to the same vector ISA, so that
/// one command compares the 128-bit paths (the stand-in for ARM64's NEON) or, on an AVX-512 machine, the AVX2 paths.
/// Lumen runs under <c>DOTNET_EnableAVX2=0</c> (sse) or <c>DOTNET_EnableAVX512=0</c> (avx2; .NET 10 ignores .NET 8's
/// <c>DOTNET_EnableAVX512F</c>, set too for older runtimes): the whole Lumen.Bench
/// process is started again with it, since Lumen times some cases in-process. libtorch 2.10 gets
/// <c>ONEDNN_MAX_CPU_ISA=SSE41 MKL_ENABLE_INSTRUCTIONS=SSE4_2</c> (or <c>AVX2</c>/<c>AVX2</c>); both PyTorches also get
/// <c>ATEN_CPU_CAPABILITY=default|avx2</c> (ATen's own vectorised kernels: pooling, activations, optimizers), and
/// PyTorch 1.13 <c>OPENBLAS_CORETYPE=Nehalem|Haswell</c> (its GEMM) with the oneDNN cap under both of its names.</summary>
internal sealed record IsaCap(string Name, IReadOnlyDictionary<string, string> Lumen, IReadOnlyDictionary<string, string> Libtorch,
                              IReadOnlyDictionary<string, string> PyTorch)
{
    /// <summary>Set in the restarted process, so it does not restart again.</summary>
    private const string Marker = "LUMEN_BENCH_ISA";

    /// <summary>The cap of this run (<c>native</c> until <see cref="Parse"/> sets it).</summary>
    public static IsaCap Current { get; private set; } = Native;

    private static IsaCap Native => new("native", new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>Reads <c>--isa</c> from the arguments; an unknown value is a usage error (exit code 2 by the caller).</summary>
    public static IsaCap Parse(string[] args)
    {
        int i = Array.IndexOf(args, "--isa");
        string name = i >= 0 && i + 1 < args.Length ? args[i + 1] : "native";
        Current = name switch
        {
            "native" => Native,
            "sse" => new("sse",
                new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" },
                new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "SSE41", ["MKL_ENABLE_INSTRUCTIONS"] = "SSE4_2", ["ATEN_CPU_CAPABILITY"] = "default" },
                new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "SSE41", ["DNNL_MAX_CPU_ISA"] = "SSE41", ["ATEN_CPU_CAPABILITY"] = "default", ["OPENBLAS_CORETYPE"] = "Nehalem" }),
            "avx2" => new("avx2",
                new Dictionary<string, string> { ["DOTNET_EnableAVX512"] = "0", ["DOTNET_EnableAVX512F"] = "0" },
                new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2", ["MKL_ENABLE_INSTRUCTIONS"] = "AVX2", ["ATEN_CPU_CAPABILITY"] = "avx2" },
                new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2", ["DNNL_MAX_CPU_ISA"] = "AVX2", ["ATEN_CPU_CAPABILITY"] = "avx2", ["OPENBLAS_CORETYPE"] = "Haswell" }),
            _ => throw new ArgumentException($"--isa: expected sse, avx2 or native, got '{name}'"),
        };
        return Current;
    }

    /// <summary>When this process is not yet running under Lumen's cap, runs it again with the cap set (same arguments,
    /// same console) and returns that run's exit code; null when this process is the one to do the work.</summary>
    public int? RunCappedIfNeeded(string[] args)
    {
        if (Lumen.Count == 0 || Environment.GetEnvironmentVariable(Marker) == Name) return null;
        var psi = new ProcessStartInfo(Partners.DotnetHost) { UseShellExecute = false };
        psi.ArgumentList.Add(typeof(IsaCap).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in Lumen) psi.Environment[k] = v;
        psi.Environment[Marker] = Name;
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>Sets a child's environment for <paramref name="side"/>: Lumen's knobs (inherited from this process) are
    /// removed from the partners' children (tsbench is a .NET program too), the side's cap variables are set, and
    /// PyTorch 1.13 loses OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unless the cap sets them (those two slow OpenBLAS on this
    /// project's machines; bench/README.md of ../shared).</summary>
    public void Apply(ProcessStartInfo psi, Side side)
    {
        if (side != Side.Lumen)
            foreach (var k in Lumen.Keys.Append(Marker)) psi.Environment.Remove(k);
        if (side == Side.PyTorch) { psi.Environment.Remove("OPENBLAS_CORETYPE"); psi.Environment.Remove("OPENBLAS_L2_SIZE"); }
        var vars = side switch { Side.Lumen => Lumen, Side.Libtorch => Libtorch, _ => PyTorch };
        foreach (var (k, v) in vars) psi.Environment[k] = v;
    }

    /// <summary>Vector lanes (float32) of Lumen's widest path in this process: 16 (AVX-512), 8 (AVX2 + FMA), 4 (128-bit).</summary>
    public static int LumenLanes =>
        Gemm.BestPath == GemmPath.Avx512 ? 16 : Gemm.BestPath == GemmPath.Avx2 ? 8 : Vector256.IsHardwareAccelerated ? 8 : 4;

    /// <summary>One line for the table headers: the CPU, the cap, what Lumen's process sees, and each partner's variables.</summary>
    public string Describe()
    {
        string isa = Avx512F.IsSupported ? "AVX-512F" : Avx2.IsSupported ? "AVX2" : Sse41.IsSupported ? "SSE4.1 (128-bit)" :
                     AdvSimd.IsSupported ? "NEON (128-bit)" : Vector128.IsHardwareAccelerated ? "128-bit" : "scalar";
        static string Env(IReadOnlyDictionary<string, string> d) => d.Count == 0 ? "uncapped" : string.Join(" ", d.Select(kv => $"{kv.Key}={kv.Value}"));
        return $"CPU {FmaPeak.CpuName()}; ISA cap '{Name}': Lumen sees {isa}{(Fma.IsSupported ? " + FMA" : "")} (GEMM path {Gemm.BestPath}, {Vector<float>.Count}-float Vector<T>; {Env(Lumen)}); " +
               $"libtorch {Env(Libtorch)}; PyTorch 1.13 {Env(PyTorch)}.";
    }
}
