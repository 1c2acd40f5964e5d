using Lumen.Kernels;

namespace Lumen;

/// <summary>
/// The <c>torch.*</c> namespace: tensor creation, seeding and threading. A PyTorch line like
/// <c>torch.zeros(2, 3)</c> reads <c>Torch.Zeros(2, 3)</c>.
/// (Inside this class the method group <c>Tensor(...)</c> hides the type name in expressions, so code here
/// writes <c>Lumen.Tensor.X</c> for the type's static members.)
/// </summary>
public static partial class Torch
{
    /// <summary>The most threads <see cref="SetNumThreads"/> accepts. Each one is a real OS thread of the pool, and asking
    /// for tens of thousands made the runtime abort natively; no CPU Lumen runs on has more than this many cores.</summary>
    public const int MaxNumThreads = 1024;

    /// <summary>Sets the number of threads every kernel may use (default: all cores), PyTorch's <c>torch.set_num_threads</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is below 1 or above <see cref="MaxNumThreads"/>.</exception>
    public static void SetNumThreads(int n) => Kernels.ParallelFor.NumThreads = n;

    /// <summary>The current intra-op thread count.</summary>
    public static int GetNumThreads() => Kernels.ParallelFor.NumThreads;

    /// <summary>Runs <paramref name="body"/>(chunkBegin, chunkEnd) over [<paramref name="begin"/>, <paramref name="end"/>)
    /// on the intra-op threads, ATen's <c>at::parallel_for(begin, end, grain_size, f)</c>: at most
    /// <see cref="GetNumThreads"/> contiguous chunks of at least <paramref name="grainSize"/> items, each chunk's bounds
    /// fixed by the range and the thread count alone (so per-chunk results never depend on scheduling), and run serially
    /// when called from inside another parallel loop (no oversubscription). For code outside the library (a metric, a
    /// custom op) that must share Lumen's threads rather than start its own. An exception thrown by a chunk is rethrown
    /// here once every chunk has stopped.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="end"/> is below <paramref name="begin"/> or <paramref name="grainSize"/> is below 1.</exception>
    public static void ParallelFor(int begin, int end, int grainSize, Action<int, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (end < begin) throw new ArgumentOutOfRangeException(nameof(end), $"ParallelFor: end ({end}) is below begin ({begin}).");
        if (grainSize < 1) throw new ArgumentOutOfRangeException(nameof(grainSize), $"ParallelFor: grainSize must be at least 1, got {grainSize}.");
        if (begin == 0) Kernels.ParallelFor.Run(end, grainSize, body);
        else Kernels.ParallelFor.Run(end - begin, grainSize, (s, e) => body(begin + s, begin + e));
    }

    /// <summary>A 0-d float32 tensor.</summary>
    public static Tensor Scalar(float value) => Lumen.Tensor.Wrap(new[] { value });

    /// <summary>A float32 0-d tensor holding <paramref name="value"/> rounded to float (PyTorch's default dtype).</summary>
    public static Tensor Scalar(double value) => Scalar((float)value);

    /// <summary>A 0-d int64 tensor.</summary>
    public static Tensor Scalar(long value) => Lumen.Tensor.Wrap(new[] { value });

    /// <summary>A tensor from a (possibly multi-dimensional) array of float, double, int, long, byte or bool, shaped like
    /// the array, PyTorch's <c>torch.tensor([[1, 2], [3, 4]])</c> as <c>Torch.Tensor(new float[,] {{1, 2}, {3, 4}})</c>.
    /// Doubles become float32 and ints int64, PyTorch's defaults.</summary>
    public static Tensor Tensor(Array data, bool requiresGrad = false)
    {
        var shape = new int[data.Rank];
        for (int i = 0; i < data.Rank; i++) shape[i] = data.GetLength(i);
        int n = data.Length;
        Tensor t;
        switch (data)
        {
            case float[] f1: t = Lumen.Tensor.Wrap((float[])f1.Clone(), shape); break;
            case long[] l1: t = Lumen.Tensor.Wrap((long[])l1.Clone(), shape); break;
            default:
                var elem = data.GetType().GetElementType()!;
                var flat = new object[n]; int k = 0;
                foreach (var v in data) flat[k++] = v!;
                if (elem == typeof(float) || elem == typeof(double)) t = Lumen.Tensor.Wrap(flat.Select(Convert.ToSingle).ToArray(), shape);
                else if (elem == typeof(int) || elem == typeof(long) || elem == typeof(short)) t = Lumen.Tensor.Wrap(flat.Select(Convert.ToInt64).ToArray(), shape);
                else if (elem == typeof(byte)) t = Lumen.Tensor.Wrap(flat.Select(Convert.ToByte).ToArray(), shape);
                else if (elem == typeof(bool)) t = Lumen.Tensor.Wrap(flat.Select(Convert.ToBoolean).ToArray(), shape);
                else throw new ArgumentException($"Torch.Tensor: unsupported element type {elem.Name}.");
                break;
        }
        if (requiresGrad) t.RequiresGrad = true;
        return t;
    }

    /// <summary>A float32 tensor of <paramref name="shape"/> (1-D when no shape is given) holding <paramref name="data"/>
    /// (copied) in row-major order. Use <see cref="Scalar(float)"/> for a 0-d tensor.</summary>
    public static Tensor Tensor(float[] data, params int[] shape) =>
        Lumen.Tensor.Wrap((float[])data.Clone(), shape.Length == 0 ? new[] { data.Length } : shape);

    /// <summary>An int64 tensor of <paramref name="shape"/> holding <paramref name="data"/> (copied).</summary>
    public static Tensor Tensor(long[] data, params int[] shape) =>
        Lumen.Tensor.Wrap((long[])data.Clone(), shape.Length == 0 ? new[] { data.Length } : shape);

