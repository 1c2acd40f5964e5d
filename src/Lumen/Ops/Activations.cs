using Lumen.Autograd;
using Lumen.Kernels;
using Lumen.Tracing;

namespace Lumen;

// Pointwise activations with PyTorch's grad_fn names and PyTorch's gradients at the kinks. Each forward runs a span
// kernel from Kernels/ActivationKernels.cs; each backward runs its twin on the saved input or output (the one PyTorch
// saves: relu, sigmoid and tanh keep their output, the others their input; the in-place forms keep the result).
// Softmax and LogSoftmax are in Ops/Softmax.cs.
public partial class Tensor
{
    // ------------------------------------------------------------------ relu family

    /// <summary>max(x, 0) elementwise, PyTorch's <c>relu</c> (grad_fn ReluBackward0). Integer tensors keep their dtype.
    /// The gradient passes where the output is positive: none at x == 0.</summary>
    public Tensor Relu()
    {
        if (Tracer.Recording) return Tracer.Record("relu", new[] { this }, Relu);
        if (DType != DType.Float32)
        {
            if (DType == DType.Bool) throw new ArgumentException("relu: not implemented for torch.bool tensors.");
            return GenericBinary(this, Torch.Scalar(0L), "relu", DType, (v, _) => Math.Max(v, 0));
        }
        return Activation("ReluBackward0", ActivationKernels.Relu, ActivationKernels.ReluBackward, savesResult: true);
    }

    /// <summary>In-place <see cref="Relu"/>, PyTorch's <c>relu_</c> (grad_fn ReluBackward0, saving the result).</summary>
    public Tensor Relu_()
    {
        if (Tracer.Recording) return Tracer.Record("relu_", new[] { this }, Relu_);
        return ActivationInPlace("relu_", "ReluBackward0", ActivationKernels.Relu, ActivationKernels.ReluBackward);
    }

    /// <summary>min(max(x, 0), 6), PyTorch's <c>relu6</c>: <see cref="Hardtanh"/>(0, 6), grad_fn HardtanhBackward0, so no
    /// gradient at exactly 0 or 6.</summary>
    public Tensor Relu6() => Hardtanh(0f, 6f);

    /// <summary>In-place <see cref="Relu6"/>, PyTorch's <c>relu6(inplace=True)</c>.</summary>
    public Tensor Relu6_() => Hardtanh_(0f, 6f);

    /// <summary>Clamps into [minVal, maxVal], PyTorch's <c>hardtanh</c> (grad_fn HardtanhBackward0). Unlike
    /// <see cref="Clamp"/>, the gradient is zero at the bounds themselves (minVal &lt; x &lt; maxVal passes).</summary>
    public Tensor Hardtanh(double minVal = -1, double maxVal = 1)
    {
        CheckHardtanhBounds(minVal, maxVal);
        float lo = (float)minVal, hi = (float)maxVal;
        return Activation("HardtanhBackward0",
            (x, y) => ActivationKernels.Hardtanh(x, lo, hi, y),
            (x, g, dx) => ActivationKernels.HardtanhBackward(x, g, lo, hi, dx), savesResult: false);
    }

    /// <summary>In-place <see cref="Hardtanh"/>, PyTorch's <c>hardtanh_</c> (grad_fn HardtanhBackward0, saving the result).</summary>
    public Tensor Hardtanh_(double minVal = -1, double maxVal = 1)
    {
        CheckHardtanhBounds(minVal, maxVal);
        float lo = (float)minVal, hi = (float)maxVal;
        // The result lies strictly inside (min, max) exactly where the input does, so the mask reads the result.
        return ActivationInPlace("hardtanh_", "HardtanhBackward0",
            (x, y) => ActivationKernels.Hardtanh(x, lo, hi, y),
            (y, g, dx) => ActivationKernels.HardtanhBackward(y, g, lo, hi, dx));
    }

    private static void CheckHardtanhBounds(double minVal, double maxVal)
    {
        if (minVal > maxVal) throw new ArgumentException($"hardtanh: minVal ({minVal}) cannot be greater than maxVal ({maxVal}).");
    }

