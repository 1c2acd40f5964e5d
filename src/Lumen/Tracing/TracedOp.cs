namespace Lumen.Tracing;

/// <summary>One traced op: PyTorch's ATen name (<c>add</c>, <c>add_</c>, <c>relu</c>, <c>view</c>, <c>flatten</c>,
/// <c>cat</c>, <c>max_pool2d</c>, <c>dropout</c>, <c>interpolate</c>, …), the tensors it read, the tensor it returned, and
/// its non-tensor arguments by PyTorch's parameter names (<c>alpha</c>, <c>shape</c>, <c>kernel_size</c>, …).</summary>
public sealed record TracedOp(string Name, IReadOnlyList<Tensor> Inputs, Tensor Output, IReadOnlyDictionary<string, object?> Attributes)
{
    /// <summary>The argument <paramref name="key"/>, or an error naming the op when it was not recorded.</summary>
    public T Get<T>(string key) => Attributes.TryGetValue(key, out var v) && v is T t ? t
        : throw new KeyNotFoundException($"traced op '{Name}' has no argument '{key}' of type {typeof(T).Name}.");
}
