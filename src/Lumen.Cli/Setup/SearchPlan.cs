using System.Globalization;
using Lumen.Cli.Commands;
using Lumen.Cli.Models;
using Lumen.Training;
using Lumen.Training.Search;
using YamlDotNet.RepresentationModel;

namespace Lumen.Cli.Setup;

/// <summary>
/// A search space file read and checked: the base <c>lumen train</c> options, the search settings (<c>method</c>,
/// <c>trials</c>, <c>seed</c>, <c>monitor</c>, <c>direction</c>, <c>parallel</c>) and the <c>space</c>. Every
/// parameter is a <c>lumen train</c> option or an argument of the model (<see cref="ModelArgs"/>); every value is
/// checked by parsing the train command line it makes, before any trial starts.
/// </summary>
public sealed class SearchPlan
{
    /// <summary>Keys of the space file that belong to the search, not to <c>lumen train</c>.</summary>
    public static readonly string[] SearchKeys = { "method", "trials", "direction", "parallel", "space" };

    /// <summary>Train options a space file may not set: the search chooses them.</summary>
    private static readonly string[] Reserved = { "out", "resume", "mode", "config", "force" };

    public required string Source { get; init; }
    /// <summary>Base train options (name, value) in file order; <c>model-args</c> is kept apart in <see cref="BaseModelArgs"/>.</summary>
    public required List<(string Name, YamlNode Value)> Base { get; init; }
    public required Dictionary<string, string> BaseModelArgs { get; init; }
    public required string Method { get; init; }
    public int Trials { get; init; }
    public long Seed { get; init; }
    public required string Monitor { get; init; }
    public MonitorMode Direction { get; init; }
    public int Parallel { get; set; }
    public required SearchSpace Space { get; init; }
    /// <summary>Space parameters that are model arguments (the others are train options).</summary>
    public required HashSet<string> ModelParams { get; init; }
    /// <summary>Whether the base sets <c>--threads</c> itself.</summary>
    public bool BaseThreads => Base.Any(b => b.Name == "threads");

    /// <summary>The parameter names in the space's order.</summary>
    public IReadOnlyList<string> ParameterNames => Space.Parameters.Select(p => p.Name).ToList();

    /// <summary>The trials of the plan (grid, or seeded random draws).</summary>
    public List<IReadOnlyList<(string Name, string Value)>> TrialParams() =>
        Method == "grid" ? Space.Grid() : Space.Random(Trials, Seed);

    /// <summary>The <c>lumen train</c> arguments of a trial (without <c>--out</c>).</summary>
    public List<string> TrainArgs(IReadOnlyList<(string Name, string Value)> trial)
    {
        var args = new List<string> { "train" };
        foreach (var (name, value) in Base) args.AddRange(OptionsFile.ToArgs(TrainCommand.Spec, name, value, $"{Source}: {name}"));
        var modelArgs = new Dictionary<string, string>(BaseModelArgs);
        foreach (var (name, value) in trial)
        {
            if (ModelParams.Contains(name)) modelArgs[name] = value;
            else args.AddRange(OptionsFile.ToArgs(TrainCommand.Spec, name, new YamlScalarNode(value), $"{Source}: space.{name}"));
        }
        if (modelArgs.Count > 0) args.AddRange(new[] { "--model-args", ModelArgs.Format(modelArgs) });
        return args;
    }

    /// <summary>The options of a trial as a <c>lumen train --config</c> file's (name, value) lines.</summary>
    public List<(string Name, string Value)> TrainOptions(IReadOnlyList<(string Name, string Value)> trial)
    {
        var options = Base.Select(b => (b.Name, OptionsFile.Scalar(b.Value, b.Name))).ToList();
        var modelArgs = new Dictionary<string, string>(BaseModelArgs);
        foreach (var (name, value) in trial)
        {
            if (ModelParams.Contains(name)) { modelArgs[name] = value; continue; }
            int i = options.FindIndex(o => o.Item1 == name);
            if (i >= 0) options[i] = (name, value); else options.Add((name, value));
        }
        if (modelArgs.Count > 0) options.Add(("model-args", ModelArgs.Format(modelArgs)));
        return options;
    }

