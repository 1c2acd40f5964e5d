using System.Numerics;
using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen;

// Sorting: sort, argsort, topk. Every sort here is stable (equal values keep their original order, in both directions),
// which is what PyTorch 1.13's CPU kernel gives; NaN sorts as the largest value, as in PyTorch.
public partial class Tensor
{
    /// <summary>The values sorted along <paramref name="dim"/> and the int64 indices they came from, PyTorch's
    /// <c>sort(dim=-1, descending=False, stable=False)</c>. Always stable here, as PyTorch's CPU sort is, so
    /// <paramref name="stable"/> only picks PyTorch's grad_fn name (SortBackward1 when stable, else SortBackward0).</summary>
    public ValuesIndices Sort(int dim = -1, bool descending = false, bool stable = false) =>
        SortCore(dim, descending, k: -1, "sort", stable ? "SortBackward1" : "SortBackward0");

    /// <summary>The indices that sort the tensor along <paramref name="dim"/>, PyTorch's <c>argsort(dim=-1, descending=False)</c>.</summary>
    public Tensor Argsort(int dim = -1, bool descending = false, bool stable = false) =>
        Detach().SortCore(dim, descending, k: -1, "argsort", "SortBackward0").Indices;

    /// <summary>The <paramref name="k"/> largest (or smallest) values along <paramref name="dim"/> and their int64 indices,
    /// PyTorch's <c>topk(k, dim=-1, largest=True, sorted=True)</c>: (…, n, …) → (…, k, …). The result is always sorted
    /// (best first); ties keep the lower index first (grad_fn TopkBackward0).</summary>
    public ValuesIndices Topk(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        int size = Ndim == 0 ? 1 : _shape[d];
        if (k < 0 || k > size)
            throw new ArgumentOutOfRangeException(nameof(k), $"topk(): k ({k}) is out of range for dimension {dim} of size {size} (input shape {Shape}).");
        return SortCore(dim, descending: largest, k, "topk", "TopkBackward0");
    }

    private ValuesIndices SortCore(int dim, bool descending, int k, string op, string gradFn)
    {
        if (DType == DType.Bool)
        {
            var (v, i) = Byte().SortCore(dim, descending, k, op, gradFn);
            return new ValuesIndices(v.Bool(), i);
        }
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        var (outer, n, inner) = DimLayout(_shape, d);
        if (k < 0) k = n;
        var outShape = (int[])_shape.Clone();
        if (Ndim > 0) outShape[d] = k;
        var values = Empty(outShape, DType, zero: false);
        var indices = Empty(outShape, DType.Int64, zero: false);
        switch (DType)
        {
            case DType.Float32 when k < n && k <= 64:
                TopkKernel(Dense<float>(out int o0), o0, outer, n, inner, k, descending, values.F32, indices.I64); break;
            case DType.Float32: SortKernelF32(Dense<float>(out int o1), o1, outer, n, inner, k, descending, values.F32, indices.I64); break;
            case DType.Int64: SortKernel(Dense<long>(out int o2), o2, outer, n, inner, k, descending, values.I64, indices.I64); break;
            case DType.UInt8: SortKernel(Dense<byte>(out int o3), o3, outer, n, inner, k, descending, values.U8, indices.I64); break;
        }
        if (DType != DType.Float32) return new ValuesIndices(values, indices);
        var inShape = _shape;
        var idx = indices;
        Graph.Record(values, gradFn, new[] { this }, g => new[] { ValueSelectingBackward(g, idx, d, keepDim: true, inShape) }, idx);
        return new ValuesIndices(values, indices);
    }

    /// <summary>Sorts each lane (o, ·, i) of an [outer, n, inner] block and writes its first <paramref name="k"/> entries to
    /// [outer, k, inner] outputs.</summary>
    private static void SortKernel<T>(T[] x, int off, int outer, int n, int inner, int k, bool descending, T[] values, long[] indices)
        where T : INumber<T>
    {
        int lanes = outer * inner;
        ParallelFor.Run(lanes, Math.Max(1, 4096 / Math.Max(n, 1)), (a, b) =>
        {
            var lane = new SortEntry<T>[n];
            for (int l = a; l < b; l++)
            {
                int o = l / inner, i = l % inner;
                int src = off + o * n * inner + i;
                for (int j = 0; j < n; j++) lane[j] = new SortEntry<T>(x[src + j * inner], j);
                if (descending) lane.AsSpan().Sort(new Descending<T>());
                else lane.AsSpan().Sort(new Ascending<T>());
                int dst = o * k * inner + i;
                for (int j = 0; j < k; j++) { values[dst + j * inner] = lane[j].Value; indices[dst + j * inner] = lane[j].Index; }
            }
        });
    }

