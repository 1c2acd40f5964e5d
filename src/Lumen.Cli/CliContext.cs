namespace Lumen.Cli;

/// <summary>Where a command writes, and how.</summary>
/// <param name="Out">results and progress.</param>
/// <param name="Err">errors.</param>
/// <param name="Verbose">print stack traces with errors.</param>
public sealed record CliContext(TextWriter Out, TextWriter Err, bool Verbose)
{
    /// <summary>Progress as one updating line: only on a terminal (the real console, not redirected), and never under
    /// mpirun, where stdout is mpirun's relay (a pipe or Open MPI's pseudo-terminal), not the user's terminal: carriage
    /// returns and redraws would reach the log as stray control characters.</summary>
    public bool Interactive => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected && !Lumen.Distributed.ProcessGroup.LaunchedByMpirun;
}
