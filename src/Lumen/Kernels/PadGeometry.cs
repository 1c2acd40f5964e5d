namespace Lumen.Kernels;

/// <summary>What <see cref="PadKernels"/> needs of one padding: the k padded trailing dimensions before and after, for
/// each the input index every output index reads (−1: the fill value), and the run of the last dimension that is a
/// plain copy (outputs [RunLo, RunHi) read the inputs from RunLo − Shift), so the kernel copies it as a block.</summary>
internal readonly struct PadGeometry
{
    public readonly int[] InDims, OutDims;
    public readonly int[][] Maps;
    public readonly int RunLo, RunHi, Shift;

    /// <param name="inDims">Sizes of the padded trailing dimensions in the input.</param>
    /// <param name="outDims">Their sizes in the output.</param>
    /// <param name="maps">Per padded dimension, the input index of each output index (−1: the fill value).</param>
    /// <param name="lastBefore">Padding before the last dimension (negative: cropped).</param>
    /// <param name="lastAfter">Padding after the last dimension (negative: cropped).</param>
    public PadGeometry(int[] inDims, int[] outDims, int[][] maps, int lastBefore, int lastAfter)
    {
        if (inDims.Length == 0 || outDims.Length != inDims.Length || maps.Length != inDims.Length)
            throw new ArgumentException($"pad: {inDims.Length} input, {outDims.Length} output dimensions and {maps.Length} maps; expected as many, at least one.");
        InDims = inDims; OutDims = outDims; Maps = maps;
        int lastN = inDims[^1];
        RunLo = Math.Max(lastBefore, 0);
        RunHi = Math.Max(RunLo, RunLo + lastN + Math.Min(lastBefore, 0) + Math.Min(lastAfter, 0));
        Shift = lastBefore;
    }

    /// <summary>Number of padded dimensions.</summary>
    public int K => InDims.Length;

    /// <summary>Elements of one padded block in the input and in the output.</summary>
    public int InBlock => Prod(InDims);
    public int OutBlock => Prod(OutDims);

    /// <summary>Blocks in a view whose trailing dimensions are the padded ones: the product of its leading sizes.</summary>
    public int Outer(View<float> v, string what)
    {
        if (v.Rank < K) throw new ArgumentException($"{what}: expected at least {K} dimensions, got shape ({string.Join(", ", v.Shape)}).");
        int outer = 1;
        for (int d = 0; d < v.Rank - K; d++) outer *= v.Size(d);
        return outer;
    }

    private static int Prod(int[] v) { int p = 1; foreach (var x in v) p *= x; return p; }
}
