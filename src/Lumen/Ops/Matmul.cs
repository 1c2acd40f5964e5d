using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen;

// Matrix products: matmul (torch.matmul's rules), mm, bmm, mv, dot, all on the packed SGEMM kernel.
public partial class Tensor
{
    /// <summary>
    /// Matrix product with PyTorch's <c>torch.matmul</c> rules: 1-D·1-D is a dot product (0-d result); 2-D·2-D a matrix
    /// product [n, k]·[k, m] → [n, m]; a 1-D left operand is treated as a row [1, k] and a 1-D right operand as a column
    /// [k, 1], the added dimension removed afterwards; with more dimensions the leading (batch) dimensions broadcast,
    /// e.g. [j, 1, n, k]·[b, k, m] → [j, b, n, m]. Transposed views are read in place, without a copy.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The inner sizes differ or the batch dimensions do not broadcast.</exception>
    public Tensor Matmul(Tensor other)
    {
        var (a, b) = (this, other);
        int da = a.Ndim, db = b.Ndim;
        if (da == 0 || db == 0)
            throw new ArgumentException($"matmul: both arguments need to be at least 1-D, got shapes {a.Shape} and {b.Shape}.");
        string name =
            da == 1 && db == 1 ? "DotBackward0" :
            da == 2 && db == 2 ? "MmBackward0" :
            da == 1 && db == 2 ? "SqueezeBackward3" :
            da == 2 && db == 1 ? "MvBackward0" :
            da == 2 ? (a._shape[0] == 1 || b._shape[^1] == 1 ? "TransposeBackward0" : "CloneBackward0") :
            "UnsafeViewBackward0";
        return Product(a, b, "matmul", name);
    }

    /// <summary>Matrix product of two 2-D tensors, [n, k]·[k, m] → [n, m], PyTorch's <c>torch.mm</c> (no broadcasting).</summary>
    public Tensor Mm(Tensor mat2)
    {
        if (Ndim != 2 || mat2.Ndim != 2)
            throw new ShapeMismatchException($"mm: both arguments must be matrices, got shapes {Shape} and {mat2.Shape}.");
        return Product(this, mat2, "mm", "MmBackward0");
    }

    /// <summary>Batched matrix product of two 3-D tensors with the same batch size, [b, n, k]·[b, k, m] → [b, n, m],
    /// PyTorch's <c>torch.bmm</c> (no broadcasting).</summary>
    public Tensor Bmm(Tensor mat2)
    {
        if (Ndim != 3 || mat2.Ndim != 3)
            throw new ShapeMismatchException($"bmm: both arguments must be 3-D tensors, got shapes {Shape} and {mat2.Shape}.");
        if (_shape[0] != mat2._shape[0])
            throw new ShapeMismatchException($"bmm: batch sizes differ, shapes {Shape} and {mat2.Shape} ({_shape[0]} != {mat2._shape[0]}).");
        return Product(this, mat2, "bmm", "BmmBackward0");
    }

    /// <summary>Matrix-vector product, [n, k]·[k] → [n], PyTorch's <c>torch.mv</c>.</summary>
    public Tensor Mv(Tensor vec)
    {
        if (Ndim != 2 || vec.Ndim != 1)
            throw new ShapeMismatchException($"mv: expected a matrix and a vector, got shapes {Shape} and {vec.Shape}.");
        return Product(this, vec, "mv", "MvBackward0");
    }

    /// <summary>Dot product of two 1-D tensors of the same length as a 0-d tensor, PyTorch's <c>torch.dot</c>.</summary>
    public Tensor Dot(Tensor other)
    {
        if (Ndim != 1 || other.Ndim != 1)
            throw new ShapeMismatchException($"dot: 1-D tensors expected, got shapes {Shape} and {other.Shape}.");
        return Product(this, other, "dot", "DotBackward0");
    }

