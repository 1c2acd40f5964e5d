namespace Lumen.NN;

/// <summary>Marks a field that deliberately holds a Module or Parameter which is not part of its module (a frozen
/// teacher, a reference to a layer owned elsewhere), so the unregistered-field check
/// (<see cref="UnregisteredFieldException"/>) leaves it alone.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class UnregisteredAttribute : Attribute { }
