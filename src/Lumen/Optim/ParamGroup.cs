using System.Globalization;

namespace Lumen.Optim;

/// <summary>
/// A set of parameters optimized with the same options, PyTorch's param-group dict
/// <c>{'params': [...], 'lr': 0.01, ...}</c>. Options use PyTorch's keys (<c>"lr"</c>, <c>"momentum"</c>,
/// <c>"weight_decay"</c>, <c>"betas"</c>, …); keys a group does not set are filled from the optimizer's defaults when
/// the group is added. Schedulers and user code may change options between steps:
/// <code>
/// var opt = new SGD(new[]
/// {
///     new ParamGroup(model.Features.Parameters()),
///     new ParamGroup(model.Classifier.Parameters()) { ["lr"] = 1e-3 },
/// }, lr: 1e-2, momentum: 0.9);
/// opt.ParamGroups[0].Lr *= 0.1;
/// </code>
/// Values are plain: <see cref="double"/> for real options, <see cref="bool"/>, <see cref="int"/>, <see cref="string"/>
/// or null, and <c>double[]</c> for pairs (<c>"betas"</c>, <c>"etas"</c>, <c>"step_sizes"</c>), so a group serialises as is.
/// </summary>
public sealed class ParamGroup
{
    private readonly OrderedDictionary<string, object?> _options = new();

    /// <summary>A group over <paramref name="parameters"/> (an <see cref="NN.Module.Parameters"/> result works directly).</summary>
    public ParamGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters is Tensor)
            throw new ArgumentException("ParamGroup: pass a collection of tensors, not a single tensor.");
        Params = parameters.ToList();
    }

    /// <summary>The parameters of this group, in order (PyTorch's <c>group['params']</c>).</summary>
    public List<Tensor> Params { get; }

    /// <summary>Gets or sets an option by PyTorch's key; getting an unset key throws <see cref="KeyNotFoundException"/>.</summary>
    public object? this[string key]
    {
        get => _options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"Parameter group has no option '{key}'.");
        set => _options[key] = Normalize(value);
    }

    /// <summary>True when the group has the option <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _options.ContainsKey(key);

    /// <summary>The option keys in insertion order (without "params").</summary>
    public IEnumerable<string> Keys => _options.Keys;

    /// <summary>Sets <paramref name="key"/> only when the group does not have it yet, Python's <c>dict.setdefault</c>.</summary>
    public void SetDefault(string key, object? value)
    {
        if (!_options.ContainsKey(key)) _options[key] = Normalize(value);
    }

    /// <summary>Removes an option (used when loading a state dict replaces all options).</summary>
    internal void ClearOptions() => _options.Clear();

    /// <summary>The learning rate, <c>group['lr']</c>.</summary>
    public double Lr { get => GetDouble("lr"); set => _options["lr"] = value; }

    /// <summary>The weight decay, <c>group['weight_decay']</c> (not every optimizer has it).</summary>
    public double WeightDecay { get => GetDouble("weight_decay"); set => _options["weight_decay"] = value; }

    /// <summary>A real option as double (ints and floats are accepted).</summary>
    public double GetDouble(string key) => ToDouble(this[key], key);

    /// <summary>An integer option.</summary>
    public int GetInt(string key) => this[key] switch
    {
        int i => i,
        long l => checked((int)l),
        double d when d == Math.Floor(d) => checked((int)d),
        var v => throw new InvalidCastException($"Parameter group option '{key}' is {Describe(v)}, expected an integer."),
    };

    /// <summary>A boolean option.</summary>
    public bool GetBool(string key) => this[key] is bool b ? b : throw new InvalidCastException($"Parameter group option '{key}' is {Describe(this[key])}, expected a bool.");

    /// <summary>A pair option such as <c>"betas"</c>.</summary>
    public (double, double) GetPair(string key)
    {
        var v = this[key];
        return v switch
        {
            double[] { Length: 2 } a => (a[0], a[1]),
            ValueTuple<double, double> t => t,
            _ => throw new InvalidCastException($"Parameter group option '{key}' is {Describe(v)}, expected a pair of numbers."),
        };
    }

    internal static double ToDouble(object? v, string key) => v switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        _ => throw new InvalidCastException($"Parameter group option '{key}' is {Describe(v)}, expected a number."),
    };

    private static object? Normalize(object? value) => value switch
    {
        float f => (double)f,
        ValueTuple<double, double> t => new[] { t.Item1, t.Item2 },
        ValueTuple<float, float> t => new[] { (double)t.Item1, t.Item2 },
        float[] fa => fa.Select(x => (double)x).ToArray(),
        _ => value,
    };

    internal static string Describe(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        double[] a => "(" + string.Join(", ", a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + ")",
        string s => s,
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A copy of the options (values of pairs copied too), used by state dicts.</summary>
    internal OrderedDictionary<string, object?> CopyOptions()
    {
        var d = new OrderedDictionary<string, object?>();
        foreach (var (k, v) in _options) d[k] = v is double[] a ? (double[])a.Clone() : v;
        return d;
    }
}
