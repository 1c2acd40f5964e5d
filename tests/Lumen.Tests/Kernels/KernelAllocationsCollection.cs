using Xunit;

namespace Lumen.Tests.Kernels;

/// <summary>Test classes that count a kernel call's allocations to the byte (<c>GC.GetAllocatedBytesForCurrentThread</c>
/// must not move) run alone: a test beside them can change the global thread count between the warm-up and the measured
/// calls, or hold the worker pool's gate, and a lock's first contention or a pool resize allocates on the measuring
/// thread once per process (measured: a first contended <c>Monitor.TryEnter</c> 1.9 KB). CI once failed
/// <see cref="GemmTests"/>' zero-allocation test at 920 bytes a call that way.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelAllocationsCollection
{
    public const string Name = "KernelAllocations";
}
