using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Lumen.Cli.Setup;

/// <summary>
/// Command options written as a YAML (or JSON) mapping: <c>lr: 0.001</c>, <c>batch-size: 64</c> (or <c>batch_size</c>),
/// <c>shuffle: true</c> for a flag, <c>model-args: {c1: 48, c2: 96}</c>. <c>lumen train --config FILE</c> reads one
/// (a search's <c>best.yaml</c> is one); <c>lumen search</c> reads its base settings this way.
/// </summary>
public static class OptionsFile
{
    /// <summary>Loads the first document of a YAML/JSON file (through <see cref="SafeYaml"/>: depth and key checks).</summary>
    /// <exception cref="CliException">a missing file or malformed YAML/JSON.</exception>
    public static YamlNode? LoadYaml(string path, string what) => SafeYaml.LoadFile(path, what);

    /// <summary>The option name a key stands for: lower case, '_' read as '-'.</summary>
    public static string OptionName(string key) => key.Trim().ToLowerInvariant().Replace('_', '-');

    /// <summary>The arguments one option stands for (<c>--name value</c>, <c>--name</c> for a true flag, nothing for a
    /// false one). A mapping value is written as <c>k=v,k=v</c> (for <c>model-args</c>).</summary>
    /// <exception cref="CliException">an unknown option, or a value of the wrong shape.</exception>
    public static IEnumerable<string> ToArgs(CommandSpec cmd, string name, YamlNode value, string where)
    {
        var spec = cmd.Options.FirstOrDefault(o => o.Name == name && !o.Hidden)
                   ?? throw new CliException($"{where}: unknown option '{name}' (not a 'lumen {cmd.Name}' option; see 'lumen {cmd.Name} --help')");
        string text = Scalar(value, where);
        if (spec.Value == null)
        {
            if (!bool.TryParse(text, out bool on)) throw new CliException($"{where}: '{name}' is a flag: expected true or false, got '{text}'");
            return on ? new[] { "--" + name } : Array.Empty<string>();
        }
        return new[] { "--" + name, text };
    }

    /// <summary>A scalar's text, or a flat mapping as <c>k=v,k=v</c>.</summary>
    public static string Scalar(YamlNode value, string where) => value switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlMappingNode m when m.Children.All(kv => kv.Key is YamlScalarNode && kv.Value is YamlScalarNode) =>
            string.Join(",", m.Children.Select(kv => $"{((YamlScalarNode)kv.Key).Value}={((YamlScalarNode)kv.Value).Value}")),
        _ => throw new CliException($"{where}: expected a single value, got {(value is YamlSequenceNode ? "a list" : "a nested mapping")}"),
    };

    /// <summary>Reads a whole options file as arguments of <paramref name="cmd"/>.</summary>
    public static List<string> Read(CommandSpec cmd, string path)
    {
        var root = LoadYaml(path, "config file");
        if (root == null) return new List<string>();
        if (root is not YamlMappingNode map) throw new CliException($"{path}: expected a mapping of options (e.g. 'lr: 0.001'), got a {root.NodeType}");
        var args = new List<string>();
        foreach (var (k, v) in map.Children)
        {
            // SafeYaml refused non-scalar keys before the tree was built.
            string name = OptionName(((YamlScalarNode)k).Value ?? "");
            if (name is "config") throw new CliException($"{path}: a config file cannot name another config file");
            args.AddRange(ToArgs(cmd, name, v, $"{path}: {name}"));
        }
        return args;
    }

    /// <summary>Replaces every <c>--config FILE</c> of <paramref name="args"/> by the file's options, in place, so the
    /// options after it win. Commands without a <c>config</c> option are left alone.</summary>
    public static string[] Expand(CommandSpec cmd, string[] args) => Expand(cmd, args, out _);

    /// <summary><see cref="Expand(CommandSpec, string[])"/>, also giving for each resulting argument the config file it
    /// came from (null for the command line), so that errors about its value name the file.</summary>
    public static string[] Expand(CommandSpec cmd, string[] args, out string?[] sources)
    {
        var result = new List<string>();
        var from = new List<string?>();
        if (!cmd.Options.Any(o => o.Name == "config")) { sources = new string?[args.Length]; return args; }
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--") { result.AddRange(args.Skip(i)); from.AddRange(args.Skip(i).Select(_ => (string?)null)); break; }
            string? file = null;
            if (args[i] == "--config")
            {
                if (i + 1 >= args.Length) throw new CliException("--config needs a value (FILE)");
                file = args[++i];
            }
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal)) file = args[i]["--config=".Length..];
            if (file == null) { result.Add(args[i]); from.Add(null); continue; }
            var read = Read(cmd, file);
            result.AddRange(read);
            from.AddRange(read.Select(_ => (string?)file));
        }
        sources = from.ToArray();
        return result.ToArray();
    }

    /// <summary>Writes options as a YAML mapping, one <c>name: value</c> a line (values quoted where YAML needs it).</summary>
    public static string ToYaml(IEnumerable<(string Name, string Value)> options, string? comment = null)
    {
        var sb = new StringBuilder();
        if (comment != null) foreach (var line in comment.Split('\n')) sb.Append("# ").Append(line).Append('\n');
        foreach (var (name, value) in options) sb.Append(name).Append(": ").Append(Quote(value)).Append('\n');
        return sb.ToString();
    }

    /// <summary>A value as a YAML scalar: plain when it reads back as itself, else double-quoted.</summary>
    public static string Quote(string v)
    {
        bool plain = v.Length > 0 && v.Trim() == v && v.IndexOfAny(":#{}[],&*!|>'\"%@`".ToCharArray()) < 0
                     && !(v.StartsWith('-') && !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        return plain ? v : "\"" + v.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
