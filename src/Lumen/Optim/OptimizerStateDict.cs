namespace Lumen.Optim;

/// <summary>
/// An optimizer's state, PyTorch's <c>optimizer.state_dict()</c> layout:
/// <see cref="State"/> maps a parameter's index (its position counted over all groups, in order) to that parameter's
/// state (<c>"step"</c>, <c>"exp_avg"</c>, <c>"momentum_buffer"</c>, …), and <see cref="ParamGroups"/> holds each group's
/// options plus <c>"params"</c>: the <c>int[]</c> of its parameter indices.
/// Values are plain: tensors (copies, not views of the live state), doubles, longs, ints, bools, strings, null,
/// <c>double[]</c> and lists of tensors or doubles, so a checkpoint writer can store them.
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>Per-parameter state keyed by parameter index.</summary>
    public Dictionary<int, Dictionary<string, object?>> State { get; init; } = new();

    /// <summary>Group options with PyTorch's keys; <c>"params"</c> is an <c>int[]</c> of parameter indices.</summary>
    public List<OrderedDictionary<string, object?>> ParamGroups { get; init; } = new();

    /// <summary>The tree PyTorch's <c>optimizer.state_dict()</c> is, for <c>torch.save</c>:
    /// <c>{'state': {0: {'step': …, 'exp_avg': …}, …}, 'param_groups': [{'lr': 0.01, 'betas': (0.9, 0.999), …, 'params': [0, 1]}]}</c>
    /// (plain dicts, int keys, pairs as tuples, indices as a list).</summary>
    public Dictionary<object, object?> ToPyTorch()
    {
        var state = new Dictionary<object, object?>();
        foreach (var (id, s) in State.OrderBy(kv => kv.Key))
        {
            var d = new Dictionary<object, object?>();
            foreach (var (k, v) in s) d[k] = v;
            state[(long)id] = d;
        }
        var groups = new List<object?>();
        foreach (var g in ParamGroups)
        {
            var d = new Dictionary<object, object?>();
            foreach (var (k, v) in g)
                d[k] = v switch
                {
                    double[] pair when k != "params" => pair.Select(x => (object?)x).ToArray(),   // Python tuple
                    int[] ids => ids.Select(i => (object?)(long)i).ToList(),
                    _ => v,
                };
            groups.Add(d);
        }
        return new Dictionary<object, object?> { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>Reads the tree <see cref="ToPyTorch"/> writes, or what <c>torch.load</c> gives for a PyTorch optimizer's
    /// state dict (<see cref="Serialization.PyTorchFile.Load"/>): int keys, tuples of numbers become <c>double[]</c>,
    /// <c>'params'</c> an <c>int[]</c>.</summary>
    /// <exception cref="ArgumentException">The object is not a dict with <c>'state'</c> and <c>'param_groups'</c>.</exception>
    public static OptimizerStateDict FromPyTorch(object? tree)
    {
        if (tree is not System.Collections.IDictionary top || !top.Contains("state") || !top.Contains("param_groups"))
            throw new ArgumentException($"an optimizer state dict is a dict with 'state' and 'param_groups', got {Describe(tree)}.");
        if (top["state"] is not System.Collections.IDictionary state)
            throw new ArgumentException($"optimizer state dict: 'state' is {Describe(top["state"])}, expected a dict.");
        if (top["param_groups"] is not System.Collections.IEnumerable groups || top["param_groups"] is string)
            throw new ArgumentException($"optimizer state dict: 'param_groups' is {Describe(top["param_groups"])}, expected a list.");
        var sd = new OptimizerStateDict();
        foreach (System.Collections.DictionaryEntry e in state)
        {
            int id = e.Key switch
            {
                long l => checked((int)l),
                int i => i,
                _ => throw new ArgumentException($"optimizer state dict: a 'state' key is {Describe(e.Key)}, expected a parameter index."),
            };
            if (e.Value is not System.Collections.IDictionary ps)
                throw new ArgumentException($"optimizer state dict: state[{id}] is {Describe(e.Value)}, expected a dict.");
            var d = new Dictionary<string, object?>();
            foreach (System.Collections.DictionaryEntry kv in ps) d[KeyOf(kv.Key, $"state[{id}]")] = kv.Value;
            sd.State[id] = d;
        }
        int gi = 0;
        foreach (var g in groups)
        {
            if (g is not System.Collections.IDictionary gd)
                throw new ArgumentException($"optimizer state dict: param_groups[{gi}] is {Describe(g)}, expected a dict.");
            var d = new OrderedDictionary<string, object?>();
            foreach (System.Collections.DictionaryEntry kv in gd)
            {
                var k = KeyOf(kv.Key, $"param_groups[{gi}]");
                d[k] = k == "params" ? Indices(kv.Value, gi) : kv.Value is object?[] tuple && tuple.All(IsNumber) ? tuple.Select(Convert.ToDouble).ToArray() : kv.Value;
            }
            sd.ParamGroups.Add(d);
            gi++;
        }
        return sd;
    }

    private static int[] Indices(object? v, int gi) => v is System.Collections.IEnumerable e and not string
        ? e.Cast<object?>().Select(x => x is long or int ? Convert.ToInt32(x) : throw new ArgumentException($"optimizer state dict: param_groups[{gi}]['params'] holds {Describe(x)}, expected indices.")).ToArray()
        : throw new ArgumentException($"optimizer state dict: param_groups[{gi}]['params'] is {Describe(v)}, expected a list of indices.");

    private static string KeyOf(object key, string where) =>
        key as string ?? throw new ArgumentException($"optimizer state dict: {where} has a key {Describe(key)}, expected a string.");

    private static bool IsNumber(object? x) => x is double or float or long or int;

    private static string Describe(object? v) => v == null ? "None" : v.GetType().Name;
}