    /// <summary>Reads and checks a space file; <paramref name="parallel"/> overrides the file's <c>parallel</c>.</summary>
    /// <exception cref="CliException">anything wrong with the file, named by key.</exception>
    public static SearchPlan Load(string path, int? parallel = null)
    {
        var root = OptionsFile.LoadYaml(path, "space file");
        if (root == null) throw new CliException($"{path}: the file is empty (expected train options and a 'space:' mapping)");
        if (root is not YamlMappingNode map) throw new CliException($"{path}: expected a mapping (train options, 'method:', 'space:'), got a {root.NodeType}");

        var baseOptions = new List<(string, YamlNode)>();
        var baseModelArgs = new Dictionary<string, string>();
        var settings = new Dictionary<string, YamlNode>();
        foreach (var (k, v) in map.Children)
        {
            string name = OptionsFile.OptionName(((YamlScalarNode)k).Value ?? "");
            if (SearchKeys.Contains(name)) { settings[name] = v; continue; }
            if (Reserved.Contains(name)) throw new CliException($"{path}: '{name}' cannot be set in a space file (the search sets it for each trial)");
            if (name == "model-args")
            {
                var parsed = ModelArgs.Parse(OptionsFile.Scalar(v, $"{path}: model-args"));
                if (parsed != null) foreach (var (a, b) in parsed) baseModelArgs[a] = b;
                continue;
            }
            OptionsFile.ToArgs(TrainCommand.Spec, name, v, path).ToList(); // unknown options fail here, by name
            baseOptions.Add((name, v));
        }

        string Setting(string key, string fallback) =>
            settings.TryGetValue(key, out var n) ? OptionsFile.Scalar(n, $"{path}: {key}") : fallback;
        int IntSetting(string key, int fallback, int min)
        {
            string s = Setting(key, fallback.ToString(CultureInfo.InvariantCulture));
            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) throw new CliException($"{path}: {key}: expected an integer, got '{s}'");
            if (v < min) throw new CliException($"{path}: {key}: must be at least {min}, got {v}");
            return v;
        }

