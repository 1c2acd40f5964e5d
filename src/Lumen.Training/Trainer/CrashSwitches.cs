using System.Diagnostics;

namespace Lumen.Training;

/// <summary>Crash-test switches: they kill the training process (SIGKILL, no clean-up) at a chosen moment, so tests can
/// prove that a run resumes to the same weights as an uninterrupted one. Leave them off for real work.</summary>
/// <param name="DieAfterBatches">kill the process after this many training batches of this process (0: never).</param>
/// <param name="DieWhileCheckpointing">kill the process while it writes its n-th "last" checkpoint of this process, when
/// half of the temporary file is on disk (0: never).</param>
public sealed record CrashSwitches(int DieAfterBatches = 0, int DieWhileCheckpointing = 0)
{
    internal static void Die()
    {
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
