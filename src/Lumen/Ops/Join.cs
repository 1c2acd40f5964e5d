using Lumen.Autograd;
using Lumen.Tracing;

namespace Lumen;

// Joining and splitting: cat, stack, split, chunk, unbind, repeat, flip.
public partial class Tensor
{
    /// <summary>Pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last one smaller if it does not divide),
    /// as views, PyTorch's <c>split(split_size, dim)</c> (grad_fn SplitBackward0).</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (Ndim == 0) throw new ArgumentException("split() cannot be applied to a 0-dim tensor.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim), size = _shape[d];
        if (splitSize < 0 || (splitSize == 0 && size != 0))
            throw new ArgumentException($"split(): splitSize ({splitSize}) must be positive (it can only be 0 if dimension {dim} has size 0; input shape {Shape}).");
        int count = splitSize == 0 ? 1 : Math.Max((size + splitSize - 1) / splitSize, 1);
        var pieces = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            int start = i * splitSize;
            pieces[i] = SliceView(d, start, Math.Min(splitSize, size - start), 1, "SplitBackward0");
        }
        return pieces;
    }

    /// <summary>Pieces with the given <paramref name="sizes"/> (which must add up to the dimension's size) along
    /// <paramref name="dim"/>, as views, PyTorch's <c>split([s0, s1, …], dim)</c> (grad_fn SplitWithSizesBackward0).</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        if (Ndim == 0) throw new ArgumentException("split() cannot be applied to a 0-dim tensor.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim), size = _shape[d];
        if (sizes.Any(s => s < 0) || sizes.Sum() != size)
            throw new ArgumentException($"split(): sizes [{string.Join(", ", sizes)}] must be non-negative and sum exactly to {size}, " +
                                        $"the size of dimension {dim} of the input (shape {Shape}).");
        var pieces = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++)
            pieces[i] = SliceView(d, start, sizes[i], 1, "SplitWithSizesBackward0");
        return pieces;
    }

    /// <summary>Up to <paramref name="chunks"/> views along <paramref name="dim"/>, each ceil(size / chunks) long but the last,
    /// PyTorch's <c>chunk(chunks, dim)</c>; like PyTorch it can return fewer pieces (6 split into 4 gives 3 of 2).</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentException($"chunk(): chunks must be greater than 0, got {chunks}.");
        if (Ndim == 0) throw new ArgumentException("chunk() cannot be applied to a 0-dim tensor.");
        int size = _shape[ShapeUtil.NormalizeDim(dim, Ndim)];
        int splitSize = (size + chunks - 1) / chunks;
        if (splitSize == 0 && size == 0) return Split(new int[chunks], dim);
        return Split(splitSize, dim);
    }

    /// <summary>The slices along <paramref name="dim"/>, each without that dimension, PyTorch's <c>unbind(dim)</c> (grad_fn UnbindBackward0).</summary>
    public Tensor[] Unbind(int dim = 0)
    {
        if (Ndim == 0) throw new ArgumentException("unbind() cannot be applied to a 0-dim tensor.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        var pieces = new Tensor[_shape[d]];
        for (int i = 0; i < pieces.Length; i++) pieces[i] = SelectView(d, i, "UnbindBackward0");
        return pieces;
    }

    /// <summary>The tensor tiled <paramref name="repeats"/>[i] times along each dimension (leading repeats add dimensions),
    /// PyTorch's <c>repeat(*sizes)</c>: shape s → repeats · s. Copies (grad_fn RepeatBackward0).</summary>
    public Tensor Repeat(params int[] repeats)
    {
        if (repeats.Length < Ndim)
            throw new ArgumentException($"repeat(): the number of repeat dims ({repeats.Length}) can not be smaller than the tensor's rank ({Ndim}, shape {Shape}).");
        if (repeats.Any(r => r < 0)) throw new ArgumentException($"repeat(): repeats [{string.Join(", ", repeats)}] must be non-negative.");
        int lead = repeats.Length - Ndim;
        var padded = Enumerable.Repeat(1, lead).Concat(_shape).ToArray();
        var interleaved = new int[2 * repeats.Length];
        var expanded = new int[2 * repeats.Length];
        for (int i = 0; i < repeats.Length; i++)
        {
            interleaved[2 * i] = 1; interleaved[2 * i + 1] = padded[i];
            expanded[2 * i] = repeats[i]; expanded[2 * i + 1] = padded[i];
        }
        var outShape = repeats.Select((r, i) => r * padded[i]).ToArray();
        Tensor result;
        using (Autograd.Autograd.NoGrad())
        {
            var e = Detach().Reshape(interleaved).Expand(expanded);
            result = Empty(expanded, DType, zero: false);
            e.CopyInto(result);
            result = result.Reshape(outShape);
        }
        if (DType != DType.Float32) return result;
        var inShape = _shape;
        var repeatDims = Enumerable.Range(0, repeats.Length).Select(i => 2 * i).ToArray();
        return Graph.Record(result, "RepeatBackward0", new[] { this },
            g => new[] { g.Reshape(expanded).Sum(repeatDims).Reshape(inShape) });
    }

    /// <summary>A copy with the order of elements reversed along <paramref name="dims"/>, PyTorch's <c>flip(dims)</c> (grad_fn FlipBackward0).</summary>
    public Tensor Flip(params int[] dims)
    {
        var ds = dims.Select(d => ShapeUtil.NormalizeDim(d, Ndim)).ToArray();
        if (ds.Distinct().Count() != ds.Length) throw new ArgumentException($"flip(): dims [{string.Join(", ", dims)}] name a dimension more than once.");
        var strides = (int[])_strides.Clone();
        int off = _offset;
        foreach (var d in ds)
        {
            if (Ndim == 0 || _shape[d] == 0) continue;
            off += (_shape[d] - 1) * _strides[d];
            strides[d] = -_strides[d];
        }
        // A reversed (negative-stride) view exists only for this copy; it never escapes.
        var reversed = new Tensor(Storage, _shape, strides, off);
        var r = Empty(_shape, DType, zero: false);
        reversed.CopyInto(r);
        if (DType != DType.Float32) return r;
        return Graph.Record(r, "FlipBackward0", new[] { this }, g => new[] { g.Flip(ds) });
    }
}

