namespace Lumen;

/// <summary>Walks strided views in row-major order, one innermost row at a time, so kernels can see
/// contiguous runs (candle's contiguous-block decomposition).</summary>
internal static class Strided
{
    /// <summary>Calls <paramref name="row"/>(storageOffset, outputIndex) for each innermost row of a view with
    /// shape <paramref name="shape"/>; the row has length shape[^1] and stride strides[^1].</summary>
    public static void ForEachRow(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, int offset, Action<int, int> row)
    {
        int rank = shape.Length;
        if (rank == 0) { row(offset, 0); return; }
        long total = ShapeUtil.Numel(shape);
        if (total == 0) return;
        int inner = shape[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int off = offset, outIndex = 0;
        while (true)
        {
            row(off, outIndex);
            outIndex += inner;
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }

    /// <summary>Copies a strided view into a contiguous destination.</summary>
    public static void Gather<T>(T[] src, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, int offset, Span<T> dst)
    {
        int rank = shape.Length;
        if (rank == 0) { dst[0] = src[offset]; return; }
        long total = ShapeUtil.Numel(shape);
        if (total == 0) return;
        if (IsContiguous(shape, strides)) { src.AsSpan(offset, (int)total).CopyTo(dst); return; }
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int off = offset, o = 0;
        while (true)
        {
            if (innerStride == 1) { src.AsSpan(off, inner).CopyTo(dst.Slice(o, inner)); o += inner; }
            else for (int i = 0, p = off; i < inner; i++, p += innerStride) dst[o++] = src[p];
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }

    /// <summary>Copies a contiguous source into a strided view (the inverse of <see cref="Gather{T}"/>).</summary>
    public static void Scatter<T>(ReadOnlySpan<T> src, T[] dst, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, int offset)
    {
        int rank = shape.Length;
        if (rank == 0) { dst[offset] = src[0]; return; }
        long total = ShapeUtil.Numel(shape);
        if (total == 0) return;
        if (IsContiguous(shape, strides)) { src.Slice(0, (int)total).CopyTo(dst.AsSpan(offset)); return; }
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int off = offset, o = 0;
        while (true)
        {
            if (innerStride == 1) { src.Slice(o, inner).CopyTo(dst.AsSpan(off, inner)); o += inner; }
            else for (int i = 0, p = off; i < inner; i++, p += innerStride) dst[p] = src[o++];
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }

    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>Strides that read a tensor of shape <paramref name="from"/> (with <paramref name="fromStrides"/>)
    /// as if broadcast to <paramref name="to"/>: stride 0 along broadcast dimensions.</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> from, ReadOnlySpan<int> fromStrides, ReadOnlySpan<int> to)
    {
        var r = new int[to.Length];
        int lead = to.Length - from.Length;
        for (int i = 0; i < to.Length; i++)
        {
            if (i < lead) { r[i] = 0; continue; }
            int d = from[i - lead];
            r[i] = d == 1 && to[i] != 1 ? 0 : fromStrides[i - lead];
        }
        return r;
    }
}
