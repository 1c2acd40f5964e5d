using System.Numerics.Tensors;

namespace Lumen.Kernels;

/// <summary>
/// Softmax and log-softmax over one dimension of a contiguous tensor viewed as [outer, size, inner] (size = the
/// softmax dimension). The last dimension (inner == 1) runs row by row; any other dimension (dim 1 of NCHW: inner =
/// H·W) runs on blocks of adjacent columns, so every pass is a contiguous SIMD sweep over a row of the block rather
/// than a strided gather. Both subtract the maximum first, so large inputs do not overflow.
/// </summary>
internal static class SoftmaxKernel
{
    /// <summary>Columns per block in the non-last-dim case: small enough that the block's running max and sum stay in L1.</summary>
    private const int ColumnBlock = 512;

    /// <summary>[outer, size, inner] of a view around its dimension <paramref name="dim"/> (a 0-d view is [1, 1, 1]).</summary>
    public static (int Outer, int Size, int Inner) Around(View<float> v, int dim)
    {
        if (v.Rank == 0) return (1, 1, 1);
        if ((uint)dim >= (uint)v.Rank) throw new ArgumentOutOfRangeException(nameof(dim), $"softmax: dimension {dim} of a {v.Rank}-d input.");
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= v.Size(i);
        for (int i = dim + 1; i < v.Rank; i++) inner *= v.Size(i);
        return (outer, v.Size(dim), inner);
    }

    /// <summary>y = softmax(x) (or log_softmax) along dimension <paramref name="dim"/>; x and y contiguous, of one size.</summary>
    public static void Forward(View<float> xv, View<float> yv, int dim, bool log)
    {
        var (outer, size, inner) = Around(xv, dim);
        xv.SpanOf((long)outer * size * inner, "softmax: input");
        yv.SpanOf((long)outer * size * inner, "softmax: output");
        float[] x = xv.Array, y = yv.Array;
        int xOff = xv.Offset, yOff = yv.Offset;
        if (outer == 0 || size == 0 || inner == 0) return;
        if (inner == 1)
        {
            ParallelFor.Run(outer, Math.Max(1, 16384 / size), (a, b) =>
            {
                for (int o = a; o < b; o++) ForwardRow(x.AsSpan(xOff + o * size, size), y.AsSpan(yOff + o * size, size), log);
            });
            return;
        }
        int blocks = (inner + ColumnBlock - 1) / ColumnBlock;
        ParallelFor.Run(outer * blocks, Math.Max(1, 16384 / (size * Math.Min(inner, ColumnBlock))), (a, b) =>
        {
            Span<float> scratch = stackalloc float[2 * ColumnBlock];
            for (int t = a; t < b; t++)
            {
                int o = t / blocks, c0 = t % blocks * ColumnBlock, w = Math.Min(ColumnBlock, inner - c0);
                int baseIndex = o * size * inner + c0;
                ForwardColumns(x, xOff + baseIndex, y, yOff + baseIndex, size, inner, w, log, scratch.Slice(0, w), scratch.Slice(ColumnBlock, w));
            }
        });
    }

    /// <summary>dx from the saved output y and the upstream gradient g (all three contiguous, of one size):
    /// softmax: dx = y·(g − Σ g·y); log_softmax: dx = g − exp(y)·Σ g (sums along dimension <paramref name="dim"/>).</summary>
    public static void Backward(View<float> yv, View<float> gv, View<float> dxv, int dim, bool log)
    {
        var (outer, size, inner) = Around(yv, dim);
        float[] y = yv.Array, g = gv.Array, dx = dxv.Array;
        int yOff = yv.Offset, gOff = gv.Offset, dxOff = dxv.Offset;
        yv.SpanOf((long)outer * size * inner, "softmax backward: output");
        gv.SpanOf((long)outer * size * inner, "softmax backward: output gradient");
        dxv.SpanOf((long)outer * size * inner, "softmax backward: input gradient");
        if (outer == 0 || size == 0 || inner == 0) return;
        if (inner == 1)
        {
            ParallelFor.Run(outer, Math.Max(1, 16384 / size), (a, b) =>
            {
                for (int o = a; o < b; o++)
                    BackwardRow(y.AsSpan(yOff + o * size, size), g.AsSpan(gOff + o * size, size), dx.AsSpan(dxOff + o * size, size), log);
            });
            return;
        }
        int blocks = (inner + ColumnBlock - 1) / ColumnBlock;
        ParallelFor.Run(outer * blocks, Math.Max(1, 16384 / (size * Math.Min(inner, ColumnBlock))), (a, b) =>
        {
            Span<float> scratch = stackalloc float[ColumnBlock];
            for (int t = a; t < b; t++)
            {
                int o = t / blocks, c0 = t % blocks * ColumnBlock, w = Math.Min(ColumnBlock, inner - c0);
                int baseIndex = o * size * inner + c0;
                BackwardColumns(y.AsSpan(yOff + baseIndex), g.AsSpan(gOff + baseIndex), dx.AsSpan(dxOff + baseIndex), size, inner, w, log,
                                scratch.Slice(0, w));
            }
        });
    }

