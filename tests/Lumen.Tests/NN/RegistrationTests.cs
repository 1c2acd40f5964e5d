using System.Reflection;
using Lumen.NN;
using Module = Lumen.NN.Module;
using Xunit;

namespace Lumen.Tests.NN;

/// <summary>Every shipped module registers the submodules and parameters it holds in fields, so NamedParameters(),
/// StateDict() and optimizers see them (reflective registration that silently misses is what Lumen avoids).</summary>
public class RegistrationTests
{
    /// <summary>Modules whose required arguments the generic factory below cannot guess.</summary>
    private static readonly Dictionary<Type, Func<Module>> Explicit = new()
    {
        [typeof(Unflatten)] = () => new Unflatten(1, new[] { 2, 2 }),
        [typeof(GroupNorm)] = () => new GroupNorm(2, 4),
        [typeof(LayerNorm)] = () => new LayerNorm(new[] { 4 }),
        [typeof(ModuleDict)] = () => new ModuleDict(("a", new Identity()), ("b", new ReLU())),
        [typeof(ModuleList)] = () => new ModuleList(new Identity(), new ReLU()),
        [typeof(Sequential)] = () => new Sequential(new Identity(), new ReLU()),
    };

    public static IEnumerable<Type> ShippedModuleTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract && typeof(Module).IsAssignableFrom(t));

    public static Module Create(Type t)
    {
        if (Explicit.TryGetValue(t, out var make)) return make();
        var ctor = t.GetConstructors().OrderBy(c => c.GetParameters().Count(p => !p.HasDefaultValue)).First();
        var args = ctor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : Guess(p.ParameterType)).ToArray();
        return (Module)ctor.Invoke(args);
    }

    private static object? Guess(Type type)
    {
        if (type == typeof(int)) return 4;
        if (type == typeof(long)) return 4L;
        if (type == typeof(float)) return 0.5f;
        if (type == typeof(double)) return 0.5;
        if (type == typeof(bool)) return true;
        if (type == typeof(int[])) return new[] { 4 };
        if (type == typeof(Module[])) return new Module[] { new Identity() };
        if (type == typeof(Tensor)) return Torch.Ones(4);
        var fromInt = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
                          .FirstOrDefault(m => m.Name == "op_Implicit" && m.ReturnType == type && m.GetParameters().Single().ParameterType == typeof(int));
        if (fromInt != null) return fromInt.Invoke(null, new object[] { 2 });
        throw new NotSupportedException($"no guess for a {type.Name} argument");
    }

    [Fact]
    public void Every_module_and_parameter_field_of_every_shipped_module_is_registered()
    {
        var problems = new List<string>();
        foreach (var type in ShippedModuleTypes(typeof(Module).Assembly))
        {
            Module m;
            try { m = Create(type); }
            catch (Exception e) { problems.Add($"{type.Name}: could not construct ({(e.InnerException ?? e).Message}); add it to Explicit"); continue; }
            problems.AddRange(UnregisteredFields(m));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Fields (of the type and its bases, auto-property backing fields included) holding a Module or a
    /// Parameter that the module did not register.</summary>
    public static IEnumerable<string> UnregisteredFields(Module m)
    {
        var children = m.Children().ToHashSet(ReferenceEqualityComparer.Instance);
        var parameters = m.NamedParametersOwn().Select(p => (object)p.Parameter).ToHashSet(ReferenceEqualityComparer.Instance);
        for (var t = m.GetType(); t != null && t != typeof(Module); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var value = f.GetValue(m);
                if (value is Module sub && !children.Contains(sub)) yield return $"{m.GetType().Name}.{f.Name} holds an unregistered {sub.GetType().Name}";
                if (value is Parameter p && !parameters.Contains(p)) yield return $"{m.GetType().Name}.{f.Name} holds an unregistered Parameter";
                if (value is IEnumerable<Module> list && value is not Module)
                    foreach (var item in list)
                        if (!children.Contains(item)) yield return $"{m.GetType().Name}.{f.Name} lists an unregistered {item.GetType().Name}";
            }
    }

    [Fact]
    public void The_check_catches_a_forgotten_registration()
    {
        Assert.Single(UnregisteredFields(new Forgetful()));
    }

    private sealed class Forgetful : Module
    {
        public readonly Linear Kept;
        public readonly Linear Forgotten = new(2, 2);
        public Forgetful() { Kept = RegisterModule("registered", new Linear(2, 2)); }
    }
}
