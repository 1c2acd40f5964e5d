using System.Numerics.Tensors;

namespace Lumen.Kernels;

/// <summary>A float binary op in the three span shapes a broadcast row can take, plus a scalar form.</summary>
internal interface IBinaryOp
{
    static abstract float Apply(float a, float b);
    static abstract void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o);
    static abstract void VS(ReadOnlySpan<float> a, float b, Span<float> o);
    static abstract void SV(float a, ReadOnlySpan<float> b, Span<float> o);
}

internal struct AddOp : IBinaryOp
{
    public static float Apply(float a, float b) => a + b;
    public static void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Add(a, b, o);
    public static void VS(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Add(a, b, o);
    public static void SV(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Add(b, a, o);
}

internal struct SubOp : IBinaryOp
{
    public static float Apply(float a, float b) => a - b;
    public static void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Subtract(a, b, o);
    public static void VS(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Subtract(a, b, o);
    public static void SV(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Subtract(a, b, o);
}

internal struct MulOp : IBinaryOp
{
    public static float Apply(float a, float b) => a * b;
    public static void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Multiply(a, b, o);
    public static void VS(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Multiply(a, b, o);
    public static void SV(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Multiply(b, a, o);
}

internal struct DivOp : IBinaryOp
{
    public static float Apply(float a, float b) => a / b;
    public static void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Divide(a, b, o);
    public static void VS(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Divide(a, b, o);
    public static void SV(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Divide(a, b, o);
}

internal struct PowOp : IBinaryOp
{
    // The exponents with a special vector path take it for a lone element too, so a result never depends on the
    // tensor's length (pow(x, 0.5) is sqrt: (−0)^0.5 = −0 and (−∞)^0.5 = NaN, as PyTorch).
    public static float Apply(float a, float b) => b == 2f ? a * a : b == 1f ? a : b == 0.5f ? MathF.Sqrt(a) : MathF.Pow(a, b);
    public static void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) { for (int i = 0; i < o.Length; i++) o[i] = MathF.Pow(a[i], b[i]); }
    public static void VS(ReadOnlySpan<float> a, float b, Span<float> o)
    {
        if (b == 2f) TensorPrimitives.Multiply(a, a, o);
        else if (b == 1f) a.CopyTo(o);
        else if (b == 0.5f) TensorPrimitives.Sqrt(a, o);
        else for (int i = 0; i < o.Length; i++) o[i] = MathF.Pow(a[i], b);
    }
    public static void SV(float a, ReadOnlySpan<float> b, Span<float> o) { for (int i = 0; i < o.Length; i++) o[i] = MathF.Pow(a, b[i]); }
}

internal struct MaxOp : IBinaryOp
{
    // PyTorch's maximum propagates NaN.
    public static float Apply(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Max(a, b);
    public static void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Max(a, b, o);
    public static void VS(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Max(a, b, o);
    public static void SV(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Max(b, a, o);
}

internal struct MinOp : IBinaryOp
{
    public static float Apply(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Min(a, b);
    public static void VV(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Min(a, b, o);
    public static void VS(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Min(a, b, o);
    public static void SV(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Min(b, a, o);
}

/// <summary>Runs a binary op over two strided float operands already broadcast to the output shape.</summary>
internal static class BinaryDriver
{
    /// <summary>
    /// out[i] = op(a[i], b[i]) for every index i of the common shape; a and b are strided views already broadcast to
    /// it (stride 0 along a broadcast dimension), out is contiguous. Adjacent dimensions that are contiguous for all
    /// three are merged first, so <c>[N,C,H,W] + [1,C,1,1]</c> runs as N*C rows of H*W with a scalar right-hand side.
    /// </summary>
    public static void Run<TOp>(View<float> av, View<float> bv, View<float> ov) where TOp : struct, IBinaryOp
    {
        if (!av.Dims.SequenceEqual(bv.Dims))
            throw new ArgumentException($"binary op: operands of shapes ({string.Join(", ", av.Shape)}) and ({string.Join(", ", bv.Shape)}); broadcast them first.");
        ov.SpanOf(av.Numel, "binary op: output");
        float[] a = av.Array, b = bv.Array, o = ov.Array;
        int aOff = av.Offset, bOff = bv.Offset, oOff = ov.Offset;
        var (shape, aStrides, bStrides) = Coalesce(av.Dims, av.StrideSpan, bv.StrideSpan);
        int rank = shape.Length;
        int total = ShapeUtil.NumelInt(shape);
        if (total == 0) return;
        if (rank == 0) { o[oOff] = TOp.Apply(a[aOff], b[bOff]); return; }
        int inner = shape[rank - 1], sa = aStrides[rank - 1], sb = bStrides[rank - 1];
        int rows = total / inner;
        var shp = shape; var ast = aStrides; var bst = bStrides;
        ParallelFor.Run(rows, Math.Max(1, 32768 / Math.Max(inner, 1)), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                // Offsets of row r: decompose the row index over the outer dimensions.
                int rem = r, offA = aOff, offB = bOff;
                for (int d = rank - 2; d >= 0; d--)
                {
                    int i = rem % shp[d]; rem /= shp[d];
                    offA += i * ast[d]; offB += i * bst[d];
                }
                var dst = o.AsSpan(oOff + r * inner, inner);
                if (sa == 1 && sb == 1) TOp.VV(a.AsSpan(offA, inner), b.AsSpan(offB, inner), dst);
                else if (sa == 1 && sb == 0) TOp.VS(a.AsSpan(offA, inner), b[offB], dst);
                else if (sa == 0 && sb == 1) TOp.SV(a[offA], b.AsSpan(offB, inner), dst);
                else for (int i = 0, pa = offA, pb = offB; i < inner; i++, pa += sa, pb += sb) dst[i] = TOp.Apply(a[pa], b[pb]);
            }
        });
    }

    /// <summary>Merges dimension d into d+1 wherever both operands step through it as one run, and drops size-1 dims.</summary>
    internal static (int[] Shape, int[] S1, int[] S2) Coalesce(ReadOnlySpan<int> shape, ReadOnlySpan<int> s1, ReadOnlySpan<int> s2)
    {
        var ns = new List<int>(shape.Length); var n1 = new List<int>(shape.Length); var n2 = new List<int>(shape.Length);
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1) continue;
            if (ns.Count > 0)
            {
                int last = ns.Count - 1;
                if (n1[last] == s1[d] * shape[d] && n2[last] == s2[d] * shape[d])
                {
                    ns[last] *= shape[d]; n1[last] = s1[d]; n2[last] = s2[d];
                    continue;
                }
            }
            ns.Add(shape[d]); n1.Add(s1[d]); n2.Add(s2[d]);
        }
        if (ns.Count == 0 && shape.Length > 0) { ns.Add(1); n1.Add(0); n2.Add(0); }
        return (ns.ToArray(), n1.ToArray(), n2.ToArray());
    }
}
