namespace Lumen;

/// <summary>
/// The (values, indices) pair returned by <c>Max(dim)</c>, <c>Min(dim)</c>, <c>Sort</c> and <c>Topk</c>, PyTorch's
/// <c>torch.return_types.max</c> etc. Deconstructs like PyTorch's tuple: <c>var (values, indices) = x.Max(1);</c>.
/// <see cref="Values"/> carries the gradient; <see cref="Indices"/> is int64 and never does.
/// </summary>
public readonly record struct ValuesIndices(Tensor Values, Tensor Indices);
