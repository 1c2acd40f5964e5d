using System.Collections;
using Lumen.Optim;
using Lumen.Serialization.Pickle;

namespace Lumen.Serialization;

/// <summary>
/// A checkpoint dict read back from a <c>.pt</c>/<c>.pth</c> file, what PyTorch's <c>torch.load(path)</c> returns for
/// <c>torch.save({'params': model.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 3}, path)</c>:
/// <code>
/// var ckpt = Torch.LoadCheckpoint(path);
/// model.LoadStateDict(ckpt.StateDict("params"));           // model.load_state_dict(ckpt['params'])
/// opt.LoadStateDict(ckpt.OptimizerStateDict("optimizer")); // opt.load_state_dict(ckpt['optimizer'])
/// int epoch = ckpt.Get&lt;int&gt;("epoch");                      // ckpt['epoch']
/// </code>
/// The raw values (see <see cref="PyTorchFile"/> for how Python types map) are there through the indexer. Files written
/// by PyTorch and by <see cref="Torch.Save(object?, string)"/> read the same way.
/// </summary>
public sealed class CheckpointDict : IReadOnlyDictionary<string, object?>
{
    private readonly OrderedDictionary<string, object?> _entries = new();
    private readonly string _source;

    internal CheckpointDict(object? loaded, string source)
    {
        _source = source;
        if (loaded is not IDictionary d)
            throw new CheckpointFormatException(source, $"the file holds a {Unpickler.TypeName(loaded)}, not a dict (use PyTorchFile.Load for other objects).");
        foreach (DictionaryEntry e in d)
            _entries[e.Key as string ?? throw new CheckpointFormatException(source, $"the checkpoint has a non-string key {e.Key} (use PyTorchFile.Load).")] = e.Value;
    }

    /// <summary>The raw value under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">The key is absent; the message lists the keys there are.</exception>
    public object? this[string key] => _entries.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"{_source} has no key '{key}'; its keys are: {string.Join(", ", _entries.Keys.Select(k => $"'{k}'"))}.");

    /// <summary>The state dict under <paramref name="key"/>, for <c>model.LoadStateDict(...)</c>.</summary>
    public OrderedDictionary<string, Tensor> StateDict(string key)
    {
        var raw = this[key];
        if (raw is not IDictionary d) throw new ArgumentException($"{_source}['{key}'] is a {Unpickler.TypeName(raw)}, not a state dict.");
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (DictionaryEntry e in d)
            sd[e.Key as string ?? throw new ArgumentException($"{_source}['{key}'] has a non-string key.")] =
                e.Value as Tensor ?? throw new ArgumentException($"{_source}['{key}']['{e.Key}'] is a {Unpickler.TypeName(e.Value)}, not a tensor.");
        return sd;
    }

    /// <summary>The optimizer state under <paramref name="key"/>, for <c>optimizer.LoadStateDict(...)</c>.</summary>
    public OptimizerStateDict OptimizerStateDict(string key)
    {
        try { return Optim.OptimizerStateDict.FromPyTorch(this[key]); }
        catch (ArgumentException ex) { throw new ArgumentException($"{_source}['{key}']: {ex.Message}", ex); }
    }

    /// <summary>A number, string, bool or tensor under <paramref name="key"/> as <typeparamref name="T"/> (Python ints
    /// load as long and floats as double; <c>Get&lt;int&gt;</c> and <c>Get&lt;float&gt;</c> convert).</summary>
    public T Get<T>(string key)
    {
        var raw = this[key];
        if (raw is T t) return t;
        if (raw is IConvertible && typeof(IConvertible).IsAssignableFrom(typeof(T)))
            return (T)Convert.ChangeType(raw, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidCastException($"{_source}['{key}'] is a {Unpickler.TypeName(raw)}, not a {typeof(T).Name}.");
    }

    public IEnumerable<string> Keys => _entries.Keys;
    public IEnumerable<object?> Values => _entries.Values;
    public int Count => _entries.Count;
    public bool ContainsKey(string key) => _entries.ContainsKey(key);
    public bool TryGetValue(string key, out object? value) => _entries.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
