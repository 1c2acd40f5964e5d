using Lumen.Autograd;

namespace Lumen;

// In-place random fills (uniform_, normal_, bernoulli_, exponential_, random_) and the constant fills fill_/zero_.
// Each draws from PyTorch's CPU generator formulas (Random/Distributions.cs) in PyTorch's element order, so the same
// seed gives PyTorch 1.13's values. Gradients do not flow through a fill: the old history of the tensor gets zero.
public partial class Tensor
{
    /// <summary>Fills with U[<paramref name="from"/>, <paramref name="to"/>) in place, PyTorch's <c>uniform_</c> (what
    /// <c>kaiming_uniform_</c> and the default Linear/Conv init call). Bit-exact with PyTorch 1.13 (CPU, float32: 24 random
    /// bits per element, x·(to−from)+from fused).</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        RequireFloat("uniform_");
        if (!(from <= to)) throw new ArgumentException($"uniform_: expects to return a [from, to) range, but found from={from} > to={to}.");
        float f = (float)from, t = (float)to;
        if (float.IsInfinity(t - f)) throw new ArgumentException($"uniform_: range [{from}, {to}) is not representable in float32.");
        var g = generator ?? Generator.Default;
        lock (g.Sync) FillF32InOrder(span => Distributions.UniformFill(g, span, f, t));
        return FinishFill("UniformBackward0");
    }

    /// <summary>Fills with N(<paramref name="mean"/>, <paramref name="std"/>²) in place, PyTorch's <c>normal_</c>.
    /// Bit-exact with PyTorch 1.13 as it runs on x86-64 CPUs with AVX2 (PyTorch's dispatch picks its AVX2 kernel there):
    /// contiguous float32 tensors of ≥ 16 elements take PyTorch's vectorised Box–Muller (blocks of 16: radius from the first
    /// 8 uniforms, angle from the last 8, the tail block redrawn; its Cephes log/sincos reproduced lane for lane), every
    /// other tensor takes the scalar double-precision Box–Muller that caches its second value in the generator. Lumen
    /// computes these same values on every machine; PyTorch itself on a CPU without AVX2 or on ARM gives different ones.</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        RequireFloat("normal_");
        if (!(std >= 0)) throw new ArgumentException($"normal_: expects std >= 0.0, but found std {std}.");
        var g = generator ?? Generator.Default;
        lock (g.Sync)
        {
            if (Numel() >= 16 && IsContiguous()) Distributions.NormalFill(g, SpanF32(), (float)mean, (float)std);
            else FillF32InOrder(span => { for (int i = 0; i < span.Length; i++) span[i] = (float)Distributions.NormalD(g, mean, std); });
        }
        return FinishFill("NormalBackward0");
    }

    /// <summary>Fills with 1 with probability <paramref name="p"/> and 0 otherwise, in place, PyTorch's <c>bernoulli_(p)</c>
    /// (what dropout draws). Bit-exact with PyTorch 1.13 built without MKL (53-bit uniform &lt; p per element).</summary>
    public Tensor Bernoulli_(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"bernoulli_: expects p to be in [0, 1], but got p={p}.");
        Graph.CheckInPlace(this, "bernoulli_");
        var g = generator ?? Generator.Default;
        lock (g.Sync) FillInOrder(() => Distributions.Uniform01D(g) < p ? 1.0 : 0.0);
        return FinishFill("BernoulliBackward2");
    }

    /// <summary>Fills each element with 1 with the probability at the same position of <paramref name="p"/> (float32,
    /// broadcast to this shape), in place, PyTorch's <c>bernoulli_(p_tensor)</c>. Bit-exact with PyTorch 1.13 (24-bit uniform &lt; p).</summary>
    public Tensor Bernoulli_(Tensor p, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        Graph.CheckInPlace(this, "bernoulli_");
        if (p.DType != DType.Float32) throw new ArgumentException($"bernoulli_: expects a float32 probability tensor, got {p.DType.TorchName()}.");
        var probs = p.Detach().Expand(_shape);
        var order = IterationOrder();
        var pv = probs.Permute(order).Contiguous().ReadF32().ToArray();
        foreach (var v in pv)
            if (!(v >= 0 && v <= 1)) throw new ArgumentException($"bernoulli_: expects all probabilities in [0, 1], found {v}.");
        var g = generator ?? Generator.Default;
        int k = 0;
        lock (g.Sync) FillInOrder(() => Distributions.Uniform01F(g) < pv[k++] ? 1.0 : 0.0);
        return FinishFill("BernoulliBackward1");
    }

    /// <summary>Fills with draws from the exponential distribution of rate <paramref name="lambd"/> in place, PyTorch's
    /// <c>exponential_</c>. Bit-exact with PyTorch 1.13 built without MKL (−log(1 − u)/λ in double, 53-bit u).</summary>
    public Tensor Exponential_(double lambd = 1, Generator? generator = null)
    {
        RequireFloat("exponential_");
        if (!(lambd > 0)) throw new ArgumentException($"exponential_: expects lambda > 0.0, but found lambda={lambd}.");
        var g = generator ?? Generator.Default;
        lock (g.Sync) FillF32InOrder(span => { for (int i = 0; i < span.Length; i++) span[i] = (float)Distributions.ExponentialD(g, lambd); });
        return FinishFill("ExponentialBackward0");
    }

    /// <summary>Fills with integers drawn uniformly from [<paramref name="from"/>, <paramref name="to"/>) in place, PyTorch's
    /// <c>random_(from, to)</c> (what <c>randint</c> calls). Bit-exact with PyTorch 1.13: from + (bits mod range), with one
    /// 32-bit draw per element when the range is below 2³², else a 64-bit draw.</summary>
    public Tensor Random_(long from, long to, Generator? generator = null)
    {
        if (from >= to) throw new ArgumentException($"random_: expects 'from' to be less than 'to', but got from={from} >= to={to}.");
        Graph.CheckInPlace(this, "random_");
        ulong range = unchecked((ulong)(to - from));
        var g = generator ?? Generator.Default;
        lock (g.Sync) FillInOrder(() => Distributions.IntFromTo(g, range, from));
        return FinishFill("RandomBackward0");
    }

    /// <summary>Fills with integers drawn uniformly from [0, <paramref name="to"/>) in place, PyTorch's <c>random_(to)</c>
    /// (seed 002: <c>torch.LongTensor(2).random_(6)</c>).</summary>
    public Tensor Random_(long to, Generator? generator = null) => Random_(0, to, generator);

    /// <summary>Sets every element to <paramref name="value"/> in place, PyTorch's <c>fill_</c>.</summary>
    public Tensor Fill_(double value)
    {
        Graph.CheckInPlace(this, "fill_");
        var flat = ContiguousTarget(out bool direct);
        switch (DType)
        {
            case DType.Float32: flat.SpanF32().Fill((float)value); break;
            case DType.Int64: flat.SpanI64().Fill((long)value); break;
            case DType.UInt8: flat.SpanU8().Fill(unchecked((byte)(long)value)); break;
            case DType.Bool: flat.SpanBool().Fill(value != 0); break;
        }
        if (!direct) ScatterFrom(flat);
        return FinishFill("FillBackward2");
    }

    /// <summary>Sets every element to zero in place, PyTorch's <c>zero_</c>.</summary>
    public Tensor Zero_()
    {
        Graph.CheckInPlace(this, "zero_");
        var flat = ContiguousTarget(out bool direct);
        switch (DType)
        {
            case DType.Float32: flat.SpanF32().Clear(); break;
            case DType.Int64: flat.SpanI64().Clear(); break;
            case DType.UInt8: flat.SpanU8().Clear(); break;
            case DType.Bool: flat.SpanBool().Clear(); break;
        }
        if (!direct) ScatterFrom(flat);
        return FinishFill("ZeroBackward0");
    }

    // ------------------------------------------------------------------ helpers

    private void RequireFloat(string op)
    {
        if (DType != DType.Float32) throw new ArgumentException($"{op}: expects a floating-point tensor, got {DType.TorchName()}.");
        Graph.CheckInPlace(this, op);
    }

    /// <summary>The order in which PyTorch's TensorIterator visits the elements of a one-output op: dimensions sorted by
    /// stride, largest outermost (row-major for contiguous tensors, memory order for transposed ones).</summary>
    internal int[] IterationOrder()
    {
        int n = Ndim;
        // TensorIterator starts from the reversed dims and insertion-sorts them by ascending stride, swapping only when
        // strictly greater (size-1 dims never swap); we return the outer-to-inner order.
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = n - 1 - i;
        for (int i = 1; i < n; i++)
        {
            for (int j = i; j > 0; j--)
            {
                int d0 = perm[j - 1], d1 = perm[j];
                bool swap = _shape[d0] != 1 && _shape[d1] != 1 && _strides[d0] > _strides[d1];
                if (!swap) break;
                (perm[j - 1], perm[j]) = (perm[j], perm[j - 1]);
            }
        }
        Array.Reverse(perm);
        return perm;
    }

    /// <summary>The view to fill: this tensor itself when contiguous, else a fresh contiguous buffer in iteration order.</summary>
    private Tensor ContiguousTarget(out bool direct)
    {
        direct = IsContiguous();
        if (direct) return this;
        var order = IterationOrder();
        return Empty(order.Select(d => _shape[d]).ToArray(), DType, zero: false);
    }

    /// <summary>Writes a buffer made by <see cref="ContiguousTarget"/> back into this (strided) tensor.</summary>
    private void ScatterFrom(Tensor flat)
    {
        var order = IterationOrder();
        var shape = order.Select(d => _shape[d]).ToArray();
        var strides = order.Select(d => _strides[d]).ToArray();
        switch (DType)
        {
            case DType.Float32: Strided.Scatter<float>(flat.SpanF32(), F32, shape, strides, _offset); break;
            case DType.Int64: Strided.Scatter<long>(flat.SpanI64(), I64, shape, strides, _offset); break;
            case DType.UInt8: Strided.Scatter<byte>(flat.SpanU8(), U8, shape, strides, _offset); break;
            case DType.Bool: Strided.Scatter<bool>(flat.SpanBool(), B8, shape, strides, _offset); break;
        }
    }

    private delegate void F32Filler(Span<float> span);

    private void FillF32InOrder(F32Filler fill)
    {
        var flat = ContiguousTarget(out bool direct);
        fill(flat.SpanF32());
        if (!direct) ScatterFrom(flat);
    }

    /// <summary>Fills any dtype from a per-element sampler (returning the value as double, or as long for exact int64).</summary>
    private void FillInOrder(Func<double> sample)
    {
        var flat = ContiguousTarget(out bool direct);
        int n = flat.Numel();
        switch (DType)
        {
            case DType.Float32: { var s = flat.SpanF32(); for (int i = 0; i < n; i++) s[i] = (float)sample(); break; }
            case DType.Int64: { var s = flat.SpanI64(); for (int i = 0; i < n; i++) s[i] = (long)sample(); break; }
            case DType.UInt8: { var s = flat.SpanU8(); for (int i = 0; i < n; i++) s[i] = unchecked((byte)(long)sample()); break; }
            case DType.Bool: { var s = flat.SpanBool(); for (int i = 0; i < n; i++) s[i] = sample() != 0; break; }
        }
        if (!direct) ScatterFrom(flat);
    }

    private void FillInOrder(Func<long> sample)
    {
        var flat = ContiguousTarget(out bool direct);
        int n = flat.Numel();
        switch (DType)
        {
            case DType.Float32: { var s = flat.SpanF32(); for (int i = 0; i < n; i++) s[i] = sample(); break; }
            case DType.Int64: { var s = flat.SpanI64(); for (int i = 0; i < n; i++) s[i] = sample(); break; }
            case DType.UInt8: { var s = flat.SpanU8(); for (int i = 0; i < n; i++) s[i] = unchecked((byte)sample()); break; }
            case DType.Bool: { var s = flat.SpanBool(); for (int i = 0; i < n; i++) s[i] = sample() != 0; break; }
        }
        if (!direct) ScatterFrom(flat);
    }

    /// <summary>Bumps the version and gives a non-leaf's history a node whose gradient to the old values is zero.</summary>
    private Tensor FinishFill(string gradFnName)
    {
        BumpVersion();
        Graph.RecordInPlace(this, gradFnName, Array.Empty<Tensor?>(), g => new Tensor?[] { null });
        return this;
    }
}
