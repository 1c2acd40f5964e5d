using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Lumen.NN;
using Lumen.Distributed.Mpi;
using static Lumen.Distributed.Mpi.MpiNative;

namespace Lumen.Distributed;

/// <summary>
/// The processes of one job and the collectives among them, PyTorch's <c>torch.distributed</c> default group.
/// <see cref="World"/> reads mpirun's environment (<c>OMPI_COMM_WORLD_SIZE</c>): under <c>mpirun -np N</c> it is an MPI
/// group of N ranks over Open MPI; otherwise a one-process group whose collectives return their input, so one program runs
/// either way (and libmpi is not even loaded). Collectives work in place on contiguous float32 tensors and must be called
/// by every rank in the same order; each is bounded by <see cref="Timeout"/> (see the watchdog in the remarks).
/// </summary>
/// <remarks>A collective that some rank never reaches ends the whole job after <see cref="Timeout"/> with one line on
/// stderr naming that rank (<c>lumen: distributed: rank 1 did not reach all-reduce …</c>); a rank that dies is noticed by
/// mpirun, which stops the others. The timeout is 30 s unless <c>LUMEN_DIST_TIMEOUT</c> gives seconds.</remarks>
public sealed unsafe class ProcessGroup
{
    private static ProcessGroup? _world;
    private static readonly object WorldLock = new();
    private readonly MpiBackend? _mpi;

    private ProcessGroup(MpiBackend? mpi)
    {
        _mpi = mpi;
        Rank = mpi?.Rank ?? 0;
        WorldSize = mpi?.Size ?? 1;
        Timeout = TimeSpan.FromSeconds(ReadTimeoutSeconds());
    }

    /// <summary>True when this process was started by Open MPI's mpirun (its environment names a rank and a size).</summary>
    public static bool LaunchedByMpirun =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is { Length: > 0 } &&
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") is { Length: > 0 };

    /// <summary>This process's group: initialised on first use (MPI_Init_thread under mpirun), the same object afterwards.</summary>
    public static ProcessGroup World
    {
        get
        {
            lock (WorldLock) return _world ??= new ProcessGroup(LaunchedByMpirun ? new MpiBackend() : null);
        }
    }

    /// <summary>A one-process group (rank 0 of 1), whatever the environment: for code that must not communicate.</summary>
    public static ProcessGroup Single { get; } = new(null);

    /// <summary>This process's index, 0 … <see cref="WorldSize"/>−1, PyTorch's <c>get_rank()</c>.</summary>
    public int Rank { get; }

    /// <summary>The number of processes, PyTorch's <c>get_world_size()</c>.</summary>
    public int WorldSize { get; }

    /// <summary>True for rank 0, the one that writes checkpoints, logs and reports.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>True when collectives go over MPI (more than this process may take part).</summary>
    public bool IsDistributed => _mpi != null;

    /// <summary>How long a collective may wait for the other ranks before the job is stopped.</summary>
    public TimeSpan Timeout { get; set; }

    internal MpiBackend? Backend => _mpi;

