namespace Lumen.Kernels;

/// <summary>
/// Padding by index maps (constant, reflect, replicate and circular padding share it): a contiguous tensor is viewed as
/// <c>outer</c> blocks of the k padded trailing dimensions; along padded dimension d, output index o reads input
/// index <c>maps[d][o]</c>, or the fill value where that is −1. The backward pass adds each output gradient onto the
/// input element it was read from (several outputs read the same input under reflect/replicate/circular).
/// Along the last dimension, outputs [runLo, runHi) read the input run starting at runLo − shift and are copied as a block.
/// </summary>
internal static class PadKernels
{
    /// <summary>y (outer × outDims, contiguous) from x (outer × inDims, contiguous), every element written.</summary>
    public static void Forward(View<float> xv, View<float> yv, in PadGeometry geo, float value)
    {
        int outer = geo.Outer(xv, "pad: input"), inBlock = geo.InBlock, outBlock = geo.OutBlock;
        xv.SpanOf((long)outer * inBlock, "pad: input");
        yv.SpanOf((long)outer * outBlock, "pad: output");
        float[] x = xv.Array, y = yv.Array;
        int xOff = xv.Offset, yOff = yv.Offset;
        int[] inDims = geo.InDims, outDims = geo.OutDims;
        int[][] maps = geo.Maps;
        int runLo = geo.RunLo, runHi = geo.RunHi, shift = geo.Shift;
        if (outBlock == 0 || outer == 0) return;
        var inStrides = Strides(inDims);
        int k = inDims.Length, last = outDims[k - 1], rows = outBlock / last;
        var lastMap = maps[k - 1];
        ParallelFor.Run(outer, Math.Max(1, 32768 / outBlock), (b0, b1) =>
        {
            var idx = new int[k];
            for (int b = b0; b < b1; b++)
            {
                Array.Clear(idx);
                int src = xOff + b * inBlock;
                for (int r = 0; r < rows; r++)
                {
                    var dst = y.AsSpan(yOff + b * outBlock + r * last, last);
                    int rowBase = RowBase(maps, idx, inStrides, k);
                    if (rowBase < 0) dst.Fill(value);
                    else
                    {
                        var xs = x.AsSpan(src + rowBase, inDims[k - 1]);
                        for (int j = 0; j < runLo; j++) { int m = lastMap[j]; dst[j] = m < 0 ? value : xs[m]; }
                        if (runHi > runLo) xs.Slice(runLo - shift, runHi - runLo).CopyTo(dst.Slice(runLo));
                        for (int j = runHi; j < last; j++) { int m = lastMap[j]; dst[j] = m < 0 ? value : xs[m]; }
                    }
                    Next(idx, outDims, k);
                }
            }
        });
    }

    /// <summary>dx (outer × inDims, contiguous, overwritten) = the adjoint of <see cref="Forward"/> applied to dy
    /// (outer × outDims, contiguous).</summary>
    public static void Backward(View<float> dyv, View<float> dxv, in PadGeometry geo)
    {
        int outer = geo.Outer(dxv, "pad backward: input gradient"), inBlock = geo.InBlock, outBlock = geo.OutBlock;
        dyv.SpanOf((long)outer * outBlock, "pad backward: output gradient");
        dxv.SpanOf((long)outer * inBlock, "pad backward: input gradient").Clear();
        float[] dy = dyv.Array, dx = dxv.Array;
        int dyOff = dyv.Offset, dxOff = dxv.Offset;
        int[] inDims = geo.InDims, outDims = geo.OutDims;
        int[][] maps = geo.Maps;
        if (outBlock == 0 || outer == 0) return;
        var inStrides = Strides(inDims);
        int k = inDims.Length, last = outDims[k - 1], rows = outBlock / last;
        var lastMap = maps[k - 1];
        ParallelFor.Run(outer, Math.Max(1, 32768 / outBlock), (b0, b1) =>
        {
            var idx = new int[k];
            for (int b = b0; b < b1; b++)
            {
                Array.Clear(idx);
                var dxb = dx.AsSpan(dxOff + b * inBlock, inBlock);
                for (int r = 0; r < rows; r++)
                {
                    int rowBase = RowBase(maps, idx, inStrides, k);
                    if (rowBase >= 0)
                    {
                        var g = dy.AsSpan(dyOff + b * outBlock + r * last, last);
                        var d = dxb.Slice(rowBase);
                        for (int j = 0; j < last; j++) { int m = lastMap[j]; if (m >= 0) d[m] += g[j]; }
                    }
                    Next(idx, outDims, k);
                }
            }
        });
    }

    /// <summary>Input offset of the row at output index <paramref name="idx"/> (last entry ignored), −1 in the fill.</summary>
    private static int RowBase(int[][] maps, int[] idx, int[] inStrides, int k)
    {
        int off = 0;
        for (int d = 0; d < k - 1; d++)
        {
            int m = maps[d][idx[d]];
            if (m < 0) return -1;
            off += m * inStrides[d];
        }
        return off;
    }

    /// <summary>Advances the row index over dims 0..k−2 in row-major order.</summary>
    private static void Next(int[] idx, int[] dims, int k)
    {
        for (int d = k - 2; d >= 0; d--)
        {
            if (++idx[d] < dims[d]) return;
            idx[d] = 0;
        }
    }

    private static int[] Strides(int[] dims)
    {
        var s = new int[dims.Length];
        for (int i = dims.Length - 1, acc = 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }
}
