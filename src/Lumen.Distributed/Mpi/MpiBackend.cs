using System.Diagnostics;
using static Lumen.Distributed.Mpi.MpiNative;

namespace Lumen.Distributed.Mpi;

/// <summary>
/// One process's MPI state: MPI_COMM_WORLD for user collectives, a duplicate for DistributedDataParallel's gradient
/// buckets (so bucket reductions in flight never interleave with SyncBatchNorm's collectives on one communicator) and a
/// third for the watchdog's notices. Every collective is started non-blocking and completed by <see cref="Wait"/>, which
/// is the watchdog: it polls the request (which also drives Open MPI's progress engine), and past half the timeout tells
/// every peer "I am waiting at collective #k"; at the timeout, the ranks that sent no such notice are the ones that never
/// arrived, and this rank prints one line naming them and aborts the job (MPI_Abort), so nothing hangs silently.
/// A rank that dies is noticed by mpirun itself, which ends the others; errors come back as codes (MPI_ERRORS_RETURN)
/// and are thrown as <see cref="DistributedException"/>.
/// </summary>
internal sealed unsafe class MpiBackend
{
    private const int NoticeTag = 7077;
    private readonly IntPtr _noticeComm;
    private readonly HashSet<int> _waitingPeers = new();
    private long _sequence;
    private static bool _finalizeHooked;

    public int Rank { get; }
    public int Size { get; }
    public IntPtr World { get; }
    public IntPtr BucketComm { get; }

    public MpiBackend()
    {
        Load();
        int initialized;
        Check(Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
        {
            int provided;
            Check(InitThread(null, IntPtr.Zero, ThreadSerialized, &provided), "MPI_Init_thread");
            if (provided < ThreadSerialized)
                throw new DistributedException($"Lumen.Distributed: MPI provides thread level {provided}, MPI_THREAD_SERIALIZED (2) is needed.");
        }
        World = CommWorld;
        Check(CommSetErrhandler(World, ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank, size;
        Check(CommRank(World, &rank), "MPI_Comm_rank");
        Check(CommSize(World, &size), "MPI_Comm_size");
        Rank = rank; Size = size;
        IntPtr dup1, dup2;
        Check(CommDup(World, &dup1), "MPI_Comm_dup");
        Check(CommDup(World, &dup2), "MPI_Comm_dup");
        BucketComm = dup1; _noticeComm = dup2;
        Check(CommSetErrhandler(BucketComm, ErrorsReturn), "MPI_Comm_set_errhandler");
        Check(CommSetErrhandler(_noticeComm, ErrorsReturn), "MPI_Comm_set_errhandler");
        if (!_finalizeHooked)
        {
            _finalizeHooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => FinalizeOnce();
        }
    }

    /// <summary>Numbers the next collective (the same on every rank: all ranks make the same calls in the same order).</summary>
    public long NextSequence() => ++_sequence;

    /// <summary>Throws when an MPI call returned an error code.</summary>
    public void Check(int code, string call)
    {
        if (code != Success) throw new DistributedException($"rank {Rank}: {call} failed: {Describe(code)}");
    }

    /// <summary>How long <see cref="Wait"/> tests without sleeping before it polls every millisecond.</summary>
    private const int SpinMilliseconds = 1000;

    /// <summary>Completes <paramref name="request"/>, the collective numbered <paramref name="sequence"/>, within
    /// <paramref name="timeout"/> (infinite: no limit), else names the missing ranks and aborts the job.</summary>
    public void Wait(ref IntPtr request, long sequence, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        bool noticed = false;
        _waitingPeers.Clear();
        while (true)
        {
            int flag;
            Status st;
            fixed (IntPtr* r = &request) Check(Test(r, &flag, &st), $"{what}: MPI_Test");
            if (flag != 0) return;
            // Open MPI moves a large collective's segments only inside MPI calls, so a sleep between tests stalls it
            // (a 16 MB all-reduce took 316 ms with a 1 ms sleep, 12 ms in C). Test back to back (yielding the core to
            // any runnable thread) for the first second; a wait that lasts longer is a late peer, polled every 1 ms.
            if (clock.ElapsedMilliseconds < SpinMilliseconds) { Thread.Yield(); continue; }
            Thread.Sleep(1);
            if (timeout == Timeout.InfiniteTimeSpan) continue;
            DrainNotices(sequence);
            var elapsed = clock.Elapsed;
            if (!noticed && elapsed > timeout / 2) { SendNotices(sequence); noticed = true; }
            if (elapsed > timeout)
            {
                var missing = Enumerable.Range(0, Size).Where(r => r != Rank && !_waitingPeers.Contains(r)).ToList();
                string who = missing.Count == 0 ? "a rank" : (missing.Count == 1 ? "rank " : "ranks ") + string.Join(", ", missing);
                Console.Error.WriteLine($"lumen: distributed: {who} did not reach {what} (collective #{sequence}) within {timeout.TotalSeconds:0} s; rank {Rank} stops the job.");
                Console.Error.Flush();
                Abort(World, 3);
                Environment.Exit(3);   // MPI_Abort does not return; this is only a fallback
            }
        }
    }

    private void SendNotices(long sequence)
    {
        for (int r = 0; r < Size; r++)
        {
            if (r == Rank) continue;
            IntPtr req;
            // A buffered-size message completes eagerly, so the request can be freed right away.
            var buf = (long*)System.Runtime.InteropServices.NativeMemory.Alloc(8);
            *buf = sequence;
            Check(Isend(buf, 1, Long, r, NoticeTag, _noticeComm, &req), "watchdog MPI_Isend");
            Check(RequestFree(&req), "watchdog MPI_Request_free");
            // buf is deliberately leaked (8 bytes per peer per timed-out wait): freeing it before the send completes is unsafe.
        }
    }

    private void DrainNotices(long sequence)
    {
        while (true)
        {
            int flag;
            Status st;
            Check(Iprobe(AnySource, NoticeTag, _noticeComm, &flag, &st), "watchdog MPI_Iprobe");
            if (flag == 0) return;
            long seq;
            Check(Recv(&seq, 1, Long, st.Source, NoticeTag, _noticeComm, &st), "watchdog MPI_Recv");
            if (seq == sequence) _waitingPeers.Add(st.Source);
        }
    }

    private static void FinalizeOnce()
    {
        int done;
        if (Finalized(&done) == Success && done == 0) FinalizeFn();
    }
}
