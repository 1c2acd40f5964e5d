using System.Collections;

namespace Lumen.NN;

/// <summary>A list of registered submodules named "0", "1", …, PyTorch's <c>nn.ModuleList</c>. It has no Forward:
/// the owner decides how to call them.</summary>
public class ModuleList : Module, IEnumerable<Module>
{
    private readonly List<Module> _items = new();

    public ModuleList(params Module[] modules) { foreach (var m in modules) Append(m); }
    public ModuleList(IEnumerable<Module> modules) : this(modules.ToArray()) { }

    public ModuleList Append(Module module) { AddModule(_items.Count.ToString(), module); _items.Add(module); return this; }
    public ModuleList Extend(IEnumerable<Module> modules) { foreach (var m in modules) Append(m); return this; }
    public int Count => _items.Count;
    public Module this[int index] => _items[index < 0 ? index + _items.Count : index];
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