    /// <summary>The float sort: NaNs set aside (they are the largest values), the rest sorted by Array.Sort's primitive-key
    /// introsort (negated for descending), then each run of equal keys put back in index order, which makes it stable.</summary>
    private static void SortKernelF32(float[] x, int off, int outer, int n, int inner, int k, bool descending, float[] values, long[] indices)
    {
        int lanes = outer * inner;
        ParallelFor.Run(lanes, Math.Max(1, 4096 / Math.Max(n, 1)), (a, b) =>
        {
            var keys = new float[n];
            var items = new int[n];
            var nanIdx = new int[n];
            for (int l = a; l < b; l++)
            {
                int o = l / inner, i = l % inner;
                int src = off + o * n * inner + i;
                int m = 0, nans = 0;
                for (int j = 0; j < n; j++)
                {
                    float v = x[src + j * inner];
                    if (float.IsNaN(v)) { nanIdx[nans++] = j; continue; }
                    keys[m] = descending ? -v : v; items[m] = j; m++;
                }
                Array.Sort(keys, items, 0, m);
                for (int s = 0; s < m;)
                {
                    int e = s + 1;
                    while (e < m && keys[e] == keys[s]) e++;
                    if (e - s > 1) Array.Sort(items, s, e - s);
                    s = e;
                }
                // NaN indices (kept in `nanIdx`, in order) go last ascending, first descending.
                int dst = o * k * inner + i;
                for (int j = 0; j < k; j++)
                {
                    int id = descending ? (j < nans ? nanIdx[j] : items[j - nans]) : (j < m ? items[j] : nanIdx[j - m]);
                    values[dst + j * inner] = x[src + id * inner];
                    indices[dst + j * inner] = id;
                }
            }
        });
    }

    /// <summary>Top-k by selection: one pass per lane keeps the best k seen so far in order (a later element enters only when
    /// strictly better, so ties keep the lower index first, as the stable sort would).</summary>
    private static void TopkKernel(float[] x, int off, int outer, int n, int inner, int k, bool largest, float[] values, long[] indices)
    {
        int lanes = outer * inner;
        ParallelFor.Run(lanes, Math.Max(1, 4096 / Math.Max(n, 1)), (a, b) =>
        {
            var bv = new float[k];
            var bi = new int[k];
            for (int l = a; l < b; l++)
            {
                int o = l / inner, i = l % inner;
                int src = off + o * n * inner + i;
                int count = 0;
                for (int j = 0; j < n; j++)
                {
                    float v = x[src + j * inner];
                    if (count == k && !Better(v, bv[k - 1], largest)) continue;
                    int p = count == k ? k - 1 : count++;
                    while (p > 0 && Better(v, bv[p - 1], largest)) { bv[p] = bv[p - 1]; bi[p] = bi[p - 1]; p--; }
                    bv[p] = v; bi[p] = j;
                }
                int dst = o * k * inner + i;
                for (int j = 0; j < k; j++) { values[dst + j * inner] = bv[j]; indices[dst + j * inner] = bi[j]; }
            }
        });
    }

    // Strictly better in topk's order; NaN is the largest value (and ties are never better).
    private static bool Better(float v, float w, bool largest)
    {
        if (float.IsNaN(v)) return largest && !float.IsNaN(w);
        if (float.IsNaN(w)) return !largest;
        return largest ? v > w : v < w;
    }

    private readonly record struct SortEntry<T>(T Value, int Index);

    // NaN is the largest value; ties fall back to the original index, which makes the unstable span sort stable.
    private static int CompareValues<T>(T a, T b) where T : INumber<T>
    {
        bool na = T.IsNaN(a), nb = T.IsNaN(b);
        if (na || nb) return na == nb ? 0 : na ? 1 : -1;
        return a < b ? -1 : a > b ? 1 : 0;
    }

    private readonly struct Ascending<T> : IComparer<SortEntry<T>> where T : INumber<T>
    {
        public int Compare(SortEntry<T> x, SortEntry<T> y)
        {
            int c = CompareValues(x.Value, y.Value);
            return c != 0 ? c : x.Index.CompareTo(y.Index);
        }
    }

    private readonly struct Descending<T> : IComparer<SortEntry<T>> where T : INumber<T>
    {
        public int Compare(SortEntry<T> x, SortEntry<T> y)
        {
            int c = CompareValues(y.Value, x.Value);
            return c != 0 ? c : x.Index.CompareTo(y.Index);
        }
    }
}