    /// <summary>The product itself, recorded under <paramref name="gradFn"/>: 1-D operands are promoted to matrices
    /// (as views), the batched product is computed, and the promoted dimensions are dropped again.</summary>
    private static Tensor Product(Tensor a, Tensor b, string op, string gradFn)
    {
        if (a.DType != DType.Float32 || b.DType != DType.Float32)
            throw new ArgumentException($"{op}: expected float32 tensors, got {a.DType.TorchName()} and {b.DType.TorchName()}.");
        var ap = a.Ndim == 1 ? a.RawView(new[] { 1, a._shape[0] }, new[] { 0, a._strides[0] }) : a;
        var bp = b.Ndim == 1 ? b.RawView(new[] { b._shape[0], 1 }, new[] { b._strides[0], 0 }) : b;
        int k = ap._shape[^1];
        if (bp._shape[^2] != k)
            throw new ShapeMismatchException($"{op}: shapes {a.Shape} and {b.Shape} cannot be multiplied ({k} != {bp._shape[^2]}).");

        var full = BatchedProduct(ap, bp, op);  // batch + [m, n]
        var outShape = full._shape.ToList();
        if (b.Ndim == 1) outShape.RemoveAt(outShape.Count - 1);
        if (a.Ndim == 1) outShape.RemoveAt(outShape.Count - (b.Ndim == 1 ? 1 : 2));
        var r = new Tensor(full.Storage, outShape.ToArray(), ShapeUtil.ContiguousStrides(outShape.ToArray()), 0);

        int[] fullShape = full._shape, aShape = a._shape, bShape = b._shape, apShape = ap._shape, bpShape = bp._shape;
        return Graph.Record(r, gradFn, new[] { a, b }, g =>
        {
            // With C = A·B (batch dims broadcast): dA = dC·Bᵀ, dB = Aᵀ·dC, each summed over the batch dims its operand
            // was broadcast along. The transposes are views the kernel reads in place.
            var gp = g.Reshape(fullShape);
            Tensor? ga = null, gb = null;
            if (a.RequiresGrad) ga = SumTo(BatchedProduct(gp, bp.Detach().Transpose(-1, -2), op), apShape).Reshape(aShape);
            if (b.RequiresGrad) gb = SumTo(BatchedProduct(ap.Detach().Transpose(-1, -2), gp, op), bpShape).Reshape(bShape);
            return new[] { ga, gb };
        }, a, b);
    }

    /// <summary>A view over this tensor's storage with the given shape and strides, outside the graph.</summary>
    private Tensor RawView(int[] shape, int[] strides) => new(Storage, shape, strides, _offset);

