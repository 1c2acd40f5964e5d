using System.Runtime.InteropServices;

namespace Lumen.Distributed.Mpi;

/// <summary>
/// The few MPI-3 calls Lumen needs, bound to the system's Open MPI (<c>libmpi.so.40</c>, Debian's <c>libopenmpi3</c>)
/// at run time. Open MPI's predefined handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>, …) are the
/// addresses of exported structs (<c>ompi_mpi_comm_world</c> …), so they are read with <see cref="NativeLibrary.GetExport"/>.
/// Nothing here is touched unless a process runs under mpirun: a one-process run never loads libmpi.
/// </summary>
internal static unsafe class MpiNative
{
    public const int Success = 0;
    public const int ThreadSerialized = 2;   // MPI_THREAD_SERIALIZED: any thread may call, one at a time
    public const int AnySource = -1, AnyTag = -1;
    public static readonly IntPtr InPlace = 1;   // MPI_IN_PLACE

    private static IntPtr _lib;
    public static IntPtr CommWorld, Float, Double, MpiByte, Int, Long, OpSum, OpMax, ErrorsReturn;

    /// <summary>Loads libmpi and resolves the predefined handles and entry points.</summary>
    /// <exception cref="DllNotFoundException">Open MPI's library is not installed.</exception>
    public static void Load()
    {
        if (_lib != IntPtr.Zero) return;
        string[] names = { "libmpi.so.40", "libmpi.so", "libmpi.so.12" };
        foreach (var n in names)
            if (NativeLibrary.TryLoad(n, out _lib)) break;
        if (_lib == IntPtr.Zero)
            throw new DllNotFoundException("Lumen.Distributed: this process runs under mpirun but Open MPI's libmpi.so.40 cannot be " +
                                           "loaded (install openmpi-bin / libopenmpi3).");
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        MpiByte = Export("ompi_mpi_byte");
        Int = Export("ompi_mpi_int");
        Long = Export("ompi_mpi_long");
        OpSum = Export("ompi_mpi_op_sum");
        OpMax = Export("ompi_mpi_op_max");
        ErrorsReturn = Export("ompi_mpi_errors_return");
        InitThread = (delegate* unmanaged<int*, IntPtr, int, int*, int>)Export("MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        FinalizeFn = (delegate* unmanaged<int>)Export("MPI_Finalize");
        Abort = (delegate* unmanaged<IntPtr, int, int>)Export("MPI_Abort");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_size");
        CommDup = (delegate* unmanaged<IntPtr, IntPtr*, int>)Export("MPI_Comm_dup");
        CommSetErrhandler = (delegate* unmanaged<IntPtr, IntPtr, int>)Export("MPI_Comm_set_errhandler");
        Iallreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int>)Export("MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, IntPtr*, int>)Export("MPI_Ibcast");
        Iallgather = (delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, IntPtr*, int>)Export("MPI_Iallgather");
        Iallgatherv = (delegate* unmanaged<void*, int, IntPtr, void*, int*, int*, IntPtr, IntPtr, IntPtr*, int>)Export("MPI_Iallgatherv");
        Ibarrier = (delegate* unmanaged<IntPtr, IntPtr*, int>)Export("MPI_Ibarrier");
        Allreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int>)Export("MPI_Allreduce");
        Test = (delegate* unmanaged<IntPtr*, int*, Status*, int>)Export("MPI_Test");
        Isend = (delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, IntPtr*, int>)Export("MPI_Isend");
        Iprobe = (delegate* unmanaged<int, int, IntPtr, int*, Status*, int>)Export("MPI_Iprobe");
        Recv = (delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, Status*, int>)Export("MPI_Recv");
        RequestFree = (delegate* unmanaged<IntPtr*, int>)Export("MPI_Request_free");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
    }

    private static IntPtr Export(string name) => NativeLibrary.GetExport(_lib, name);

    public static delegate* unmanaged<int*, IntPtr, int, int*, int> InitThread;
    public static delegate* unmanaged<int*, int> Initialized;
    public static delegate* unmanaged<int*, int> Finalized;
    public static delegate* unmanaged<int> FinalizeFn;
    public static delegate* unmanaged<IntPtr, int, int> Abort;
    public static delegate* unmanaged<IntPtr, int*, int> CommRank;
    public static delegate* unmanaged<IntPtr, int*, int> CommSize;
    public static delegate* unmanaged<IntPtr, IntPtr*, int> CommDup;
    public static delegate* unmanaged<IntPtr, IntPtr, int> CommSetErrhandler;
    public static delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int> Iallreduce;
    public static delegate* unmanaged<void*, int, IntPtr, int, IntPtr, IntPtr*, int> Ibcast;
    public static delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, IntPtr*, int> Iallgather;
    public static delegate* unmanaged<void*, int, IntPtr, void*, int*, int*, IntPtr, IntPtr, IntPtr*, int> Iallgatherv;
    public static delegate* unmanaged<IntPtr, IntPtr*, int> Ibarrier;
    public static delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int> Allreduce;
    public static delegate* unmanaged<IntPtr*, int*, Status*, int> Test;
    public static delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, IntPtr*, int> Isend;
    public static delegate* unmanaged<int, int, IntPtr, int*, Status*, int> Iprobe;
    public static delegate* unmanaged<void*, int, IntPtr, int, int, IntPtr, Status*, int> Recv;
    public static delegate* unmanaged<IntPtr*, int> RequestFree;
    public static delegate* unmanaged<int, byte*, int*, int> ErrorString;

    /// <summary>Open MPI's <c>MPI_Status</c> (ompi_status_public_t): three public ints, then _cancelled and _ucount.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Status
    {
        public int Source, Tag, Error, Cancelled;
        public nuint UCount;
    }

    /// <summary>MPI's text for an error code.</summary>
    public static string Describe(int code)
    {
        var buf = stackalloc byte[512];   // MPI_MAX_ERROR_STRING is 256 in Open MPI
        int len = 0;
        if (ErrorString == null || ErrorString(code, buf, &len) != Success) return $"MPI error {code}";
        return System.Text.Encoding.ASCII.GetString(buf, len);
    }
}
