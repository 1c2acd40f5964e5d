using Lumen.NN;

namespace Lumen.Onnx;

/// <summary>
/// A plain container module for one segment of dotted initializer names, so that a graph exported from PyTorch
/// ("layer1.0.conv1.weight") imports with PyTorch's state-dict keys and a <c>.pth</c> of the same network loads into it.
/// </summary>
internal sealed class ImportScope : Module
{
    public ImportScope Child(string name)
    {
        var existing = NamedChildren().FirstOrDefault(c => c.Name == name).Module;
        if (existing is ImportScope scope) return scope;
        if (existing != null) throw new ArgumentException($"'{name}' is already a module of another kind.");
        return RegisterModule(name, new ImportScope());
    }

    public void AddParameter(string name, Parameter p) => RegisterParameter(name, p);

    public void AddBuffer(string name, Tensor t) => RegisterBuffer(name, t);

    public bool Holds(string name) =>
        NamedChildren().Any(c => c.Name == name) || NamedParametersOwn().Any(p => p.Name == name) || NamedBuffers(recurse: false).Any(b => b.Name == name);

    protected override string ReprName => "Scope";
}