    /// <summary>[..., m, k]·[..., k, n] → broadcast batch + [m, n] as a new contiguous tensor, with no graph recording.
    /// Each operand's last two dims are passed to SGEMM as they lie when they form a row-major matrix or its
    /// transpose; otherwise that operand is first copied contiguous.</summary>
    private static Tensor BatchedProduct(Tensor a, Tensor b, string op)
    {
        int m = a._shape[^2], k = a._shape[^1], n = b._shape[^1];
        var aBatch = a._shape.AsSpan(0, a.Ndim - 2);
        var bBatch = b._shape.AsSpan(0, b.Ndim - 2);
        int[] batch;
        try { batch = ShapeUtil.Broadcast(aBatch, bBatch, op); }
        catch (ShapeMismatchException)
        {
            throw new ShapeMismatchException($"{op}: batch dimensions of shapes {a.Shape} and {b.Shape} cannot be broadcast " +
                                             $"({ShapeUtil.Str(aBatch)} vs {ShapeUtil.Str(bBatch)}).");
        }
        var outShape = batch.Concat(new[] { m, n }).ToArray();
        var r = Empty(outShape, DType.Float32, zero: false);
        int count = ShapeUtil.NumelInt(batch);
        if (count == 0 || m == 0 || n == 0) return r;

        if (!MatrixLayout(a, out bool ta, out int lda)) { a = a.Detach().Clone(); MatrixLayout(a, out ta, out lda); }
        if (!MatrixLayout(b, out bool tb, out int ldb)) { b = b.Detach().Clone(); MatrixLayout(b, out tb, out ldb); }
        float[] ad = a.F32, bd = b.F32, cd = r.F32;

        // Batch offsets of each operand, read through its (broadcast) batch strides.
        var aOff = BatchOffsets(a, batch);
        var bOff = BatchOffsets(b, batch);

        // A left operand whose batch dims run contiguously into its rows, times one shared matrix: one tall GEMM.
        if (!ta && count > 1 && IsSingleMatrix(bOff) && RowsChain(a, batch, m, lda))
        {
            Gemm.Sgemm(false, tb, count * m, n, k, 1f, ad.AsSpan(aOff[0]), lda, bd.AsSpan(bOff[0]), ldb, 0f, cd, n);
            return r;
        }

        void One(int i) =>
            Gemm.Sgemm(ta, tb, m, n, k, 1f, ad.AsSpan(aOff[i]), lda, bd.AsSpan(bOff[i]), ldb, 0f, cd.AsSpan(i * m * n, m * n), n);

        // Many small products: one thread per group of matrices (each SGEMM then runs serially inside its worker).
        long work = (long)m * n * Math.Max(k, 1);
        if (count > 1 && work < (1 << 20))
            ParallelFor.Run(count, (int)Math.Max(1, (1 << 18) / work), (i0, i1) => { for (int i = i0; i < i1; i++) One(i); });
        else
            for (int i = 0; i < count; i++) One(i);
        return r;
    }

    /// <summary>Whether the last two dims of <paramref name="t"/> are a row-major matrix (transposed = false) or the
    /// transpose of one (transposed = true), and its leading dimension.</summary>
    private static bool MatrixLayout(Tensor t, out bool transposed, out int ld)
    {
        int rows = t._shape[^2], cols = t._shape[^1], sr = t._strides[^2], sc = t._strides[^1];
        if ((sc == 1 || cols == 1) && (rows == 1 || sr >= Math.Max(cols, 1))) { transposed = false; ld = rows == 1 ? Math.Max(cols, 1) : sr; return true; }
        if ((sr == 1 || rows == 1) && (cols == 1 || sc >= Math.Max(rows, 1))) { transposed = true; ld = cols == 1 ? Math.Max(rows, 1) : sc; return true; }
        transposed = false; ld = 0;
        return false;
    }

    /// <summary>Storage offset of each matrix of <paramref name="t"/> when its batch dims are broadcast to <paramref name="batch"/>.</summary>
    private static int[] BatchOffsets(Tensor t, int[] batch)
    {
        var tb = t._shape.AsSpan(0, t.Ndim - 2);
        var strides = Strided.BroadcastStrides(tb, t._strides.AsSpan(0, t.Ndim - 2), batch);
        int count = ShapeUtil.NumelInt(batch);
        var offs = new int[count];
        for (int i = 0; i < count; i++)
        {
            int rem = i, off = t._offset;
            for (int d = batch.Length - 1; d >= 0; d--) { off += rem % batch[d] * strides[d]; rem /= batch[d]; }
            offs[i] = off;
        }
        return offs;
    }

    private static bool IsSingleMatrix(int[] offsets)
    {
        foreach (var o in offsets) if (o != offsets[0]) return false;
        return true;
    }

    /// <summary>True when matrix i+1 of <paramref name="a"/> starts exactly m rows after matrix i (so all its matrices
    /// read as one (count·m)×k matrix with row stride lda).</summary>
    private static bool RowsChain(Tensor a, int[] batch, int m, int lda)
    {
        if (a.Ndim - 2 != batch.Length) return false;
        var offs = BatchOffsets(a, batch);
        for (int i = 1; i < offs.Length; i++) if (offs[i] - offs[i - 1] != m * lda) return false;
        return true;
    }
}
