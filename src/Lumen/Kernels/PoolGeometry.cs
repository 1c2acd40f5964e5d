namespace Lumen.Kernels;

/// <summary>The geometry of one pooling plane, always in three spatial dimensions (depth, height, width): 2-d pooling
/// is 3-d pooling with depth 1, kernel 1, stride 1, padding 0 and dilation 1 along depth, so one kernel serves both.
/// Flat indices inside a plane are <c>d·H·W + h·W + w</c>, PyTorch's per-plane max-pool indices.</summary>
internal readonly struct PoolGeometry
{
    public readonly int InD, InH, InW, OutD, OutH, OutW;
    public readonly int KD, KH, KW, SD, SH, SW, PD, PH, PW, DD, DH, DW;

    /// <summary>Arrays are (depth, height, width); pass 1s and 0s for the missing depth of a 2-d pool.</summary>
    public PoolGeometry(ReadOnlySpan<int> inSize, ReadOnlySpan<int> outSize, ReadOnlySpan<int> kernel,
                        ReadOnlySpan<int> stride, ReadOnlySpan<int> padding, ReadOnlySpan<int> dilation)
    {
        InD = inSize[0]; InH = inSize[1]; InW = inSize[2];
        OutD = outSize[0]; OutH = outSize[1]; OutW = outSize[2];
        KD = kernel[0]; KH = kernel[1]; KW = kernel[2];
        SD = stride[0]; SH = stride[1]; SW = stride[2];
        PD = padding[0]; PH = padding[1]; PW = padding[2];
        DD = dilation[0]; DH = dilation[1]; DW = dilation[2];
    }

    private static readonly int[] Zeros = { 0, 0, 0 }, Ones = { 1, 1, 1 };

    /// <summary>An adaptive pool's geometry: the sizes alone (each window follows from them, see
    /// <see cref="PoolKernels.AdaptiveWindow"/>); kernel, stride and padding 0, dilation 1.</summary>
    public static PoolGeometry Adaptive(ReadOnlySpan<int> inSize, ReadOnlySpan<int> outSize) =>
        new(inSize, outSize, Zeros, Zeros, Zeros, Ones);

    public int InPlane => InD * InH * InW;
    public int OutPlane => OutD * OutH * OutW;

    /// <summary>True for the 2×2, stride-2, unpadded, undilated 2-d pool whose windows all lie inside the input
    /// (the case CNNs use most), which has a vectorised kernel.</summary>
    public bool Is2x2Stride2 =>
        KD == 1 && OutD == InD && SD == 1 && PD == 0 && KH == 2 && KW == 2 && SH == 2 && SW == 2 && PH == 0 && PW == 0 &&
        DH == 1 && DW == 1 && 2 * OutH <= InH && 2 * OutW <= InW;

    /// <summary>True for the 2×2×2, stride-2, unpadded, undilated 3-d pool whose windows all lie inside the input.</summary>
    public bool Is2x2x2Stride2 =>
        KD == 2 && SD == 2 && PD == 0 && DD == 1 && KH == 2 && KW == 2 && SH == 2 && SW == 2 && PH == 0 && PW == 0 &&
        DH == 1 && DW == 1 && 2 * OutD <= InD && 2 * OutH <= InH && 2 * OutW <= InW;
}