    /// <summary>A tensor over <paramref name="data"/> without copying (changes to either are seen by both), PyTorch's <c>from_numpy</c>.</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => Lumen.Tensor.Wrap(data, shape);

    /// <summary>An int64 tensor over <paramref name="data"/> without copying, PyTorch's <c>from_numpy</c> of an int64
    /// array: labels and indices built outside the library (a dataset's targets) become a tensor at no cost.</summary>
    /// <exception cref="ShapeMismatchException">the shape's element count differs from the array's length.</exception>
    public static Tensor FromArray(long[] data, params int[] shape) => Lumen.Tensor.Wrap(data, shape);

    /// <summary>A uint8 tensor over <paramref name="data"/> without copying, PyTorch's <c>from_numpy</c> of a uint8
    /// array: raw pixels (an (N, H, W, C) dataset, a decoded image) become a tensor without a second copy.</summary>
    /// <exception cref="ShapeMismatchException">the shape's element count differs from the array's length.</exception>
    public static Tensor FromArray(byte[] data, params int[] shape) => Lumen.Tensor.Wrap(data, shape);

    /// <summary>A bool tensor over <paramref name="data"/> without copying, PyTorch's <c>from_numpy</c> of a bool array (masks).</summary>
    /// <exception cref="ShapeMismatchException">the shape's element count differs from the array's length.</exception>
    public static Tensor FromArray(bool[] data, params int[] shape) => Lumen.Tensor.Wrap(data, shape);

    public static Tensor Zeros(params int[] shape) => Lumen.Tensor.Empty(shape);
    public static Tensor Zeros(int[] shape, DType dtype) => Lumen.Tensor.Empty(shape, dtype);
    public static Tensor Ones(params int[] shape) => Full(shape, 1f);
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1f, dtype);
    /// <summary>A tensor of <paramref name="shape"/> without meaningful initial values (zeroed here), PyTorch's <c>empty</c>.</summary>
    public static Tensor Empty(params int[] shape) => Lumen.Tensor.Empty(shape);
    /// <summary>An uninitialised (zeroed here) tensor of <paramref name="shape"/> and <paramref name="dtype"/>, PyTorch's
    /// <c>torch.empty(shape, dtype=)</c> (seed 002: <c>torch.LongTensor(2)</c> is <c>Torch.Empty(new[] { 2 }, DType.Int64)</c>).</summary>
    public static Tensor Empty(int[] shape, DType dtype) => Lumen.Tensor.Empty(shape, dtype);

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        var t = Lumen.Tensor.Empty(shape, dtype, zero: false);
        switch (dtype)
        {
            case DType.Float32: t.SpanF32().Fill((float)value); break;
            case DType.Int64: t.SpanI64().Fill((long)value); break;
            case DType.UInt8: t.SpanU8().Fill((byte)value); break;
            case DType.Bool: t.SpanBool().Fill(value != 0); break;
        }
        return t;
    }

    public static Tensor ZerosLike(Tensor t) => Zeros(t._shape, t.DType);
    public static Tensor OnesLike(Tensor t) => Ones(t._shape, t.DType);
    public static Tensor FullLike(Tensor t, double value) => Full(t._shape, value, t.DType);
    public static Tensor EmptyLike(Tensor t) => Zeros(t._shape, t.DType);

    /// <summary>Values from <paramref name="start"/> up to (excluding) <paramref name="end"/> by <paramref name="step"/>, float32.
    /// The count is ceil((end − start) / step) and each value start + i·step, both in double, as PyTorch.</summary>
    public static Tensor Arange(double start, double end, double step = 1)
    {
        if (step == 0) throw new ArgumentException("arange: step must be nonzero.");
        int n = (int)Math.Ceiling((end - start) / step);
        if (n < 0) throw new ArgumentException($"arange: upper bound ({end}) and lower bound ({start}) inconsistent with step sign ({step}).");
        var d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float)(start + i * step);
        return Lumen.Tensor.Wrap(d, n);
    }

    /// <summary>0, 1, …, end−1 as int64, PyTorch's <c>torch.arange(end)</c> with an integer argument.</summary>
    public static Tensor Arange(long end)
    {
        if (end < 0) throw new ArgumentException($"arange: end ({end}) must be non-negative.");
        var d = new long[end];
        for (long i = 0; i < end; i++) d[i] = i;
        return Lumen.Tensor.Wrap(d, (int)end);
    }

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive (PyTorch's symmetric formula).</summary>
    public static Tensor Linspace(double startValue, double endValue, int steps)
    {
        float start = (float)startValue, end = (float)endValue;   // PyTorch casts both ends to the float32 dtype first
        if (steps < 0) throw new ArgumentException($"linspace: number of steps ({steps}) must be non-negative.");
        var d = new float[steps];
        if (steps == 1) d[0] = start;
        else if (steps > 1)
        {
            float step = (end - start) / (steps - 1);
            int half = steps / 2;
            // PyTorch fills the first half from start and the second half from end, for symmetry.
            for (int i = 0; i < steps; i++) d[i] = i < half ? start + step * i : end - step * (steps - i - 1);
        }
        return Lumen.Tensor.Wrap(d, steps);
    }

    /// <summary>An n×m identity matrix (m defaults to n).</summary>
    public static Tensor Eye(int n, int? m = null)
    {
        int cols = m ?? n;
        var t = Zeros(n, cols);
        var d = t.SpanF32();
        for (int i = 0; i < Math.Min(n, cols); i++) d[i * cols + i] = 1f;
        return t;
    }
}