    /// <summary>One contiguous row: m = max x; e = exp(x − m); y = e/Σe, or log form y = x − m − log Σe.</summary>
    private static void ForwardRow(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        if (!log) { TensorPrimitives.Divide(y, sum, y); return; }
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Subtract(y, MathF.Log(sum), y);
    }

    /// <summary>A block of <c>w</c> adjacent columns: element (k, c) sits at base + k·inner + c.</summary>
    private static void ForwardColumns(float[] x, int xBase, float[] y, int yBase, int size, int inner, int w, bool log,
                                       Span<float> max, Span<float> sum)
    {
        x.AsSpan(xBase, w).CopyTo(max);
        for (int k = 1; k < size; k++) TensorPrimitives.Max(max, x.AsSpan(xBase + k * inner, w), max);
        sum.Clear();
        for (int k = 0; k < size; k++)
        {
            var yr = y.AsSpan(yBase + k * inner, w);
            TensorPrimitives.Subtract(x.AsSpan(xBase + k * inner, w), max, yr);
            TensorPrimitives.Exp(yr, yr);
            TensorPrimitives.Add(sum, yr, sum);
        }
        if (!log)
        {
            for (int k = 0; k < size; k++) { var yr = y.AsSpan(yBase + k * inner, w); TensorPrimitives.Divide(yr, sum, yr); }
            return;
        }
        TensorPrimitives.Log(sum, sum);
        for (int k = 0; k < size; k++)
        {
            var yr = y.AsSpan(yBase + k * inner, w);
            TensorPrimitives.Subtract(x.AsSpan(xBase + k * inner, w), max, yr);
            TensorPrimitives.Subtract(yr, sum, yr);
        }
    }

    private static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool log)
    {
        if (!log)
        {
            float s = TensorPrimitives.Dot(g, y);
            TensorPrimitives.Subtract(g, s, dx);
            TensorPrimitives.Multiply(dx, y, dx);
            return;
        }
        float gs = TensorPrimitives.Sum(g);
        TensorPrimitives.Exp(y, dx);
        TensorPrimitives.Multiply(dx, gs, dx);
        TensorPrimitives.Subtract(g, dx, dx);
    }

    private static void BackwardColumns(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int size, int inner, int w,
                                        bool log, Span<float> acc)
    {
        acc.Clear();
        for (int k = 0; k < size; k++)
        {
            int p = k * inner;
            if (log) TensorPrimitives.Add(acc, g.Slice(p, w), acc);
            else TensorPrimitives.MultiplyAdd(g.Slice(p, w), y.Slice(p, w), acc, acc);
        }
        for (int k = 0; k < size; k++)
        {
            int p = k * inner;
            var d = dx.Slice(p, w);
            if (!log)
            {
                TensorPrimitives.Subtract(g.Slice(p, w), acc, d);
                TensorPrimitives.Multiply(d, y.Slice(p, w), d);
            }
            else
            {
                TensorPrimitives.Exp(y.Slice(p, w), d);
                TensorPrimitives.Multiply(d, acc, d);
                TensorPrimitives.Subtract(g.Slice(p, w), d, d);
            }
        }
    }
}
