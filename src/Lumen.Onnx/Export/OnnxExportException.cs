namespace Lumen.Onnx.Export;

/// <summary>A module or op that the ONNX exporter cannot write (an unsupported layer, configuration or tensor operation).
/// The message names the module path (dotted, as in the state dict; "" is the model itself), its type and what is not
/// supported; the same facts are in <see cref="ModulePath"/>, <see cref="ModuleType"/> and <see cref="Op"/>.</summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Dotted path of the module that was running (e.g. <c>layer1.0.conv1</c>; "" for the model itself).</summary>
    public string ModulePath { get; }
    /// <summary>The module's type name (e.g. <c>Conv2d</c>).</summary>
    public string ModuleType { get; }
    /// <summary>The op or layer that cannot be exported (an ATen name such as <c>softmax</c>, a grad_fn name such as
    /// <c>ExpBackward0</c>, or the module's type).</summary>
    public string Op { get; }

    public OnnxExportException(string modulePath, string moduleType, string op, string problem)
        : base($"ONNX export: module '{(modulePath.Length == 0 ? "(model)" : modulePath)}' ({moduleType}): {problem}")
    {
        ModulePath = modulePath;
        ModuleType = moduleType;
        Op = op;
    }
}
