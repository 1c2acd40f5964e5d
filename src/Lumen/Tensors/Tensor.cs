using System.Runtime.CompilerServices;
using Lumen.Autograd;

namespace Lumen;

/// <summary>
/// An n-dimensional array with autograd, PyTorch's <c>torch.Tensor</c>. A tensor is a view
/// (shape, strides, offset) onto a <see cref="Storage"/>; transpose, permute, slicing and expand
/// make new views without copying. Tensors are ordinary managed objects: no Dispose; a
/// <see cref="DisposeScope"/> can release a training step's tensors early.
/// Ops live in the partial files under <c>Ops/</c>, each beside its backward rule.
/// </summary>
public partial class Tensor
{
    internal readonly Storage Storage;
    internal readonly int[] _shape;
    internal readonly int[] _strides;
    internal readonly int _offset;
    private bool _requiresGrad;

    internal Tensor(Storage storage, int[] shape, int[] strides, int offset)
    {
        Storage = storage;
        _shape = shape;
        _strides = strides;
        _offset = offset;
    }

    /// <summary>A new contiguous tensor whose elements are uninitialised (zeroed unless <paramref name="zero"/> is false).</summary>
    internal static Tensor Empty(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool zero = true)
    {
        var s = shape.ToArray();
        return new Tensor(Storage.Allocate(dtype, ShapeUtil.NumelInt(s), zero), s, ShapeUtil.ContiguousStrides(s), 0);
    }

    /// <summary>Wraps an array (not copied) as a contiguous tensor of the given shape, which must cover it exactly.</summary>
    internal static Tensor Wrap(float[] data, params int[] shape) => WrapArray(data, DType.Float32, shape);
    internal static Tensor Wrap(long[] data, params int[] shape) => WrapArray(data, DType.Int64, shape);
    internal static Tensor Wrap(bool[] data, params int[] shape) => WrapArray(data, DType.Bool, shape);
    internal static Tensor Wrap(byte[] data, params int[] shape) => WrapArray(data, DType.UInt8, shape);

