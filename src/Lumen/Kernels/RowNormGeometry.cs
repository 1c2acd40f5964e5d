namespace Lumen.Kernels;

/// <summary>How layer and group norm see a contiguous input (<see cref="NormKernels"/>): <see cref="Rows"/> rows of
/// <see cref="Len"/> floats, each normalised on its own, made of Len / <see cref="Seg"/> segments that share one affine
/// channel; row r, segment k uses channel (r mod <see cref="Groups"/>)·(Len / Seg) + k. Group norm: Seg = H·W; layer
/// norm: Seg = 1, Groups = 1 (the affine weight runs along the row).</summary>
internal readonly record struct RowNormGeometry(int Rows, int Len, int Seg, int Groups)
{
    /// <summary>Segments per row.</summary>
    public int Segs => Len / Math.Max(Seg, 1);

    /// <summary>Affine channels: Groups · Segs.</summary>
    public int Channels => Groups * Segs;
}