public static partial class Torch
{
    /// <summary>Concatenates tensors along <paramref name="dim"/>, PyTorch's <c>torch.cat(tensors, dim)</c>: every tensor has the same
    /// shape except along dim (1-d empty tensors are skipped, as in PyTorch); the dtype is the promoted one (grad_fn CatBackward0).</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (Tracer.Recording) return Tracer.Record("cat", tensors.ToArray(), () => Cat(tensors, dim), ("dim", dim));
        if (tensors.Count == 0) throw new ArgumentException("cat(): expected a non-empty list of tensors.");
        string Shapes() => string.Join(", ", tensors.Select(t => t.Shape.ToString()));
        var parts = tensors.Where(t => !(t.Ndim == 1 && t.Size(0) == 0)).ToArray();
        var dtype = tensors.Select(t => t.DType).Aggregate(DTypeExtensions.Promote);
        if (parts.Length == 0) return Lumen.Tensor.Empty(new[] { 0 }, dtype);
        for (int i = 0; i < parts.Length; i++)
            if (parts[i].Ndim == 0)
                throw new ArgumentException($"cat(): zero-dimensional tensor (at position {Array.IndexOf(tensors.ToArray(), parts[i])}) cannot be concatenated; shapes {Shapes()}.");
        var first = parts[0];
        int rank = first.Ndim;
        int d = ShapeUtil.NormalizeDim(dim, rank);
        int total = 0;
        foreach (var t in parts)
        {
            if (t.Ndim != rank)
                throw new ShapeMismatchException($"cat(): tensors must have the same number of dimensions: got {rank} and {t.Ndim} (shapes {Shapes()}).");
            for (int k = 0; k < rank; k++)
                if (k != d && t.Size(k) != first.Size(k))
                    throw new ShapeMismatchException($"cat(): sizes of tensors must match except in dimension {d}. Expected size {first.Size(k)} " +
                                                     $"but got size {t.Size(k)} at dimension {k} for tensor number {Array.IndexOf(tensors.ToArray(), t)} " +
                                                     $"in the list (shapes {Shapes()}).");
            total += t.Size(d);
        }
        var outShape = first.Shape.ToArray(); outShape[d] = total;
        var r = Lumen.Tensor.Empty(outShape, dtype, zero: false);
        var outStrides = ShapeUtil.ContiguousStrides(outShape);
        var offsets = new int[tensors.Count];
        int at = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            offsets[i] = at;
            if (t.Ndim == 1 && t.Size(0) == 0 && rank != 1) continue;
            if (t.Numel() > 0)
            {
                var src = t.To(dtype);
                int off = at * outStrides[d];
                switch (dtype)
                {
                    case DType.Float32: Strided.Scatter<float>(src.Dense<float>(out int o1).AsSpan(o1, src.Numel()), r.F32, src.Shape.ToArray(), outStrides, off); break;
                    case DType.Int64: Strided.Scatter<long>(src.Dense<long>(out int o2).AsSpan(o2, src.Numel()), r.I64, src.Shape.ToArray(), outStrides, off); break;
                    case DType.UInt8: Strided.Scatter<byte>(src.Dense<byte>(out int o3).AsSpan(o3, src.Numel()), r.U8, src.Shape.ToArray(), outStrides, off); break;
                    case DType.Bool: Strided.Scatter<bool>(src.Dense<bool>(out int o4).AsSpan(o4, src.Numel()), r.B8, src.Shape.ToArray(), outStrides, off); break;
                }
            }
            at += t.Size(d);
        }
        if (dtype != DType.Float32) return r;
        var inputs = tensors.ToArray();
        return Lumen.Autograd.Graph.Record(r, "CatBackward0", inputs, g => inputs.Select((t, i) =>
            t.Ndim == 1 && t.Size(0) == 0 && rank != 1 ? Zeros(0) : g.Narrow(d, offsets[i], t.Size(d))).ToArray<Tensor?>());
    }

    /// <summary>Stacks equally shaped tensors along a new dimension <paramref name="dim"/>, PyTorch's <c>torch.stack(tensors, dim)</c>:
    /// k tensors of shape s → shape s with k inserted at dim (grad_fn StackBackward0).</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("stack(): expected a non-empty list of tensors.");
        var shape = tensors[0].Shape;
        for (int i = 1; i < tensors.Count; i++)
            if (tensors[i].Shape != shape)
                throw new ShapeMismatchException($"stack(): expects each tensor to be equal size, but got {shape} at entry 0 and {tensors[i].Shape} at entry {i} " +
                                                 $"(shapes {string.Join(", ", tensors.Select(t => t.Shape.ToString()))}).");
        int d = ShapeUtil.NormalizeDim(dim, shape.Count + 1);
        Tensor r;
        using (Autograd.Autograd.NoGrad()) r = Cat(tensors.Select(t => t.Detach().Unsqueeze(d)).ToArray(), d);
        if (r.DType != DType.Float32) return r;
        var inputs = tensors.ToArray();
        return Lumen.Autograd.Graph.Record(r, "StackBackward0", inputs, g => inputs.Select((_, i) => g.Select(d, i)).ToArray<Tensor?>());
    }
}
