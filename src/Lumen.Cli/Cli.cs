using Lumen.Cli.Commands;

namespace Lumen.Cli;

/// <summary>
/// The command table and the error policy of <c>lumen</c>. A new command (search, split, bench, …) is one more
/// <see cref="CommandSpec"/> in <see cref="Commands"/>: its options, its positional arguments and the method it runs.
/// Bad input — an unknown command, option, model or dataset, a missing file, a value of the wrong type — prints one
/// line, <c>lumen CMD: error: … (see 'lumen CMD --help')</c>, and exits with 2; other failures exit with 1. Stack
/// traces only with <c>--verbose</c>.
/// </summary>
public static class Cli
{
    /// <summary>Exit code of bad input.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a failure that is not the input's fault.</summary>
    public const int Failure = 1;

    /// <summary>Every command, in help order.</summary>
    public static readonly IReadOnlyList<CommandSpec> Commands = new[]
    {
        TrainCommand.Spec,
        EvalCommand.Spec,
        PredictCommand.Spec,
        SummaryCommand.Spec,
        ReportCommand.Spec,
        SearchCommand.Spec,
        SplitCommand.Spec,
        ExportCommand.Spec,
    };

    /// <summary>Runs <c>lumen ARGS</c> writing to <paramref name="stdout"/> and <paramref name="stderr"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        bool verbose = args.Contains("--verbose") || args.Contains("-v");
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            if (args.Length > 1 && Find(args[1]) is { } c) { stdout.WriteLine(ArgParser.Help(c)); return 0; }
            stdout.WriteLine(Usage());
            return args.Length == 0 ? UsageError : 0;
        }
        if (args[0] == "--version") { stdout.WriteLine(typeof(Cli).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"); return 0; }
        var cmd = Find(args[0]);
        if (cmd == null)
        {
            stderr.WriteLine($"lumen: error: unknown command '{args[0]}' (commands: {string.Join(", ", Commands.Select(c => c.Name))}; see 'lumen --help')");
            return UsageError;
        }
        var ctx = new CliContext(stdout, stderr, verbose);
        ParsedArgs? parsed = null;
        try
        {
            var expanded = Setup.OptionsFile.Expand(cmd, args.Skip(1).ToArray(), out var sources);
            parsed = ArgParser.Parse(cmd, expanded, sources);
            if (parsed.Has("help")) { stdout.WriteLine(ArgParser.Help(cmd)); return 0; }
            return cmd.Run(parsed, ctx);
        }
        catch (CliException e)
        {
            // An error about an option that a --config file gave names that file.
            string message = parsed?.Attribute(e.Message) ?? e.Message;
            stderr.WriteLine($"lumen {cmd.Name}: error: {OneLine(message)} ({e.Hint ?? $"usage: lumen {cmd.Usage}; see 'lumen {cmd.Name} --help'"})");
            if (verbose) stderr.WriteLine(e.ToString());
            return UsageError;
        }
        catch (Exception e) when (IsBadInput(e))
        {
            stderr.WriteLine($"lumen {cmd.Name}: error: {OneLine(e.Message)} (see 'lumen {cmd.Name} --help')");
            if (verbose) stderr.WriteLine(e.ToString());
            return UsageError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"lumen {cmd.Name}: failed: {e.GetType().Name}: {OneLine(e.Message)}{(verbose ? "" : " (run with --verbose for details)")}");
            if (verbose) stderr.WriteLine(e.ToString());
            return Failure;
        }
    }

    /// <summary>Typed errors about the user's files and values: a file that is not where it was said to be, a checkpoint,
    /// state dict, dataset or image that is damaged or does not fit. Their messages name the file; they exit with 2.</summary>
    private static bool IsBadInput(Exception e) =>
        e is ArgumentException or FileNotFoundException or DirectoryNotFoundException
            or Lumen.Serialization.CheckpointFormatException or Lumen.NN.StateDictException
            or Lumen.Vision.Codecs.ImageFormatException or Lumen.Vision.Datasets.DatasetFormatException;

    private static CommandSpec? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>The top-level help.</summary>
    public static string Usage()
    {
        var lines = new List<string> { "usage: lumen COMMAND [options]", "", "commands:" };
        foreach (var c in Commands) lines.Add($"  {c.Name,-10} {c.Summary}");
        lines.Add("");
        lines.Add("'lumen COMMAND --help' shows a command's options.");
        return string.Join(Environment.NewLine, lines);
    }
}
