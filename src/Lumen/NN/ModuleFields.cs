using System.Collections.Concurrent;
using System.Reflection;

namespace Lumen.NN;

/// <summary>Finds Module and Parameter fields that a module forgot to register. PyTorch registers by attribute
/// assignment; Lumen registers explicitly (keys and order must be PyTorch's), so a forgotten
/// <c>RegisterModule</c> would otherwise leave a layer out of <c>Parameters()</c>, the state dict and the optimizer
/// without a word. The fields to look at are found once per type (reflection is cached); each instance is checked at
/// its first <c>Call</c> or parameter walk.</summary>
internal static class ModuleFields
{
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Cache = new();

    /// <summary>Returns false when a Module/Parameter field is still null (check again later); sets
    /// <paramref name="problem"/> for the first field whose value is not registered in <paramref name="m"/>'s tree.</summary>
    public static bool Check(Module m, out UnregisteredFieldException? problem)
    {
        problem = null;
        var fields = Cache.GetOrAdd(m.GetType(), Find);
        if (fields.Length == 0) return true;
        bool complete = true;
        (HashSet<object> Modules, HashSet<object> Parameters)? registered = null;
        foreach (var f in fields)
        {
            var value = f.GetValue(m);
            if (value == null) { complete = false; continue; }
            registered ??= m.Registered();
            var (mods, pars) = registered.Value;
            switch (value)
            {
                case Module sub when !ReferenceEquals(sub, m) && !mods.Contains(sub):
                    problem = new UnregisteredFieldException(m, FieldName(f), sub.GetType().Name, false);
                    return false;
                case Parameter p when !pars.Contains(p):
                    problem = new UnregisteredFieldException(m, FieldName(f), "Parameter", false);
                    return false;
                case Module or Tensor:
                    break;
                case System.Collections.IEnumerable list:
                    foreach (var item in list)
                        if ((item is Module sm && !mods.Contains(sm)) || (item is Parameter ip && !pars.Contains(ip)))
                        {
                            problem = new UnregisteredFieldException(m, FieldName(f), item.GetType().Name, true);
                            return false;
                        }
                    break;
            }
        }
        return complete;
    }

    /// <summary>Instance fields declared by the module's own classes (not <see cref="Module"/>'s bookkeeping) whose static
    /// type can hold a Module or a Parameter: a Module or Tensor type, or a collection of them (arrays, lists).</summary>
    private static FieldInfo[] Find(Type type)
    {
        var found = new List<FieldInfo>();
        for (var t = type; t != null && t != typeof(Module); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (f.GetCustomAttribute<UnregisteredAttribute>() == null && CanHold(f.FieldType)) found.Add(f);
        return found.ToArray();
    }

    private static bool CanHold(Type ft)
    {
        if (typeof(Module).IsAssignableFrom(ft) || typeof(Tensor).IsAssignableFrom(ft)) return true;
        if (ft == typeof(string)) return false;
        foreach (var i in ft.IsInterface ? ft.GetInterfaces().Append(ft) : ft.GetInterfaces())
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                var e = i.GetGenericArguments()[0];
                if (typeof(Module).IsAssignableFrom(e) || typeof(Tensor).IsAssignableFrom(e)) return true;
            }
        return false;
    }

    /// <summary>The C# name of a field (an auto-property's name for its backing field).</summary>
    private static string FieldName(FieldInfo f) =>
        f.Name.StartsWith('<') && f.Name.Contains(">k__BackingField") ? f.Name[1..f.Name.IndexOf('>')] : f.Name;
}
