namespace Lumen.NN;

/// <summary>Shared input check of the pooling and upsampling modules: errors name the module (its repr) and the
/// input's shape.</summary>
internal static class PoolModule
{
    /// <summary>Throws unless <paramref name="input"/> has nd + 1 (unbatched) or nd + 2 (batched) dimensions.</summary>
    public static void CheckRank(Module m, Tensor input, int nd, string layout)
    {
        int r = input.Ndim;
        if (r == nd + 1 || r == nd + 2) return;
        throw new ShapeMismatchException($"{m} got input {input.Shape}: expected {nd + 1}-D (C, {layout}) or {nd + 2}-D (N, C, {layout}) input.");
    }

    /// <summary>Throws when a pool built with <c>returnIndices: true</c> is run through the values-only
    /// <see cref="Module.Call(Tensor)"/>: PyTorch's call returns (values, indices) there, and silently dropping the indices
    /// would hide them from a ported <c>values, indices = pool(x)</c>.</summary>
    public static void RejectValuesOnlyCall(Module m, bool returnIndices)
    {
        if (returnIndices)
            throw new InvalidOperationException(
                $"{m.GetType().Name} was built with returnIndices: true, so PyTorch's pool(x) returns (values, indices): " +
                "call pool.CallWithIndices(x) (var (values, indices) = pool.CallWithIndices(x)); Call(x) would drop the indices.");
    }

    /// <summary>Python's bool repr.</summary>
    public static string Py(bool b) => b ? "True" : "False";
}
