using System.Globalization;
using System.Text.RegularExpressions;
using Lumen.NN;
using Zoo = Lumen.Vision.Models;

namespace Lumen.Cli.Models;

/// <summary>
/// Constructor arguments of a model (<c>--model-args c1=48,c2=96,l1=256</c>), what lets <c>lumen search</c> tune a
/// network's shape as seed 001 tunes <c>ConfigNet(c1, c2, l1)</c>. Zoo models that take arguments: <c>convnet</c>
/// (seed 001's CIFAR-10 ConvNet: c1, c2, l1, d1). A YAML/JSON layer spec takes arguments through placeholders in
/// its values: <c>conv2d: {out: ${c1}, kernel: 3}</c>, or <c>${c1:16}</c> with a default.
/// </summary>
public static partial class ModelArgs
{
    /// <summary>Zoo models with constructor arguments: name → (argument, kind) where kind is "int" or "number".</summary>
    public static readonly IReadOnlyDictionary<string, (string Name, string Kind)[]> ZooParameters =
        new Dictionary<string, (string, string)[]>
        {
            ["convnet"] = new[] { ("c1", "int"), ("c2", "int"), ("l1", "int"), ("d1", "number") },
        };

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")]
    private static partial Regex Placeholder();

    /// <summary>Parses <c>name=value,name=value</c> (null or empty: none).</summary>
    /// <exception cref="CliException">an item without '=' or a name given twice.</exception>
    public static Dictionary<string, string>? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var d = new Dictionary<string, string>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1) throw new CliException($"--model-args: expected NAME=VALUE items separated by commas, got '{item}'");
            string name = item[..eq].Trim();
            if (!d.TryAdd(name, item[(eq + 1)..].Trim())) throw new CliException($"--model-args: '{name}' is given twice");
        }
        return d;
    }

    /// <summary>Formats arguments as <see cref="Parse"/> reads them.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> args) => string.Join(",", args.Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>The arguments <paramref name="model"/> takes (zoo parameters, or the spec's placeholders), each with
    /// its kind ("int", "number", or "any" for placeholders); empty when it takes none.</summary>
    public static IReadOnlyList<(string Name, string Kind)> ParametersOf(string model, string? specText)
    {
        if (specText != null) return Placeholder().Matches(specText).Select(m => m.Groups[1].Value).Distinct().Select(n => (n, "any")).ToList();
        return ZooParameters.TryGetValue(model.ToLowerInvariant(), out var ps) ? ps : Array.Empty<(string, string)>();
    }

    /// <summary>Whether <see cref="ModelZoo.Create"/> should leave the model to <see cref="Create"/>: a zoo model with
    /// arguments, a spec with placeholders, or any arguments at all (to reject them by name).</summary>
    public static bool Handles(string model, string? specText, IReadOnlyDictionary<string, string>? args) =>
        args is { Count: > 0 } || ZooParameters.ContainsKey(model.ToLowerInvariant())
        || specText != null && Placeholder().IsMatch(specText)
        || specText == null && ModelZoo.IsSpecFile(model) && File.Exists(model) && Placeholder().IsMatch(File.ReadAllText(model));

    /// <summary>Checks that every argument is one <paramref name="model"/> takes and has the right kind.</summary>
    /// <exception cref="CliException">an unknown argument, or a value of the wrong kind.</exception>
    public static void Check(string model, string? specText, IReadOnlyDictionary<string, string>? args)
    {
        if (args == null) return;
        var ps = ParametersOf(model, specText);
        foreach (var (name, value) in args)
        {
            var p = ps.FirstOrDefault(x => x.Name == name);
            if (p.Name == null)
                throw new CliException(ps.Count == 0
                    ? $"model '{model}' takes no arguments (got '{name}'); models with arguments: {string.Join(", ", ZooParameters.Keys)}, or a spec with ${{NAME}} placeholders"
                    : $"model '{model}' has no argument '{name}' (its arguments: {string.Join(", ", ps.Select(x => x.Name))})");
            if (p.Kind == "int" && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                throw new CliException($"model argument '{name}': expected an integer, got '{value}'");
            if (p.Kind == "number" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new CliException($"model argument '{name}': expected a number, got '{value}'");
        }
    }

    /// <summary>Builds <paramref name="model"/> with <paramref name="args"/> for inputs (C, H, W) and
    /// <paramref name="numClasses"/> outputs.</summary>
    /// <exception cref="CliException">an unknown argument, a bad value, a placeholder without a value, or an input the
    /// model cannot take.</exception>
    public static Module Create(string model, int[] inputShape, int numClasses, string? specText, IReadOnlyDictionary<string, string>? args)
    {
        if (specText == null && ModelZoo.IsSpecFile(model))
        {
            if (!File.Exists(model)) throw new CliException($"model spec file '{model}' not found");
            specText = File.ReadAllText(model);
        }
        Check(model, specText, args);
        args ??= new Dictionary<string, string>();
        if (specText != null) return ModelSpec.Parse(Substitute(specText, args, model), inputShape, numClasses, source: model);
        switch (model.ToLowerInvariant())
        {
            case "convnet":
                if (inputShape.Length != 3 || inputShape[0] != 3 || inputShape[1] != 32 || inputShape[2] != 32)
                    throw new CliException($"model 'convnet' (seed 001's CIFAR-10 ConvNet) takes 3×32×32 images, got [{string.Join(", ", inputShape)}]");
                int I(string k, int d) => args.TryGetValue(k, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : d;
                double d1 = args.TryGetValue("d1", out var dv) ? double.Parse(dv, CultureInfo.InvariantCulture) : 0.1;
                if (new[] { I("c1", 48), I("c2", 96), I("l1", 256) }.Any(v => v < 1)) throw new CliException("model 'convnet': c1, c2 and l1 must be at least 1");
                if (d1 is < 0 or >= 1) throw new CliException($"model 'convnet': d1 (the dropout after conv2) must be in [0, 1), got {dv}");
                return new Zoo.ConvNet(I("c1", 48), I("c2", 96), I("l1", 256), d1, numClasses);
            default:
                return ModelZoo.Create(model, inputShape, numClasses);
        }
    }

    /// <summary>Replaces every <c>${name}</c> / <c>${name:default}</c> of a spec by its argument (or default).</summary>
    /// <exception cref="CliException">a placeholder with neither.</exception>
    public static string Substitute(string specText, IReadOnlyDictionary<string, string> args, string source) =>
        Placeholder().Replace(specText, m =>
        {
            string name = m.Groups[1].Value;
            if (args.TryGetValue(name, out var v)) return v;
            if (m.Groups[2].Success) return m.Groups[2].Value;
            throw new CliException($"model {source}: ${{{name}}} has no value and no default", $"give it with --model-args {name}=VALUE, or write ${{{name}:DEFAULT}}");
        });
}
