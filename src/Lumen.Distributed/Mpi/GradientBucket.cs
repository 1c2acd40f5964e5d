using System.Runtime.InteropServices;
using Lumen.NN;

namespace Lumen.Distributed.Mpi;

/// <summary>A run of parameters whose gradients are reduced as one flat float buffer (native memory, so MPI may read and
/// write it while the managed heap moves). PyTorch's DDP Reducer bucket.</summary>
internal sealed unsafe class GradientBucket : IDisposable
{
    public readonly Parameter[] Parameters;
    public readonly int[] Offsets;
    public readonly int Count;
    public float* Data;
    public int Pending;          // gradients of this pass not yet ready
    public IntPtr Request;       // the in-flight MPI_Iallreduce, or 0
    public long Sequence;
    public bool Launched;
    public bool Dirty;           // a gradient changed after the bucket was launched (a parameter used twice)

    public GradientBucket(Parameter[] parameters)
    {
        Parameters = parameters;
        Offsets = new int[parameters.Length];
        int n = 0;
        for (int i = 0; i < parameters.Length; i++) { Offsets[i] = n; n = checked(n + parameters[i].Numel()); }
        Count = n;
        Data = (float*)NativeMemory.AllocZeroed((nuint)Math.Max(1, n), sizeof(float));
    }

    public Span<float> Slice(int i) => new(Data + Offsets[i], Parameters[i].Numel());

    public void Dispose()
    {
        if (Data != null) NativeMemory.Free(Data);
        Data = null;
    }
}