    private static double ReadTimeoutSeconds()
    {
        var s = Environment.GetEnvironmentVariable("LUMEN_DIST_TIMEOUT");
        if (string.IsNullOrEmpty(s)) return 30;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v > 0))
            throw new ArgumentException($"LUMEN_DIST_TIMEOUT: expected a positive number of seconds, got '{s}'.");
        return v;
    }

    // ------------------------------------------------------------------ collectives on tensors

    /// <summary>Combines <paramref name="tensor"/> across all ranks in place (every rank ends with the result),
    /// PyTorch's <c>dist.all_reduce(tensor, op)</c>.</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        var span = Contiguous(tensor, "AllReduce");
        if (_mpi == null) return;
        fixed (float* p = span) AllReduce(p, span.Length, op, "all-reduce");
        Autograd.Autograd.IncrementVersion(tensor);
    }

    /// <summary>Copies rank <paramref name="src"/>'s <paramref name="tensor"/> into every rank's, PyTorch's
    /// <c>dist.broadcast(tensor, src)</c>. Float32, int64, uint8 and bool tensors.</summary>
    public void Broadcast(Tensor tensor, int src = 0)
    {
        CheckRank(src, "Broadcast");
        if (!tensor.IsContiguous()) throw new ArgumentException($"Broadcast: the tensor (shape {tensor.Shape}) must be contiguous.");
        if (_mpi == null) return;
        switch (tensor.DType)
        {
            case DType.Float32: fixed (float* p = tensor.AsSpan<float>()) Bcast(p, tensor.Numel(), Float, src); break;
            case DType.Int64: fixed (long* p = tensor.AsSpan<long>()) Bcast(p, tensor.Numel(), Long, src); break;
            case DType.Bool: fixed (bool* p = tensor.AsSpan<bool>()) Bcast(p, tensor.Numel(), MpiByte, src); break;
            default: fixed (byte* p = tensor.AsSpan<byte>()) Bcast(p, tensor.Numel(), MpiByte, src); break;
        }
        Autograd.Autograd.IncrementVersion(tensor);   // written by MPI, not by an op: what was kept from the old values is stale
    }

    /// <summary>Every rank's <paramref name="tensor"/> (same shape on all ranks), in rank order, PyTorch's
    /// <c>dist.all_gather(list, tensor)</c>.</summary>
    public Tensor[] AllGather(Tensor tensor)
    {
        var local = Contiguous(tensor, "AllGather");
        if (_mpi == null) return new[] { tensor.Clone() };
        int n = local.Length;
        var all = new float[(long)n * WorldSize];
        fixed (float* src = local) fixed (float* dst = all)
        {
            long seq = _mpi.NextSequence();
            IntPtr req;
            _mpi.Check(Iallgather(src, n, Float, dst, n, Float, _mpi.World, &req), "MPI_Iallgather");
            _mpi.Wait(ref req, seq, "all-gather", Timeout);
        }
        var shape = tensor.Shape.ToArray();
        return Enumerable.Range(0, WorldSize).Select(r => Torch.FromArray(all.AsSpan(r * n, n).ToArray(), shape)).ToArray();
    }

    /// <summary>Every rank's bytes, in rank order (lengths may differ): how ranks exchange generator states and results.</summary>
    public byte[][] AllGatherBytes(byte[] data, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (_mpi == null) return new[] { (byte[])data.Clone() };
        var lengths = new int[WorldSize];
        int mine = data.Length;
        fixed (int* dst = lengths)
        {
            long seq = _mpi.NextSequence();
            IntPtr req;
            _mpi.Check(Iallgather(&mine, 1, Int, dst, 1, Int, _mpi.World, &req), "MPI_Iallgather");
            _mpi.Wait(ref req, seq, "all-gather (sizes)", timeout ?? Timeout);
        }
        var offsets = new int[WorldSize];
        for (int r = 1; r < WorldSize; r++) offsets[r] = checked(offsets[r - 1] + lengths[r - 1]);
        var all = new byte[offsets[^1] + lengths[^1]];
        fixed (byte* src = data) fixed (byte* dst = all) fixed (int* counts = lengths) fixed (int* displs = offsets)
        {
            long seq = _mpi.NextSequence();
            IntPtr req;
            _mpi.Check(Iallgatherv(src, mine, MpiByte, dst, counts, displs, MpiByte, _mpi.World, &req), "MPI_Iallgatherv");
            _mpi.Wait(ref req, seq, "all-gather (bytes)", timeout ?? Timeout);
        }
        return Enumerable.Range(0, WorldSize).Select(r => all.AsSpan(offsets[r], lengths[r]).ToArray()).ToArray();
    }

    /// <summary>Returns once every rank has called it, PyTorch's <c>dist.barrier()</c>.</summary>
    public void Barrier(TimeSpan? timeout = null)
    {
        if (_mpi == null) return;
        long seq = _mpi.NextSequence();
        IntPtr req;
        _mpi.Check(Ibarrier(_mpi.World, &req), "MPI_Ibarrier");
        _mpi.Wait(ref req, seq, "barrier", timeout ?? Timeout);
    }

    /// <summary>Sums (or maxes) <paramref name="count"/> floats at <paramref name="data"/> across ranks in place.</summary>
    internal void AllReduce(float* data, int count, ReduceOp op, string what)
    {
        if (_mpi == null) return;
        long seq = _mpi.NextSequence();
        IntPtr req;
        _mpi.Check(Iallreduce(InPlace.ToPointer(), data, count, Float, op == ReduceOp.Sum ? OpSum : OpMax, _mpi.World, &req), "MPI_Iallreduce");
        _mpi.Wait(ref req, seq, what, Timeout);
    }

    /// <summary>Sums doubles across ranks in place (SyncBatchNorm's statistics, metric sums).</summary>
    public void AllReduce(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (_mpi == null) return;
        fixed (double* p = values)
        {
            long seq = _mpi.NextSequence();
            IntPtr req;
            _mpi.Check(Iallreduce(InPlace.ToPointer(), p, values.Length, MpiNative.Double, OpSum, _mpi.World, &req), "MPI_Iallreduce");
            _mpi.Wait(ref req, seq, "all-reduce", Timeout);
        }
    }

    /// <summary>Sums <paramref name="values"/> across ranks in place, adding the ranks' vectors in the decimation tree's
    /// order over rank indices ((r0 + r2) + (r1 + r3) for four ranks; <see cref="BatchTree"/>), on every rank the same bits.
    /// With <see cref="Torch.UseSplitInvariantReductions"/> and a power-of-two world size this is the one-process batch
    /// tree's top: MPI_Allreduce fixes no order. Costs an all-gather (every rank receives all vectors).</summary>
    public void AllReduceInTreeOrder<T>(Span<T> values) where T : unmanaged, INumber<T>
    {
        if (_mpi == null) return;
        var all = AllGatherBytes(MemoryMarshal.AsBytes(values).ToArray());
        int n = values.Length;
        var sum = BatchTree.Sum<T>(WorldSize, n, (r, buf) =>
        {
            if (all[r].Length != n * sizeof(T))
                throw new DistributedException($"AllReduceInTreeOrder: rank {r} sent {all[r].Length} bytes, rank {Rank} expected {n * sizeof(T)}.");
            MemoryMarshal.Cast<byte, T>(all[r]).CopyTo(buf);
        });
        sum.CopyTo(values);
    }

    private void Bcast(void* p, int count, IntPtr type, int src)
    {
        long seq = _mpi!.NextSequence();
        IntPtr req;
        _mpi.Check(Ibcast(p, count, type, src, _mpi.World, &req), "MPI_Ibcast");
        _mpi.Wait(ref req, seq, "broadcast", Timeout);
    }

    private void CheckRank(int r, string op)
    {
        if (r < 0 || r >= WorldSize) throw new ArgumentOutOfRangeException(nameof(r), $"{op}: rank {r} is outside 0..{WorldSize - 1}.");
    }

    private static Span<float> Contiguous(Tensor t, string op)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.DType != DType.Float32) throw new ArgumentException($"{op}: expected a float32 tensor, got {t.DType}.");
        if (!t.IsContiguous()) throw new ArgumentException($"{op}: the tensor (shape {t.Shape}) must be contiguous (call Contiguous() first).");
        return t.AsSpan<float>();
    }

    public override string ToString() => $"ProcessGroup(rank={Rank}, world_size={WorldSize}, backend={(IsDistributed ? "mpi" : "single")})";
}
