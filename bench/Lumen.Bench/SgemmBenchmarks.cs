using BenchmarkDotNet.Attributes;
using Lumen.Kernels;

namespace Lumen.Bench;

/// <summary>Square float32 C = A·B through <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
/// with two threads (the thread count the PyTorch comparison uses).</summary>
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    private float[] _a = Array.Empty<float>(), _b = Array.Empty<float>(), _c = Array.Empty<float>();

    [Params(256, 1024, 2048)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ParallelFor.NumThreads = 2; // the bench's own copy of the kernels (Lumen.Bench.csproj)
        _a = Compare.RandomMatrix(N, 1);
        _b = Compare.RandomMatrix(N, 2);
        _c = new float[N * N];
    }

    [Benchmark]
    public void Sgemm() => Gemm.Sgemm(false, false, N, N, N, 1f, _a, N, _b, N, 0f, _c, N);
}
