using System.Collections;

namespace Lumen.NN;

/// <summary>Runs its modules in order, PyTorch's <c>nn.Sequential</c>. Built from a list (named "0", "1", …), from
/// (name, module) pairs, or empty and filled with <see cref="Module.AddModule"/>; indexable and sliceable. As in PyTorch,
/// running, counting, indexing and enumerating see every registered slot: one module added n times runs n times.</summary>
public class Sequential : Module, IEnumerable<Module>
{
    /// <summary>An empty Sequential, filled with <see cref="Module.AddModule"/> (seed 004's layer1).</summary>
    public Sequential() { }

    public Sequential(params Module[] modules)
    {
        for (int i = 0; i < modules.Length; i++) AddModule(i.ToString(), modules[i]);
    }

    public Sequential(params (string Name, Module Module)[] modules)
    {
        foreach (var (name, m) in modules) AddModule(name, m);
    }

    public Sequential(IEnumerable<Module> modules) : this(modules.ToArray()) { }

    public override Tensor Forward(Tensor input)
    {
        foreach (var (_, m) in ModuleSlots()) input = m.Call(input);
        return input;
    }

    /// <summary>Number of modules.</summary>
    public int Count => ModuleSlots().Count();

    /// <summary>The module at <paramref name="index"/> (negative counts from the end).</summary>
    public Module this[int index]
    {
        get
        {
            var list = ModuleSlots().Select(s => s.Module).ToList();
            int i = index < 0 ? index + list.Count : index;
            if (i < 0 || i >= list.Count) throw new IndexOutOfRangeException($"index {index} is out of range for a Sequential of {list.Count} modules.");
            return list[i];
        }
    }

    /// <summary>A new Sequential of the modules in <paramref name="range"/>, keeping their names, as PyTorch's slicing.</summary>
    public Sequential this[Range range]
    {
        get
        {
            var list = ModuleSlots().ToList();
            var (off, len) = range.GetOffsetAndLength(list.Count);
            return new Sequential(list.Skip(off).Take(len).Select(c => (c.Name, c.Module)).ToArray());
        }
    }

    /// <summary>Appends a module named by its position, PyTorch's <c>append</c>.</summary>
    public Sequential Append(Module module) { AddModule(Count.ToString(), module); return this; }

    public IEnumerator<Module> GetEnumerator() => ModuleSlots().Select(s => s.Module).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
