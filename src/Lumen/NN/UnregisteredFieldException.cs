namespace Lumen.NN;

/// <summary>A field of a module holds a Module or Parameter that was never registered, so <c>Parameters()</c>, the
/// state dict and the optimizer would silently skip it. The message names the class, the field and the fix.</summary>
public sealed class UnregisteredFieldException : InvalidOperationException
{
    /// <summary>The class whose field is unregistered.</summary>
    public Type ModuleType { get; }
    /// <summary>The field (or auto-property) name.</summary>
    public string FieldName { get; }

    internal UnregisteredFieldException(Module owner, string field, string heldType, bool isCollection)
        : base(Describe(owner.GetType().Name, field, heldType, isCollection))
    {
        ModuleType = owner.GetType();
        FieldName = field;
    }

    private static string Describe(string owner, string field, string held, bool isCollection)
    {
        var key = SuggestedKey(field);
        var fix = isCollection
            ? $"hold them in a registered container: {field} = RegisterModule(\"{key}\", new ModuleList(...))"
            : held == "Parameter"
                ? $"{field} = RegisterParameter(\"{key}\", ...)"
                : $"{field} = RegisterModule(\"{key}\", new {held}(...))";
        var what = isCollection ? $"lists a {held} that is" : $"holds a {held} that is";
        return $"{owner}.{field} {what} not registered, so Parameters(), StateDict() and the optimizer would not see it. " +
               $"Register it in the constructor: {fix} (PyTorch's key is the attribute name), or mark the field [Unregistered] " +
               $"if it deliberately is not part of {owner}.";
    }

    /// <summary>PyTorch-style key for a C# member name: leading underscores dropped, first letter lower-cased (Conv1 → conv1).</summary>
    private static string SuggestedKey(string field)
    {
        var s = field.TrimStart('_');
        return s.Length == 0 ? field : char.ToLowerInvariant(s[0]) + s[1..];
    }
}
