using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Lumen.Cli.Setup;

/// <summary>
/// Reads the first document of a YAML/JSON file that a user (or an attacker) wrote: configs, search spaces, model specs.
/// YamlDotNet builds its node tree recursively and sets no depth limit, so 35,000 nested <c>[</c> overflow the stack and
/// kill the process. The event stream is therefore scanned first, iteratively, and the file is refused before any tree is
/// built when it nests deeper than <see cref="MaxDepth"/>, is larger than <see cref="MaxChars"/>, uses a list or a mapping
/// (or an alias) as a key, or refers to an anchor from inside itself. Every refusal is a <see cref="CliException"/>
/// naming the file and the line.
/// </summary>
public static class SafeYaml
{
    /// <summary>Deepest nesting of lists and mappings accepted (a config needs 2, a model spec 4).</summary>
    public const int MaxDepth = 64;

    /// <summary>Largest file accepted, in characters (16 Mi): a config or a spec is a few kilobytes.</summary>
    public const int MaxChars = 16 << 20;

    /// <summary>Reads <paramref name="path"/>; <paramref name="what"/> names the kind of file in the not-found error and
    /// <paramref name="source"/> (default: the path) starts every other error.</summary>
    /// <exception cref="CliException">the file is missing, too large, too deep, has a non-scalar key or is not YAML/JSON.</exception>
    public static YamlNode? LoadFile(string path, string what, string? source = null)
    {
        if (!File.Exists(path)) throw new CliException($"{what} '{path}' not found");
        source ??= path;
        long bytes = new FileInfo(path).Length;
        if (bytes > 4L * MaxChars) throw new CliException($"{source}: too large for a {what} ({bytes} bytes; at most {MaxChars} characters)");
        return Load(File.ReadAllText(path), source);
    }

    /// <summary>Reads YAML/JSON text; <paramref name="source"/> names it in errors (a file path, or "FILE: field").</summary>
    /// <exception cref="CliException">the text is too large, too deep, has a non-scalar key or is not YAML/JSON.</exception>
    public static YamlNode? Load(string text, string source)
    {
        if (text.Length > MaxChars) throw new CliException($"{source}: too large ({text.Length} characters; at most {MaxChars})");
        try
        {
            Scan(text, source);
            var yaml = new YamlStream();
            yaml.Load(new StringReader(text));
            return yaml.Documents.Count == 0 ? null : yaml.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new CliException($"{source}: not valid YAML/JSON at line {e.Start.Line}: {OneLine(e.InnerException?.Message ?? e.Message)}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new CliException($"{source}: not valid YAML/JSON: {OneLine(e.Message)}");
        }
    }

    /// <summary>One pass over the parser's events with an explicit stack (no recursion): depth, keys and aliases.</summary>
    private static void Scan(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        // Per open collection: a mapping?, nodes seen so far in it (even = the next node is a key), its anchor.
        var open = new Stack<(bool Mapping, long Count, string? Anchor)>();
        var openAnchors = new Dictionary<string, int>(StringComparer.Ordinal);
        while (parser.MoveNext())
        {
            var ev = parser.Current!;
            bool atKey = open.Count > 0 && open.Peek().Mapping && open.Peek().Count % 2 == 0;
            switch (ev)
            {
                case MappingStart or SequenceStart:
                    if (atKey)
                        throw new CliException($"{source}: line {ev.Start.Line}: a key must be a single value, got a {(ev is MappingStart ? "mapping" : "list")}");
                    if (open.Count >= MaxDepth)
                        throw new CliException($"{source}: line {ev.Start.Line}: nested deeper than {MaxDepth} levels");
                    string? anchor = ((NodeEvent)ev).Anchor.IsEmpty ? null : ((NodeEvent)ev).Anchor.Value;
                    if (anchor != null) openAnchors[anchor] = openAnchors.GetValueOrDefault(anchor) + 1;
                    open.Push((ev is MappingStart, 0, anchor));
                    break;
                case MappingEnd or SequenceEnd:
                    var closed = open.Pop();
                    if (closed.Anchor != null && --openAnchors[closed.Anchor] == 0) openAnchors.Remove(closed.Anchor);
                    Count(open);
                    break;
                case AnchorAlias alias:
                    if (atKey) throw new CliException($"{source}: line {ev.Start.Line}: a key must be a single value, got the alias *{alias.Value}");
                    if (openAnchors.ContainsKey(alias.Value.Value))
                        throw new CliException($"{source}: line {ev.Start.Line}: the alias *{alias.Value} refers to a node that contains it");
                    Count(open);
                    break;
                case Scalar:
                    Count(open);
                    break;
            }
        }
    }

    private static void Count(Stack<(bool Mapping, long Count, string? Anchor)> open)
    {
        if (open.Count == 0) return;
        var top = open.Pop();
        open.Push(top with { Count = top.Count + 1 });
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
