namespace Lumen.Cli;

/// <summary>Where a command writes, and how.</summary>
/// <param name="Out">results and progress.</param>
/// <param name="Err">errors.</param>
/// <param name="Verbose">print stack traces with errors.</param>
public sealed record CliContext(TextWriter Out, TextWriter Err, bool Verbose)
{
    /// <summary>Progress as one updating line: only on a terminal (the real console, not redirected).</summary>
    public bool Interactive => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;
}
