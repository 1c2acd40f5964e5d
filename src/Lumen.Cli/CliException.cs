namespace Lumen.Cli;

/// <summary>Bad input from the user (an unknown name, a missing file, a value of the wrong type): the CLI prints the
/// message on one line with a usage hint and exits with code 2.</summary>
public sealed class CliException(string message, string? hint = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What to try instead (e.g. "see 'lumen train --help'"); null for the command's default hint.</summary>
    public string? Hint { get; } = hint;
}