    private static Tensor WrapArray(Array data, DType dtype, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (ShapeUtil.Numel(shape) != data.Length)
            throw new ShapeMismatchException($"Tensor: {data.Length} values cannot have shape {ShapeUtil.Str(shape)}.");
        return new Tensor(new Storage(data, dtype), (int[])shape.Clone(), ShapeUtil.ContiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- metadata

    /// <summary>The element type.</summary>
    public DType DType => Storage.DType;

    /// <summary>The shape, PyTorch's <c>x.shape</c>.</summary>
    public Shape Shape => Shape.Wrap(_shape);

    /// <summary>The strides in elements, PyTorch's <c>x.stride()</c>.</summary>
    public int[] Strides => (int[])_strides.Clone();

    /// <summary>Offset of the first element in the underlying storage.</summary>
    public int StorageOffset => _offset;

    /// <summary>Number of dimensions, PyTorch's <c>x.dim()</c> / <c>x.ndim</c>.</summary>
    public int Ndim => _shape.Length;

    /// <summary>Number of dimensions, PyTorch's <c>x.dim()</c>.</summary>
    public int Dim() => _shape.Length;

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end), PyTorch's <c>x.size(dim)</c>.</summary>
    public int Size(int dim) => _shape[ShapeUtil.NormalizeDim(dim, _shape.Length)];

    /// <summary>Number of elements.</summary>
    public int Numel() => (int)ShapeUtil.Numel(_shape);

    /// <summary>True when the elements are laid out row-major without gaps, PyTorch's <c>is_contiguous()</c>.</summary>
    public bool IsContiguous()
    {
        if (Numel() == 0) return true; // PyTorch: a tensor without elements is contiguous
        int expected = 1;
        for (int i = _shape.Length - 1; i >= 0; i--)
        {
            if (_shape[i] == 1) continue;
            if (_strides[i] != expected) return false;
            expected *= _shape[i];
        }
        return true;
    }

    /// <summary>True when this view starts at its storage's first element and covers all of it contiguously.</summary>
    internal bool IsDense => _offset == 0 && IsContiguous() && Numel() == Storage.Length;

    // ---------------------------------------------------------------- autograd state

    /// <summary>Whether gradients are recorded for this tensor. Only floating-point tensors can require grad;
    /// only leaves can be switched off.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException($"Only floating-point tensors can require gradients (this one is {DType.TorchName()}).");
            if (!value && GradFn != null)
                throw new InvalidOperationException("RequiresGrad can only be switched off on leaf tensors; use Detach() for a non-leaf.");
            _requiresGrad = value;
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> in place and returns this tensor, PyTorch's <c>requires_grad_()</c>.</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true) { RequiresGrad = requiresGrad; return this; }

    /// <summary>The accumulated gradient of a leaf (or of a non-leaf after <see cref="RetainGrad"/>); null until a backward pass reaches it.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The accumulated sparse gradient of a leaf that a sparse op (<c>Embedding(sparse: true)</c>) reached,
    /// PyTorch's <c>p.grad</c> when <c>p.grad.is_sparse</c>; null otherwise. Kept apart from <see cref="Grad"/> so dense
    /// code never reads it: <see cref="Optim.SparseAdam"/> steps on it, the dense optimizers refuse it.</summary>
    public SparseGradient? SparseGrad { get; set; }

    /// <summary>The node that created this tensor, null for leaves. Its <see cref="Node.Name"/> is PyTorch's grad_fn name.</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>True for tensors created by the user rather than by a recorded op.</summary>
    public bool IsLeaf => GradFn == null;

    /// <summary>Keeps <see cref="Grad"/> for this non-leaf tensor after backward, PyTorch's <c>retain_grad()</c>.</summary>
    public void RetainGrad()
    {
        if (GradFn == null) return;
        GradFn.RetainedOutput = this;
    }

    /// <summary>The same data cut off from the graph, PyTorch's <c>x.data</c> (seed 002 writes <c>outputs.data</c>).</summary>
    public Tensor Data => Detach();

    /// <summary>A view of the same data cut off from the graph, PyTorch's <c>detach()</c>.</summary>
    public Tensor Detach() => new(Storage, _shape, _strides, _offset);

    /// <summary>Cuts this tensor off from the graph in place and makes it a leaf, PyTorch's <c>detach_()</c>.</summary>
    public Tensor Detach_() { GradFn = null; _requiresGrad = false; return this; }

    /// <summary>Runs backpropagation from this tensor. A scalar needs no <paramref name="gradient"/>; otherwise it is
    /// dL/d(this). Gradients accumulate (+=) into the leaves' <see cref="Grad"/>. Without <paramref name="retainGraph"/>
    /// the graph's saved values are freed, and a second backward through it throws.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Engine.Backward(this, gradient, retainGraph);

    // ---------------------------------------------------------------- raw data access (internal)

    // The `as` test fails for a released storage too (Raw is null): the failure path tells the two apart, so the
    // DisposeScope check costs the hot path nothing.
    internal float[] F32 => Storage.Raw as float[] ?? throw Unreadable(DType.Float32);
    internal long[] I64 => Storage.Raw as long[] ?? throw Unreadable(DType.Int64);
    internal bool[] B8 => Storage.Raw as bool[] ?? throw Unreadable(DType.Bool);
    internal byte[] U8 => Storage.Raw as byte[] ?? throw Unreadable(DType.UInt8);

    private Exception Unreadable(DType expected) => Storage.IsReleased
        ? DisposeScope.ReleasedError(this)
        : new InvalidOperationException($"Expected a tensor of dtype {expected.TorchName()}, got {DType.TorchName()}.");

    /// <summary>The elements of a contiguous float tensor as a span (no copy). Call <see cref="Contiguous"/> first for views.</summary>
    internal Span<float> SpanF32()
    {
        if (!IsContiguous()) throw new InvalidOperationException("SpanF32 needs a contiguous tensor.");
        return F32.AsSpan(_offset, Numel());
    }

    internal Span<long> SpanI64()
    {
        if (!IsContiguous()) throw new InvalidOperationException("SpanI64 needs a contiguous tensor.");
        return I64.AsSpan(_offset, Numel());
    }

    internal Span<bool> SpanBool()
    {
        if (!IsContiguous()) throw new InvalidOperationException("SpanBool needs a contiguous tensor.");
        return B8.AsSpan(_offset, Numel());
    }

    internal Span<byte> SpanU8()
    {
        if (!IsContiguous()) throw new InvalidOperationException("SpanU8 needs a contiguous tensor.");
        return U8.AsSpan(_offset, Numel());
    }

    /// <summary>The elements in row-major order as a span: the tensor's own memory when contiguous, else a copy.</summary>
    internal ReadOnlySpan<float> ReadF32() => IsContiguous() ? F32.AsSpan(_offset, Numel()) : ToArray<float>();

    /// <summary>This tensor as a kernel operand: its storage seen through its offset, shape and strides (no copy).</summary>
    internal Kernels.View<float> ViewF32() => new(F32, _offset, _shape, _strides);

    internal Kernels.View<long> ViewI64() => new(I64, _offset, _shape, _strides);

    internal void BumpVersion() => Storage.Version++;

    // ---------------------------------------------------------------- export

    /// <summary>The elements in row-major order, converted to <typeparamref name="T"/> (float, double, long, int, byte or bool).</summary>
    public T[] ToArray<T>()
    {
        int n = Numel();
        var result = new T[n];
        if (typeof(T) == typeof(float) && DType == DType.Float32) { Strided.Gather(F32, _shape, _strides, _offset, Unsafe.As<float[]>(result)); return result; }
        if (typeof(T) == typeof(long) && DType == DType.Int64) { Strided.Gather(I64, _shape, _strides, _offset, Unsafe.As<long[]>(result)); return result; }
        if (typeof(T) == typeof(bool) && DType == DType.Bool) { Strided.Gather(B8, _shape, _strides, _offset, Unsafe.As<bool[]>(result)); return result; }
        if (typeof(T) == typeof(byte) && DType == DType.UInt8) { Strided.Gather(U8, _shape, _strides, _offset, Unsafe.As<byte[]>(result)); return result; }
        var d = ToDoubles();
        for (int i = 0; i < n; i++) result[i] = ConvertTo<T>(d[i]);
        return result;
    }

    /// <summary>The elements in row-major order as float32, whatever the dtype.</summary>
    public float[] ToArray() => ToArray<float>();

    /// <summary>The elements in row-major order converted to double (exact for every dtype here but huge int64 values).</summary>
    internal double[] ToDoubles()
    {
        int n = Numel();
        var r = new double[n];
        switch (DType)
        {
            case DType.Float32: { var t = new float[n]; Strided.Gather(F32, _shape, _strides, _offset, t); for (int i = 0; i < n; i++) r[i] = t[i]; break; }
            case DType.Int64: { var t = new long[n]; Strided.Gather(I64, _shape, _strides, _offset, t); for (int i = 0; i < n; i++) r[i] = t[i]; break; }
            case DType.UInt8: { var t = new byte[n]; Strided.Gather(U8, _shape, _strides, _offset, t); for (int i = 0; i < n; i++) r[i] = t[i]; break; }
            case DType.Bool: { var t = new bool[n]; Strided.Gather(B8, _shape, _strides, _offset, t); for (int i = 0; i < n; i++) r[i] = t[i] ? 1 : 0; break; }
        }
        return r;
    }

    private static T ConvertTo<T>(double v)
    {
        if (typeof(T) == typeof(float)) return (T)(object)(float)v;
        if (typeof(T) == typeof(double)) return (T)(object)v;
        if (typeof(T) == typeof(long)) return (T)(object)(long)v;
        if (typeof(T) == typeof(int)) return (T)(object)(int)v;
        if (typeof(T) == typeof(byte)) return (T)(object)(byte)v;
        if (typeof(T) == typeof(bool)) return (T)(object)(v != 0);
        throw new NotSupportedException($"ToArray<{typeof(T).Name}> is not supported.");
    }

    /// <summary>The value of a one-element tensor as float, PyTorch's <c>item()</c>.</summary>
    public float Item() => Item<float>();

    /// <summary>The value of a one-element tensor converted to <typeparamref name="T"/>.</summary>
    public T Item<T>()
    {
        if (Numel() != 1)
            throw new InvalidOperationException($"Item() needs a tensor with one element, this one has shape {Shape} ({Numel()} elements).");
        return ToArray<T>()[0];
    }
}

public partial class Tensor
{
    internal void SetRequiresGradUnchecked() => _requiresGrad = true;

    /// <summary>A tensor object carrying this tensor's current history (grad_fn) over the same data, used when an
    /// in-place op gives this tensor a new history.</summary>
    internal Tensor ShallowHistoryCopy()
    {
        var t = new Tensor(Storage, _shape, _strides, _offset) { GradFn = GradFn };
        t._requiresGrad = _requiresGrad;
        return t;
    }
}
