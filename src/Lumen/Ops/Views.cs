using Lumen.Autograd;
using Lumen.Tracing;

namespace Lumen;

// Views: new shape/strides over the same storage, no copy. Backward maps the gradient back through the inverse view.
public partial class Tensor
{
    /// <summary>A view with a new shape (one dimension may be -1), PyTorch's <c>view</c>. Throws when the strides
    /// cannot express it without a copy; use <see cref="Reshape"/> then.</summary>
    public Tensor View(params int[] shape)
    {
        if (Tracer.Recording) return Tracer.Record("view", new[] { this }, () => View(shape), ("shape", shape.ToArray()));
        var s = InferShape(shape, "view");
        var strides = ViewStrides(s) ?? throw new InvalidOperationException(
            $"view size {ShapeUtil.Str(s)} is not compatible with input tensor's size {Shape} and stride [{string.Join(", ", _strides)}]; use Reshape(...) instead.");
        var r = new Tensor(Storage, s, strides, _offset);
        var inShape = _shape;
        return Graph.Record(r, "ViewBackward0", new[] { this }, g => new[] { g.Reshape(inShape) });
    }

    /// <summary>The data with a new shape (one dimension may be -1): a view when possible, else a copy, PyTorch's <c>reshape</c>.</summary>
    public Tensor Reshape(params int[] shape)
    {
        if (Tracer.Recording) return Tracer.Record("reshape", new[] { this }, () => Reshape(shape), ("shape", shape.ToArray()));
        var s = InferShape(shape, "reshape");
        if (ViewStrides(s) != null) return View(s);
        return Contiguous().View(s);
    }

    /// <summary>Reshapes to <paramref name="other"/>'s shape, PyTorch's <c>view_as</c>.</summary>
    public Tensor ViewAs(Tensor other) => View(other._shape);

