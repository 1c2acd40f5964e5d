namespace Lumen.Onnx;

/// <summary>A graph input or output as the file declares it.</summary>
/// <param name="Name">The value's name in the graph.</param>
/// <param name="Shape">Its dimensions, −1 where the file gives a symbolic or no size; null when the file gives no shape.
/// Lumen checks an input's rank and every fixed size except the first: the batch dimension is always free (files
/// exported for batch 1, like CNTK's ResNet-18, run any batch).</param>
public sealed record OnnxValueInfo(string Name, int[]? Shape);
