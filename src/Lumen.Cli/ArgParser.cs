using System.Globalization;

namespace Lumen.Cli;

/// <summary>One option of a command: <c>--name VALUE</c>, or a flag when <see cref="Value"/> is null.</summary>
/// <param name="Name">the name without dashes.</param>
/// <param name="Value">the value's placeholder in help ("N", "PATH"), or null for a flag.</param>
/// <param name="Help">one line of help.</param>
/// <param name="Hidden">left out of help (test switches).</param>
public sealed record OptionSpec(string Name, string? Value, string Help, bool Hidden = false);

/// <summary>One command of the table: name, help, options, positional arguments and what it runs.</summary>
public sealed record CommandSpec(string Name, string Summary, string Usage, IReadOnlyList<OptionSpec> Options,
    Func<ParsedArgs, CliContext, int> Run, int MinArgs = 0, int MaxArgs = 0);

/// <summary>Parsed options (by name) and positional arguments, with typed accessors that fail with a one-line error
/// naming the option and the bad value.</summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, string?> _values;
    private readonly Dictionary<string, string> _sources;

    internal ParsedArgs(string command, Dictionary<string, string?> values, List<string> positionals, Dictionary<string, string>? sources = null)
    {
        Command = command;
        _values = values;
        Positionals = positionals;
        _sources = sources ?? new();
    }

    public string Command { get; }
    public IReadOnlyList<string> Positionals { get; }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? String(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>The config file (<c>--config FILE</c>) the option's value came from, or null for the command line.</summary>
    public string? SourceOf(string name) => _sources.GetValueOrDefault(name);

    /// <summary>How errors name the option: <c>--lr</c>, or <c>best.yaml: lr</c> when a config file gave it.</summary>
    public string Label(string name) => SourceOf(name) is { } file ? $"{file}: {name}" : "--" + name;

    /// <summary>An error message that starts with <c>--NAME</c> rewritten to name the config file the option came from
    /// (<c>best.yaml: NAME</c>); other messages unchanged.</summary>
    public string Attribute(string message) =>
        CliException.LeadingOption(message) is { } option && SourceOf(option) is { } file ? $"{file}: {message[2..]}" : message;

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s == null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new CliException($"{Label(name)}: expected an integer, got '{s}'");
        if (v < min) throw new CliException($"{Label(name)}: must be at least {min}, got {v}");
        if (v > max) throw new CliException($"{Label(name)}: must be at most {max}, got {v}");
        return v;
    }

    public long? Long(string name)
    {
        var s = String(name);
        if (s == null) return null;
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v
            : throw new CliException($"{Label(name)}: expected an integer, got '{s}'");
    }

    public double? Double(string name, double min = double.NegativeInfinity)
    {
        var s = String(name);
        if (s == null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new CliException($"{Label(name)}: expected a number, got '{s}'");
        if (v < min) throw new CliException($"{Label(name)}: must be at least {min.ToString(CultureInfo.InvariantCulture)}, got {s}");
        return v;
    }

    /// <summary><c>--threads N</c>: 1 to <see cref="Torch.MaxNumThreads"/>, or null when not given.</summary>
    public int? Threads(string name = "threads") => Int(name, min: 1, max: Torch.MaxNumThreads);
}

/// <summary>A small parser: <c>--name value</c>, <c>--name=value</c>, flags, <c>--</c> ends options.</summary>
public static class ArgParser
{
    /// <summary>Options every command accepts.</summary>
    public static readonly OptionSpec[] Common =
    {
        new("verbose", null, "print stack traces on errors"),
        new("help", null, "show this help"),
    };

    /// <param name="cmd">the command.</param>
    /// <param name="args">its arguments (after <see cref="Setup.OptionsFile.Expand(CommandSpec, string[], out string?[])"/>).</param>
    /// <param name="sources">for each argument, the config file it came from (null: the command line).</param>
    public static ParsedArgs Parse(CommandSpec cmd, IReadOnlyList<string> args, IReadOnlyList<string?>? sources = null)
    {
        var values = new Dictionary<string, string?>();
        var from = new Dictionary<string, string>();
        var positionals = new List<string>();
        var known = cmd.Options.Concat(Common).ToDictionary(o => o.Name);
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--") { positionals.AddRange(args.Skip(i + 1)); break; }
            if (a == "-h") { values["help"] = null; continue; }
            if (a == "-v") { values["verbose"] = null; continue; }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                if (a.StartsWith('-') && a.Length > 1 && !char.IsDigit(a[1])) throw new CliException($"unknown option '{a}'");
                positionals.Add(a);
                continue;
            }
            string name = a[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            if (!known.TryGetValue(name, out var spec))
            {
                var near = known.Values.Where(o => !o.Hidden).Select(o => o.Name).OrderBy(n => Distance(n, name)).FirstOrDefault();
                throw new CliException($"unknown option '--{name}'" + (near != null && Distance(near, name) <= 3 ? $" (did you mean '--{near}'?)" : ""));
            }
            if (sources?[i] is { } file) from[name] = file;
            else from.Remove(name);
            if (spec.Value == null)
            {
                if (inline != null) throw new CliException($"--{name} is a flag and takes no value (got '{inline}')");
                values[name] = null;
                continue;
            }
            if (inline == null)
            {
                if (i + 1 >= args.Count) throw new CliException($"--{name} needs a value ({spec.Value})");
                inline = args[++i];
            }
            values[name] = inline;
        }
        var parsed = new ParsedArgs(cmd.Name, values, positionals, from);
        if (parsed.Has("help")) return parsed;
        if (positionals.Count < cmd.MinArgs) throw new CliException($"missing argument: {cmd.Usage}");
        if (positionals.Count > cmd.MaxArgs)
            throw new CliException($"unexpected argument '{positionals[cmd.MaxArgs]}'");
        return parsed;
    }

    /// <summary>The command's help text.</summary>
    public static string Help(CommandSpec cmd)
    {
        var lines = new List<string> { $"usage: lumen {cmd.Usage}", "", cmd.Summary, "", "options:" };
        foreach (var o in cmd.Options.Concat(Common).Where(o => !o.Hidden))
            lines.Add($"  {("--" + o.Name + (o.Value != null ? " " + o.Value : "")),-28} {o.Help}");
        return string.Join(Environment.NewLine, lines);
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
