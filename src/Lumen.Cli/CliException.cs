namespace Lumen.Cli;

/// <summary>Bad input from the user (an unknown name, a missing file, a value of the wrong type): the CLI prints the
/// message on one line with a usage hint and exits with code 2.</summary>
public sealed class CliException(string message, string? hint = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What to try instead (e.g. "see 'lumen train --help'"); null for the command's default hint.</summary>
    public string? Hint { get; } = hint;

    /// <summary>The option an error message starts with (<c>"--lr: expected a number"</c> gives <c>lr</c>), or null. Errors
    /// about a value that a config file gave are rewritten to name that file and field.</summary>
    public static string? LeadingOption(string message)
    {
        if (!message.StartsWith("--", StringComparison.Ordinal)) return null;
        int end = 2;
        while (end < message.Length && (char.IsAsciiLetterOrDigit(message[end]) || message[end] == '-')) end++;
        return end > 2 ? message[2..end] : null;
    }
}
