using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Lumen.Cli;

/// <summary>The <c>lumen</c> executable.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (!Lumen.Distributed.ProcessGroup.LaunchedByMpirun) return Cli.Run(args, Console.Out, Console.Error);
        // Under mpirun stdout and stderr are mpirun's relay (a pipe, or Open MPI's pseudo-terminal): write the bytes straight
        // to the file descriptors. .NET's Console would set up a terminal on that pseudo-terminal and send its keypad escape
        // (ESC[?1h ESC=) into the job's output, once per rank.
        using var stdout = Raw(1);
        using var stderr = Raw(2);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        return Cli.Run(args, stdout, stderr);
    }

    private static StreamWriter Raw(int fd) =>
        new(new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0), new UTF8Encoding(false)) { AutoFlush = true };
}
