using System.Collections;

namespace Lumen.NN;

/// <summary>Registered submodules by name, in insertion order, PyTorch's <c>nn.ModuleDict</c>.</summary>
public class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    private readonly OrderedDictionary<string, Module> _items = new();

    public ModuleDict(params (string Name, Module Module)[] modules) { foreach (var (n, m) in modules) this[n] = m; }

    public Module this[string name]
    {
        get => _items.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"ModuleDict has no module '{name}' (has: {string.Join(", ", _items.Keys)}).");
        set { AddModule(name, value); _items[name] = value; }
    }

    public int Count => _items.Count;
    public IEnumerable<string> Keys => _items.Keys;
    public bool ContainsKey(string name) => _items.ContainsKey(name);
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