    /// <summary>Flattens dimensions startDim..endDim into one, PyTorch's <c>flatten(start_dim, end_dim)</c>.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Tracer.Recording) return Tracer.Record("flatten", new[] { this }, () => Flatten(startDim, endDim), ("start_dim", startDim), ("end_dim", endDim));
        if (Ndim == 0) return Reshape(1);
        int s = ShapeUtil.NormalizeDim(startDim, Ndim), e = ShapeUtil.NormalizeDim(endDim, Ndim);
        if (s > e) throw new ArgumentException($"flatten: startDim ({startDim}) must not come after endDim ({endDim}).");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(_shape[i]);
        int m = 1; for (int i = s; i <= e; i++) m *= _shape[i];
        shape.Add(m);
        for (int i = e + 1; i < Ndim; i++) shape.Add(_shape[i]);
        return Reshape(shape.ToArray());
    }

    /// <summary>Splits dimension <paramref name="dim"/> into <paramref name="sizes"/>, PyTorch's <c>unflatten</c>.</summary>
    public Tensor Unflatten(int dim, params int[] sizes)
    {
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        var inner = new Tensor(Storage, new[] { _shape[d] }, new[] { 1 }, 0).InferShape(sizes, "unflatten");
        var shape = _shape.Take(d).Concat(inner).Concat(_shape.Skip(d + 1)).ToArray();
        return Reshape(shape);
    }

    /// <summary>A view with a size-1 dimension inserted at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, Ndim + 1);
        var shape = _shape.ToList(); shape.Insert(d, 1);
        var strides = _strides.ToList(); strides.Insert(d, d < Ndim ? _strides[d] * _shape[d] : 1);
        var r = new Tensor(Storage, shape.ToArray(), strides.ToArray(), _offset);
        return Graph.Record(r, "UnsqueezeBackward0", new[] { this }, g => new[] { g.Squeeze(d) });
    }

    /// <summary>Removes every size-1 dimension.</summary>
    public Tensor Squeeze()
    {
        var keep = Enumerable.Range(0, Ndim).Where(i => _shape[i] != 1).ToArray();
        var r = new Tensor(Storage, keep.Select(i => _shape[i]).ToArray(), keep.Select(i => _strides[i]).ToArray(), _offset);
        var inShape = _shape;
        return Graph.Record(r, "SqueezeBackward0", new[] { this }, g => new[] { g.Reshape(inShape) });
    }

    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1 (otherwise returns the same view), as PyTorch.</summary>
    public Tensor Squeeze(int dim)
    {
        if (Ndim == 0) return this;
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        if (_shape[d] != 1) return Graph.Record(new Tensor(Storage, _shape, _strides, _offset), "SqueezeBackward1", new[] { this }, g => new[] { g });
        var shape = _shape.ToList(); shape.RemoveAt(d);
        var strides = _strides.ToList(); strides.RemoveAt(d);
        var r = new Tensor(Storage, shape.ToArray(), strides.ToArray(), _offset);
        return Graph.Record(r, "SqueezeBackward1", new[] { this }, g => new[] { g.Unsqueeze(d) });
    }

    /// <summary>A view with dimensions reordered, PyTorch's <c>permute</c>.</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Ndim)
            throw new ArgumentException($"permute: number of dims ({dims.Length}) doesn't match the tensor's rank ({Ndim}, shape {Shape}).");
        var p = dims.Select(d => ShapeUtil.NormalizeDim(d, Ndim)).ToArray();
        if (p.Distinct().Count() != p.Length) throw new ArgumentException($"permute: repeated dim in [{string.Join(", ", dims)}].");
        var r = new Tensor(Storage, p.Select(i => _shape[i]).ToArray(), p.Select(i => _strides[i]).ToArray(), _offset);
        var inverse = new int[p.Length];
        for (int i = 0; i < p.Length; i++) inverse[p[i]] = i;
        return Graph.Record(r, "PermuteBackward0", new[] { this }, g => new[] { g.Permute(inverse) });
    }

    /// <summary>A view with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        if (Ndim == 0) return this;
        int a = ShapeUtil.NormalizeDim(dim0, Ndim), b = ShapeUtil.NormalizeDim(dim1, Ndim);
        var shape = (int[])_shape.Clone(); var strides = (int[])_strides.Clone();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        var r = new Tensor(Storage, shape, strides, _offset);
        return Graph.Record(r, "TransposeBackward0", new[] { this }, g => new[] { g.Transpose(a, b) });
    }

    /// <summary>Transpose of a tensor of rank ≤ 2, PyTorch's <c>t()</c> / <c>.T</c> for matrices.</summary>
    public Tensor T()
    {
        if (Ndim > 2) throw new ArgumentException($"t() expects a tensor with <= 2 dimensions, but got shape {Shape}; use Permute.");
        return Ndim < 2 ? this : Transpose(0, 1);
    }

    /// <summary>A view broadcast to <paramref name="shape"/> (stride 0 along expanded dims; -1 keeps a size), PyTorch's <c>expand</c>.</summary>
    public Tensor Expand(params int[] shape)
    {
        if (shape.Length < Ndim)
            throw new ShapeMismatchException($"expand: the number of sizes ({shape.Length}) must be at least the tensor's rank ({Ndim}, shape {Shape}).");
        var target = (int[])shape.Clone();
        int lead = shape.Length - Ndim;
        for (int i = 0; i < target.Length; i++)
        {
            if (i >= lead && target[i] == -1) target[i] = _shape[i - lead];
            if (i >= lead && _shape[i - lead] != 1 && _shape[i - lead] != target[i])
                throw new ShapeMismatchException($"expand: the expanded size of the tensor ({target[i]}) must match the existing size ({_shape[i - lead]}) at dimension {i}; target {ShapeUtil.Str(shape)}, tensor {Shape}.");
        }
        if (target.AsSpan().SequenceEqual(_shape)) return this;
        var r = new Tensor(Storage, target, Strided.BroadcastStrides(_shape, _strides, target), _offset);
        var inShape = _shape;
        return Graph.Record(r, "ExpandBackward0", new[] { this }, g => new[] { SumTo(g, inShape) });
    }

    /// <summary>Expands to <paramref name="other"/>'s shape, PyTorch's <c>expand_as</c>.</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other._shape);

    /// <summary>Resolves one -1 in a requested shape and checks the element count.</summary>
    private int[] InferShape(int[] shape, string op)
    {
        var s = (int[])shape.Clone();
        int infer = -1; long known = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be inferred, got {ShapeUtil.Str(shape)}.");
                infer = i;
            }
            else if (s[i] < 0) throw new ArgumentException($"{op}: invalid shape dimension {s[i]} in {ShapeUtil.Str(shape)}.");
            else known *= s[i];
        }
        int n = Numel();
        if (infer >= 0)
        {
            if (known == 0 || n % known != 0)
                throw new ShapeMismatchException($"{op}: shape {ShapeUtil.Str(shape)} is invalid for input of size {n} (shape {Shape}).");
            s[infer] = (int)(n / known);
        }
        else if (known != n)
            throw new ShapeMismatchException($"{op}: shape {ShapeUtil.Str(shape)} is invalid for input of size {n} (shape {Shape}).");
        return s;
    }

    /// <summary>Strides for viewing this tensor as <paramref name="shape"/> without a copy, or null when impossible
    /// (the rule of PyTorch's computeStride: each run of merged dims must itself be contiguous).</summary>
    private int[]? ViewStrides(int[] shape)
    {
        if (IsContiguous()) return ShapeUtil.ContiguousStrides(shape);
        int n = Numel();
        if (n == 0) return ShapeUtil.ContiguousStrides(shape);
        var newStrides = new int[shape.Length];
        int viewD = shape.Length - 1;
        long chunkBase = _strides.Length > 0 ? _strides[^1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int d = Ndim - 1; d >= 0; d--)
        {
            tensorNumel *= _shape[d];
            if (d == 0 || (_shape[d - 1] != 1 && _strides[d - 1] != tensorNumel * chunkBase))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1))
                {
                    newStrides[viewD] = (int)(viewNumel * chunkBase);
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = _strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        if (viewD != -1) return null;
        return newStrides;
    }
}
