namespace Lumen.Serialization;

/// <summary>A PyTorch pickle that refers to a Python global outside Lumen's allow-list (e.g. <c>os.system</c>,
/// <c>builtins.eval</c>). Lumen's unpickler never calls anything: it stops at the reference, before any later
/// opcode is read. (PyTorch's own <c>torch.load(weights_only=True)</c> refuses the same files.)</summary>
public sealed class UnsafePickleException : CheckpointFormatException
{
    /// <summary>The refused global as "module.name", e.g. "posix.system".</summary>
    public string Global { get; }

    /// <summary>Creates the exception for the global <paramref name="module"/>.<paramref name="name"/>.</summary>
    public UnsafePickleException(string filePath, string module, string name)
        : base(filePath, $"the pickle refers to the global '{module}.{name}', which is not on Lumen's allow-list of " +
                         "tensor-rebuilding globals; the file was rejected and nothing in it was executed.")
        => Global = module + "." + name;
}