        string method = Setting("method", "grid").ToLowerInvariant();
        if (method is not ("grid" or "random")) throw new CliException($"{path}: method: expected grid or random, got '{method}'");
        int trials = method == "random"
            ? (settings.ContainsKey("trials") ? IntSetting("trials", 0, 1) : throw new CliException($"{path}: random search needs 'trials: N'"))
            : 0;
        int par = parallel ?? IntSetting("parallel", 1, 1);
        if (par < 1) throw new CliException($"--parallel: must be at least 1, got {par}");
        string seedText = baseOptions.Where(b => b.Item1 == "seed").Select(b => OptionsFile.Scalar(b.Item2, "seed")).LastOrDefault() ?? "0";
        if (!long.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seed)) throw new CliException($"{path}: seed: expected an integer, got '{seedText}'");
        string monitor = baseOptions.Where(b => b.Item1 == "monitor").Select(b => OptionsFile.Scalar(b.Item2, "monitor")).LastOrDefault() ?? "valid_loss";
        if (!EpochResult.MetricNames.Contains(monitor) || monitor == "lr")
            throw new CliException($"{path}: monitor: unknown metric '{monitor}' (known: valid_loss, valid_acc, train_loss, train_acc, test_loss, test_acc)");
        var direction = Setting("direction", "auto").ToLowerInvariant() switch
        {
            "auto" => EpochResult.ModeOf(monitor),
            "max" => MonitorMode.Max,
            "min" => MonitorMode.Min,
            var d => throw new CliException($"{path}: direction: expected max or min, got '{d}'"),
        };

        // The base alone must make a valid train command line.
        var baseArgs = new List<string>();
        foreach (var (name, value) in baseOptions) baseArgs.AddRange(OptionsFile.ToArgs(TrainCommand.Spec, name, value, path));
        var baseConfig = Check(baseArgs, baseModelArgs, $"{path}: the train options");

        if (!settings.TryGetValue("space", out var spaceNode)) throw new CliException($"{path}: no 'space:' mapping (parameter: [values...])");
        if (spaceNode is not YamlMappingNode spaceMap || spaceMap.Children.Count == 0)
            throw new CliException($"{path}: space: expected a mapping of parameters to lists of values, got {(spaceNode is YamlMappingNode ? "an empty mapping" : "a " + spaceNode.NodeType)}");
        var modelParamsKnown = ModelArgs.ParametersOf(baseConfig.Model, baseConfig.ModelSpec);
        var parameters = new List<SearchParameter>();
        var modelParams = new HashSet<string>();
        foreach (var (k, v) in spaceMap.Children)
        {
            string raw = ((YamlScalarNode)k).Value ?? "";
            string where = $"{path}: space.{raw}";
            string name;
            if (modelParamsKnown.Any(p => p.Name == raw)) { name = raw; modelParams.Add(name); }
            else
            {
                name = OptionsFile.OptionName(raw);
                if (SearchKeys.Contains(name) || Reserved.Contains(name) || name == "model-args")
                    throw new CliException($"{where}: '{name}' cannot be searched");
                if (!TrainCommand.Spec.Options.Any(o => o.Name == name && !o.Hidden))
                    throw new CliException($"{where}: unknown parameter '{raw}' (not a 'lumen train' option, and model '{baseConfig.Model}' " +
                        (modelParamsKnown.Count == 0 ? "takes no arguments)" : $"has no such argument; its arguments: {string.Join(", ", modelParamsKnown.Select(p => p.Name))})"));
            }
            parameters.Add(Parameter(name, v, where, method));
        }
        SearchSpace space;
        try { space = new SearchSpace(parameters); }
        catch (ArgumentException e) { throw new CliException($"{path}: space: {e.Message.Replace("SearchSpace: ", "")}"); }

        var plan = new SearchPlan
        {
            Source = path, Base = baseOptions, BaseModelArgs = baseModelArgs, Method = method, Trials = trials, Seed = seed,
            Monitor = monitor, Direction = direction, Parallel = par, Space = space, ModelParams = modelParams,
        };
        // Every value (a range's two ends) must make a valid train command line.
        foreach (var p in space.Parameters)
            foreach (var value in p.Extremes())
            {
                var args = plan.TrainArgs(new[] { (p.Name, value) });
                Check(args.Skip(1).ToList(), null, $"{path}: space.{p.Name} = {value}");
            }
        return plan;
    }

    private static SearchParameter Parameter(string name, YamlNode v, string where, string method)
    {
        switch (v)
        {
            case YamlSequenceNode seq:
                var values = seq.Children.Select(c => c is YamlScalarNode s ? s.Value ?? "" : throw new CliException($"{where}: expected a list of single values, got a nested {c.NodeType}")).ToArray();
                if (values.Length == 0) throw new CliException($"{where}: the list of values is empty");
                return new SearchParameter(name, values);
            case YamlScalarNode s:
                return new SearchParameter(name, new[] { s.Value ?? "" });
            case YamlMappingNode m:
                if (method == "grid") throw new CliException($"{where}: a range ({{min, max}}) needs 'method: random'; grid search takes lists of values");
                var keys = m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => OptionsFile.Scalar(kv.Value, where));
                var unknown = keys.Keys.FirstOrDefault(x => x is not ("min" or "max" or "log"));
                if (unknown != null) throw new CliException($"{where}: unknown range key '{unknown}' (a range is {{min: A, max: B, log: true|false}})");
                if (!keys.TryGetValue("min", out var lo) || !keys.TryGetValue("max", out var hi)) throw new CliException($"{where}: a range needs both min and max");
                double Num(string t, string key) => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? d : throw new CliException($"{where}.{key}: expected a number, got '{t}'");
                bool log = keys.TryGetValue("log", out var l) && (bool.TryParse(l, out var b) ? b : throw new CliException($"{where}.log: expected true or false, got '{l}'"));
                bool integer = long.TryParse(lo, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && long.TryParse(hi, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
                double min = Num(lo, "min"), max = Num(hi, "max");
                if (min > max) throw new CliException($"{where}: min ({lo}) is above max ({hi})");
                if (log && min <= 0) throw new CliException($"{where}: a log range needs min > 0, got {lo}");
                return new SearchParameter(name, null, min, max, log, integer);
            default:
                throw new CliException($"{where}: expected a list of values or a range");
        }
    }

    /// <summary>Parses train arguments as <c>lumen train</c> does and checks the model arguments.</summary>
    private static RunConfig Check(List<string> trainArgs, Dictionary<string, string>? extraModelArgs, string where)
    {
        try
        {
            var args = new List<string>(trainArgs);
            if (extraModelArgs is { Count: > 0 }) args.AddRange(new[] { "--model-args", ModelArgs.Format(extraModelArgs) });
            var c = TrainCommand.FromArgs(ArgParser.Parse(TrainCommand.Spec, args));
            ModelArgs.Check(c.Model, c.ModelSpec, c.ModelArgs);
            return c;
        }
        catch (CliException e) { throw new CliException($"{where}: {e.Message}", e.Hint); }
    }
}
