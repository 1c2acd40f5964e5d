namespace Lumen.Kernels;

/// <summary>
/// One kernel operand: a managed array seen through an offset, a shape and strides (candle's Layout, a tensor's view
/// without the tensor). Kernels take these instead of (array, offset) pairs plus loose sizes, so an entry point names its
/// operands once and reads their sizes from them. Inner loops still run on spans and pointers: <see cref="Span"/> gives
/// the elements of a contiguous view, <see cref="Slice"/> steps to sample n without allocating (the shape and stride
/// arrays are shared; only the index of the first live dimension moves). The default value is "no operand" (a missing
/// bias or gradient), tested by <see cref="IsNone"/>.
/// </summary>
internal readonly struct View<T> where T : unmanaged
{
    /// <summary>The whole backing array (elements outside the view included).</summary>
    public readonly T[] Array;
    /// <summary>Index in <see cref="Array"/> of the view's first element.</summary>
    public readonly int Offset;
    private readonly int[] _shape, _strides;
    private readonly int _first;

    /// <summary>A view over <paramref name="array"/> from <paramref name="offset"/>; the arrays are kept, not copied.</summary>
    public View(T[] array, int offset, int[] shape, int[] strides) : this(array, offset, shape, strides, 0)
    {
        if (shape.Length != strides.Length)
            throw new ArgumentException($"view: shape has {shape.Length} dimensions but strides {strides.Length}.");
    }

    private View(T[] array, int offset, int[] shape, int[] strides, int first)
    {
        Array = array; Offset = offset; _shape = shape; _strides = strides; _first = first;
    }

    /// <summary>A row-major (contiguous) view of <paramref name="shape"/> from <paramref name="offset"/>.</summary>
    public static View<T> Contiguous(T[] array, int offset, params int[] shape)
    {
        var strides = new int[shape.Length];
        for (int d = shape.Length - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return new View<T>(array, offset, shape, strides);
    }

    /// <summary>A contiguous view of the whole array as one dimension.</summary>
    public static View<T> Of(T[] array) => Contiguous(array, 0, array.Length);

    /// <summary>True for the default value: no operand.</summary>
    public bool IsNone => Array is null;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length - _first;

    /// <summary>Size of dimension <paramref name="d"/>.</summary>
    public int Size(int d) => _shape[_first + d];

    /// <summary>Stride (in elements) of dimension <paramref name="d"/>.</summary>
    public int Stride(int d) => _strides[_first + d];

    /// <summary>The sizes of the view's dimensions, without a copy.</summary>
    public ReadOnlySpan<int> Dims => _shape.AsSpan(_first);

    /// <summary>The strides of the view's dimensions, without a copy.</summary>
    public ReadOnlySpan<int> StrideSpan => _strides.AsSpan(_first);

    /// <summary>The sizes of the view's dimensions (a copy; for messages).</summary>
    public int[] Shape => _shape[_first..];

    /// <summary>The strides of the view's dimensions (a copy).</summary>
    public int[] Strides => _strides[_first..];

    /// <summary>Number of elements.</summary>
    public int Numel
    {
        get
        {
            long n = 1;
            for (int d = _first; d < _shape.Length; d++) n *= _shape[d];
            return checked((int)n);
        }
    }

    /// <summary>Row-major without gaps (size-1 dimensions may have any stride, as PyTorch's is_contiguous).</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int d = _shape.Length - 1; d >= _first; d--)
            {
                if (_shape[d] == 1) continue;
                if (_strides[d] != expected) return false;
                expected *= _shape[d];
            }
            return true;
        }
    }

    /// <summary>The elements of a contiguous view, in order (no copy).</summary>
    public Span<T> Span
    {
        get
        {
            if (!IsContiguous)
                throw new ArgumentException($"view: a kernel needs contiguous memory, got shape ({string.Join(", ", Shape)}) " +
                                            $"with strides ({string.Join(", ", Strides)}).");
            return Array.AsSpan(Offset, Numel);
        }
    }

    /// <summary>Entry <paramref name="n"/> of the first dimension (sample n of a batch), one dimension fewer; no allocation.</summary>
    public View<T> Slice(int n)
    {
        if (Rank == 0 || (uint)n >= (uint)Size(0))
            throw new ArgumentOutOfRangeException(nameof(n), $"view: index {n} outside the first dimension of ({string.Join(", ", Shape)}).");
        return new View<T>(Array, Offset + n * Stride(0), _shape, _strides, _first + 1);
    }

    /// <summary>(N, C, positions per channel) of a contiguous (N, C, ...) view: the batch, the channels and the product of
    /// the rest (1 for an (N, C) view); checked contiguous.</summary>
    public (int N, int C, int P) ChannelRows(string what)
    {
        if (Rank < 2) throw new ArgumentException($"{what}: expected (N, C, ...), got shape ({string.Join(", ", Shape)}).");
        if (!IsContiguous) _ = Span;   // throws, naming the strides
        int n = Size(0), c = Size(1);
        return (n, c, n * c == 0 ? 0 : Numel / (n * c));
    }

    /// <summary>The span of a contiguous view that must hold exactly <paramref name="numel"/> elements, checked by name
    /// (a kernel's entry point asks this of each operand against its geometry). The message joins <paramref name="what"/>
    /// and <paramref name="operand"/> only when it throws, so a check allocates nothing.</summary>
    public Span<T> SpanOf(long numel, string what, string? operand = null)
    {
        if (Numel != numel)
            throw new ArgumentException($"{what}{(operand == null ? "" : ": " + operand)}: expected {numel} elements for the kernel's " +
                                        $"geometry, got shape ({string.Join(", ", Shape)}).");
        return Span;
    }
}