    /// <summary>x for x &gt; 0, negativeSlope·x otherwise, PyTorch's <c>leaky_relu</c> (grad_fn LeakyReluBackward0).
    /// At x == 0 the gradient is negativeSlope, as in PyTorch.</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        float slope = (float)negativeSlope;
        return Activation("LeakyReluBackward0",
            (x, y) => ActivationKernels.LeakyRelu(x, slope, y),
            (x, g, dx) => ActivationKernels.LeakyReluBackward(x, g, slope, dx), savesResult: false);
    }

    /// <summary>In-place <see cref="LeakyRelu"/>, PyTorch's <c>leaky_relu_</c> (grad_fn LeakyReluBackward1, saving the
    /// result). As in PyTorch, a negative slope is rejected here because the result could not tell the sign of the input.</summary>
    public Tensor LeakyRelu_(double negativeSlope = 0.01)
    {
        if (negativeSlope < 0 && GradMode.Enabled && RequiresGrad)
            throw new ArgumentException($"leaky_relu_: in-place leakyReLu backward calculation is triggered with a negative slope ({negativeSlope}), which is not supported; use the out-of-place LeakyRelu.");
        float slope = (float)negativeSlope;
        return ActivationInPlace("leaky_relu_", "LeakyReluBackward1",
            (x, y) => ActivationKernels.LeakyRelu(x, slope, y),
            (y, g, dx) => ActivationKernels.LeakyReluBackward(y, g, slope, dx));
    }

    // ------------------------------------------------------------------ elu family

    /// <summary>x for x &gt; 0, alpha·(exp(x) − 1) otherwise, PyTorch's <c>elu</c> (grad_fn EluBackward0).</summary>
    public Tensor Elu(double alpha = 1) => EluCore("EluBackward0", (float)alpha, 1f, 1f);

    /// <summary>In-place <see cref="Elu"/>, PyTorch's <c>elu_</c> (grad_fn EluBackward1, saving the result).</summary>
    public Tensor Elu_(double alpha = 1)
    {
        if (alpha < 0 && GradMode.Enabled && RequiresGrad)
            throw new ArgumentException($"elu_: in-place elu backward calculation is triggered with a negative alpha ({alpha}), which is not supported; use the out-of-place Elu.");
        float a = (float)alpha;
        return ActivationInPlace("elu_", "EluBackward1",
            (x, y) => ActivationKernels.Elu(x, a, 1f, 1f, y),
            (y, g, dx) => ActivationKernels.EluBackwardFromResult(y, g, a, 1f, 1f, dx));
    }

    /// <summary>scale·elu(x, alpha) with PyTorch's fixed constants (alpha ≈ 1.6733, scale ≈ 1.0507), PyTorch's <c>selu</c>
    /// (grad_fn EluBackward0).</summary>
    public Tensor Selu() => EluCore("EluBackward0", SeluAlpha, SeluScale, 1f);

    private const float SeluAlpha = 1.6732632423543772848170429916717f;
    private const float SeluScale = 1.0507009873554804934193349852946f;

    /// <summary>max(0, x) + min(0, alpha·(exp(x/alpha) − 1)), PyTorch's <c>celu</c> (grad_fn CeluBackward0).</summary>
    public Tensor Celu(double alpha = 1)
    {
        if (alpha == 0) throw new ArgumentException("celu: alpha cannot be 0.");
        return EluCore("CeluBackward0", (float)alpha, 1f, (float)(1.0 / alpha));   // 1/alpha in double, as PyTorch
    }

    private Tensor EluCore(string gradFn, float alpha, float scale, float inputScale) =>
        Activation(gradFn,
            (x, y) => ActivationKernels.Elu(x, alpha, scale, inputScale, y),
            (x, g, dx) => ActivationKernels.EluBackward(x, g, alpha, scale, inputScale, dx), savesResult: false);

    // ------------------------------------------------------------------ smooth activations

    /// <summary>x·Φ(x), Φ the standard normal CDF, PyTorch's <c>gelu</c> (grad_fn GeluBackward0). <paramref name="approximate"/>
    /// is "none" (the exact erf form) or "tanh" (x/2·(1 + tanh(√(2/π)·(x + 0.044715x³)))).</summary>
    public Tensor Gelu(string approximate = "none")
    {
        bool tanh = approximate switch
        {
            "none" => false,
            "tanh" => true,
            _ => throw new ArgumentException($"gelu: approximate argument must be either none or tanh, got '{approximate}'."),
        };
        return tanh
            ? Activation("GeluBackward0", ActivationKernels.GeluTanh, ActivationKernels.GeluTanhBackward, savesResult: false)
            : Activation("GeluBackward0", ActivationKernels.Gelu, ActivationKernels.GeluBackward, savesResult: false);
    }

    /// <summary>x·sigmoid(x), PyTorch's <c>silu</c> (grad_fn SiluBackward0).</summary>
    public Tensor Silu()
    {
        if (Tracer.Recording) return Tracer.Record("silu", new[] { this }, Silu);
        return Activation("SiluBackward0", ActivationKernels.Silu, ActivationKernels.SiluBackward, savesResult: false);
    }

    /// <summary>x·tanh(softplus(x)), PyTorch's <c>mish</c> (grad_fn MishBackward0).</summary>
    public Tensor Mish() => Activation("MishBackward0", ActivationKernels.Mish, ActivationKernels.MishBackward, savesResult: false);

    /// <summary>1/(1 + exp(−x)), PyTorch's <c>sigmoid</c> (grad_fn SigmoidBackward0, which saves the output).</summary>
    public Tensor Sigmoid()
    {
        if (Tracer.Recording) return Tracer.Record("sigmoid", new[] { this }, Sigmoid);
        return Activation("SigmoidBackward0", ActivationKernels.Sigmoid,
            ActivationKernels.SigmoidBackward, savesResult: true);
    }

    /// <summary>Hyperbolic tangent, PyTorch's <c>tanh</c> (grad_fn TanhBackward0, which saves the output).</summary>
    public Tensor Tanh()
    {
        if (Tracer.Recording) return Tracer.Record("tanh", new[] { this }, Tanh);
        return Activation("TanhBackward0", ActivationKernels.Tanh,
            ActivationKernels.TanhBackward, savesResult: true);
    }

    /// <summary>log(1 + exp(beta·x))/beta, reverting to x where beta·x &gt; threshold, PyTorch's <c>softplus</c>
    /// (grad_fn SoftplusBackward0).</summary>
    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        float b = (float)beta, t = (float)threshold;
        return Activation("SoftplusBackward0",
            (x, y) => ActivationKernels.Softplus(x, b, t, y),
            (x, g, dx) => ActivationKernels.SoftplusBackward(x, g, b, t, dx), savesResult: false);
    }

    /// <summary>log(sigmoid(x)) computed stably, PyTorch's <c>logsigmoid</c> (grad_fn LogSigmoidBackward0).</summary>
    public Tensor LogSigmoid() =>
        Activation("LogSigmoidBackward0", ActivationKernels.LogSigmoid, ActivationKernels.LogSigmoidBackward, savesResult: false);

    /// <summary>x·relu6(x + 3)/6, PyTorch's <c>hardswish</c> (grad_fn HardswishBackward0).</summary>
    public Tensor Hardswish() =>
        Activation("HardswishBackward0", ActivationKernels.Hardswish, ActivationKernels.HardswishBackward, savesResult: false);

    /// <summary>relu6(x + 3)/6, PyTorch's <c>hardsigmoid</c> (grad_fn HardsigmoidBackward0).</summary>
    public Tensor Hardsigmoid() =>
        Activation("HardsigmoidBackward0", ActivationKernels.Hardsigmoid, ActivationKernels.HardsigmoidBackward, savesResult: false);

    // ------------------------------------------------------------------ drivers

    internal delegate void ZipAction(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst);

    /// <summary>Runs a pointwise forward and records a backward that applies <paramref name="backward"/>(saved, g) with
    /// saved = the output (<paramref name="savesResult"/>) or the input.</summary>
    private Tensor Activation(string gradFn, SpanAction forward, ZipAction backward, bool savesResult)
    {
        var x = this;
        var r = MapF32(forward);
        if (!Graph.Needs(x)) return r;
        var saved = savesResult ? r : x;
        var savedData = saved.Detach();
        return Graph.Record(r, gradFn, new[] { x }, g => new[] { ZipF32(savedData, g, backward) }, saved);
    }

    /// <summary>Applies a pointwise forward in place and records a backward that reads the result.</summary>
    private Tensor ActivationInPlace(string op, string gradFn, SpanAction forward, ZipAction backwardFromResult)
    {
        Graph.CheckInPlace(this, op);
        if (DType != DType.Float32) throw new ArgumentException($"{op}: needs a float32 tensor, got {DType.TorchName()}.");
        int n = Numel();
        if (IsContiguous())
        {
            var d = F32; int off = _offset;
            ParallelFor.Run(n, 32768, (a, b) => forward(d.AsSpan(off + a, b - a), d.AsSpan(off + a, b - a)));
        }
        else
        {
            var tmp = BufferPool.RentScratch<float>(n);
            Strided.Gather(F32, _shape, _strides, _offset, tmp);
            forward(tmp, tmp);
            Strided.Scatter<float>(tmp, F32, _shape, _strides, _offset);
            BufferPool.ReturnScratch(tmp);
        }
        BumpVersion();
        var result = Detach();
        Graph.RecordInPlace(this, gradFn, Array.Empty<Tensor?>(), g => new[] { ZipF32(result, g, backwardFromResult) }, result);
        return this;
    }

    /// <summary>The float elements in row-major order: this tensor's own array when contiguous, else a gathered copy that
    /// lives until the open <see cref="DisposeScope"/> ends (a plain array when none is open), so a caller may keep it
    /// for its backward.</summary>
    internal (float[] Data, int Offset) ContiguousF32()
    {
        var v = ContiguousViewF32();
        return (v.Array, v.Offset);
    }

    /// <summary>As <see cref="ContiguousF32"/>, as a kernel view with this tensor's shape.</summary>
    internal Kernels.View<float> ContiguousViewF32()
    {
        var x = DType == DType.Float32 ? this : Float();
        if (x.IsContiguous()) return x.ViewF32();
        var copy = DisposeScope.RentArray<float>(x.Numel());
        Strided.Gather(x.F32, x._shape, x._strides, x._offset, copy);
        return Kernels.View<float>.Contiguous(copy, 0, x._shape);
    }

    /// <summary>As <see cref="ContiguousF32"/> for a caller that is done with the floats when it returns: a gathered copy
    /// goes back to the pool when the result is disposed (so a strided gradient, such as the expanded one a global
    /// average pool's backward produces, costs no allocation per step).</summary>
    internal F32Read ReadF32Temp()
    {
        var x = DType == DType.Float32 ? this : Float();
        if (x.IsContiguous()) return new F32Read(x.F32, x._offset, rented: false);
        var copy = BufferPool.RentScratch<float>(x.Numel());
        Strided.Gather(x.F32, x._shape, x._strides, x._offset, copy);
        return new F32Read(copy, 0, rented: true);
    }

    /// <summary>A read view of a tensor's floats from <see cref="ReadF32Temp"/>: (array, offset), and the scratch copy to
    /// give back when it was gathered.</summary>
    internal readonly struct F32Read : IDisposable
    {
        public readonly float[] Data;
        public readonly int Offset;
        private readonly bool _rented;

        public F32Read(float[] data, int offset, bool rented) { Data = data; Offset = offset; _rented = rented; }

        public void Dispose() { if (_rented) BufferPool.ReturnScratch(Data); }
    }

    /// <summary>dst = kernel(a, b) over two same-shape float tensors (read through their strides), split across threads.</summary>
    internal static Tensor ZipF32(Tensor a, Tensor b, ZipAction kernel)
    {
        if (!a._shape.AsSpan().SequenceEqual(b._shape))
            throw new ShapeMismatchException($"Internal pointwise backward: shapes {a.Shape} and {b.Shape} differ.");
        using var ar = a.ReadF32Temp();
        using var br = b.ReadF32Temp();
        float[] ad = ar.Data, bd = br.Data;
        int ao = ar.Offset, bo = br.Offset;
        var r = Empty(a._shape, DType.Float32, zero: false);
        var dst = r.F32;
        ParallelFor.Run(dst.Length, 32768, (s, e) => kernel(ad.AsSpan(ao + s, e - s), bd.AsSpan(bo + s, e - s), dst.AsSpan(s, e - s)));
        return r;
    }
}
