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

    /// <summary>Python's bool repr.</summary>
    public static string Py(bool b) => b ? "True" : "False";
}
