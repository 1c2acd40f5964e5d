using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen.NN;

// Activations, PyTorch's F.relu, F.gelu, F.softmax …: thin wrappers over the Tensor methods (Ops/Activations.cs,
// Ops/Softmax.cs), with PyTorch's inplace flags; plus F.prelu, whose learnable slope needs its own op.
public static partial class F
{
    /// <summary>max(x, 0), PyTorch's <c>F.relu(input, inplace=False)</c>.</summary>
    public static Tensor Relu(Tensor input, bool inplace = false) => inplace ? input.Relu_() : input.Relu();

    /// <summary>min(max(x, 0), 6), PyTorch's <c>F.relu6</c>.</summary>
    public static Tensor Relu6(Tensor input, bool inplace = false) => inplace ? input.Relu6_() : input.Relu6();

    /// <summary>x for x &gt; 0 else negativeSlope·x, PyTorch's <c>F.leaky_relu(input, negative_slope=0.01)</c>.</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01, bool inplace = false) =>
        inplace ? input.LeakyRelu_(negativeSlope) : input.LeakyRelu(negativeSlope);

    /// <summary>Clamp into [minVal, maxVal], PyTorch's <c>F.hardtanh(input, min_val=-1., max_val=1.)</c>.</summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1, bool inplace = false) =>
        inplace ? input.Hardtanh_(minVal, maxVal) : input.Hardtanh(minVal, maxVal);

    /// <summary>x for x &gt; 0 else alpha·(eˣ − 1), PyTorch's <c>F.elu(input, alpha=1.0)</c>.</summary>
    public static Tensor Elu(Tensor input, double alpha = 1, bool inplace = false) => inplace ? input.Elu_(alpha) : input.Elu(alpha);

    /// <summary>scale·elu(x, α) with PyTorch's fixed constants, PyTorch's <c>F.selu</c>.</summary>
    public static Tensor Selu(Tensor input, bool inplace = false) => inplace ? InPlace(input, x => x.Selu()) : input.Selu();

    /// <summary>max(0, x) + min(0, α·(exp(x/α) − 1)), PyTorch's <c>F.celu(input, alpha=1.0)</c>.</summary>
    public static Tensor Celu(Tensor input, double alpha = 1, bool inplace = false) =>
        inplace ? InPlace(input, x => x.Celu(alpha)) : input.Celu(alpha);

    /// <summary>x·Φ(x), PyTorch's <c>F.gelu(input, approximate='none')</c> ("none" or "tanh").</summary>
    public static Tensor Gelu(Tensor input, string approximate = "none") => input.Gelu(approximate);

    /// <summary>x·sigmoid(x), PyTorch's <c>F.silu</c>.</summary>
    public static Tensor Silu(Tensor input, bool inplace = false) => inplace ? InPlace(input, x => x.Silu()) : input.Silu();

    /// <summary>x·tanh(softplus(x)), PyTorch's <c>F.mish</c>.</summary>
    public static Tensor Mish(Tensor input, bool inplace = false) => inplace ? InPlace(input, x => x.Mish()) : input.Mish();

    /// <summary>1/(1 + e⁻ˣ), PyTorch's <c>torch.sigmoid</c>.</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>tanh(x), PyTorch's <c>torch.tanh</c>.</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();

    /// <summary>x·relu6(x + 3)/6, PyTorch's <c>F.hardswish</c>.</summary>
    public static Tensor Hardswish(Tensor input, bool inplace = false) => inplace ? InPlace(input, x => x.Hardswish()) : input.Hardswish();

    /// <summary>relu6(x + 3)/6, PyTorch's <c>F.hardsigmoid</c>.</summary>
    public static Tensor Hardsigmoid(Tensor input, bool inplace = false) =>
        inplace ? InPlace(input, x => x.Hardsigmoid()) : input.Hardsigmoid();

    /// <summary>log(1 + e^(βx))/β (x where βx &gt; threshold), PyTorch's <c>F.softplus(input, beta=1, threshold=20)</c>.</summary>
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20) => input.Softplus(beta, threshold);

    /// <summary>log(sigmoid(x)), PyTorch's <c>F.logsigmoid</c>.</summary>
    public static Tensor LogSigmoid(Tensor input) => input.LogSigmoid();

    /// <summary>Softmax along <paramref name="dim"/>, PyTorch's <c>F.softmax(input, dim)</c>. A null dim picks PyTorch's
    /// legacy implicit choice: 0 for 0-, 1- and 3-D inputs, else 1.</summary>
    public static Tensor Softmax(Tensor input, int? dim) => input.Softmax(dim ?? ImplicitSoftmaxDim(input.Ndim));

    /// <summary>Log-softmax along <paramref name="dim"/>, PyTorch's <c>F.log_softmax(input, dim)</c> (null: as <see cref="Softmax"/>).</summary>
    public static Tensor LogSoftmax(Tensor input, int? dim) => input.LogSoftmax(dim ?? ImplicitSoftmaxDim(input.Ndim));

    private static int ImplicitSoftmaxDim(int ndim) => ndim is 0 or 1 or 3 ? 0 : 1;

    /// <summary>PyTorch's in-place forms that Lumen's Tensor has no kernel for: computes <paramref name="op"/> on a
    /// tensor carrying <paramref name="input"/>'s current history, writes the result into <paramref name="input"/> and
    /// returns it; the gradient then flows through the op to the old history. These ops' backward reads their input,
    /// so when a graph is recorded the op runs on a copy (the overwrite then saves no memory, but stays correct).</summary>
    private static Tensor InPlace(Tensor input, Func<Tensor, Tensor> op)
    {
        Graph.CheckInPlace(input, "inplace activation");
        var result = Graph.Needs(input) ? op(input.ShallowHistoryCopy().Clone()) : op(input);
        return input.Copy_(result);
    }

    /// <summary>
    /// Parametric ReLU, PyTorch's <c>F.prelu(input, weight)</c>: x for x &gt; 0, else weight[c]·x with c the channel
    /// (dim 1) of an [N, C, *] input; a one-element weight is shared by every channel. grad_fn PreluBackward0:
    /// dx = g where x &gt; 0 else weight·g; dweight[c] = Σ over channel c of (x &gt; 0 ? 0 : x·g).
    /// </summary>
    /// <exception cref="ShapeMismatchException">The weight is neither one element nor C elements.</exception>
    public static Tensor Prelu(Tensor input, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.DType != DType.Float32 || weight.DType != DType.Float32)
            throw new ArgumentException($"prelu: expected float32 input and weight, got {input.DType.TorchName()} and {weight.DType.TorchName()}.");
        int numW = weight.Numel();
        if (weight.Ndim > 1) throw new ShapeMismatchException($"prelu: weight must be 0-D or 1-D, got {weight.Shape}.");
        int channels = input.Ndim >= 2 ? input.Size(1) : 1;
        if (numW != 1 && numW != channels)
            throw new ShapeMismatchException($"prelu: weight {weight.Shape} has {numW} parameters but input {input.Shape} has {channels} channels " +
                                             "(dim 1); expected 1 or the channel count.");
        int n = input.Numel();
        int inner = 1;
        for (int d = 2; d < input.Ndim; d++) inner *= input.Size(d);
        int c = numW == 1 ? 1 : channels;
        int innerEff = numW == 1 ? n : inner;   // elements per weight run
        var (xd, xo) = input.ContiguousF32();
        var (wd, wo) = weight.ContiguousF32();
        var r = Tensor.Empty(input._shape, DType.Float32, zero: false);
        var y = r.F32;
        int runs = n == 0 ? 0 : n / Math.Max(innerEff, 1);
        ParallelFor.Run(runs, Math.Max(1, 32768 / Math.Max(innerEff, 1)), (a, b) =>
        {
            for (int run = a; run < b; run++)
            {
                float w = wd[wo + run % c];
                int s = run * innerEff;
                for (int i = 0; i < innerEff; i++) { float v = xd[xo + s + i]; y[s + i] = v > 0 ? v : w * v; }
            }
        });
        var wShape = weight._shape;
        return Graph.Record(r, "PreluBackward0", new[] { input, weight }, g =>
        {
            var (gd, go) = g.ContiguousF32();
            var dx = input.RequiresGrad ? Tensor.Empty(input._shape, DType.Float32, zero: false) : null;
            var dxd = dx?.F32;
            var partial = new double[Math.Max(runs, 0)];
            ParallelFor.Run(runs, Math.Max(1, 32768 / Math.Max(innerEff, 1)), (a, b) =>
            {
                for (int run = a; run < b; run++)
                {
                    float w = wd[wo + run % c];
                    int s = run * innerEff;
                    double acc = 0;
                    for (int i = 0; i < innerEff; i++)
                    {
                        float v = xd[xo + s + i], gv = gd[go + s + i];
                        if (dxd != null) dxd[s + i] = v > 0 ? gv : w * gv;
                        if (v <= 0) acc += v * gv;
                    }
                    partial[run] = acc;
                }
            });
            Tensor? dw = null;
            if (weight.RequiresGrad)
            {
                var sums = new float[numW];
                var tot = new double[numW];
                for (int run = 0; run < runs; run++) tot[run % c] += partial[run];
                for (int k = 0; k < numW; k++) sums[k] = (float)tot[k];
                dw = Tensor.Wrap(sums, wShape);
            }
            return new[] { dx, dw };
        }, input, weight);
    }
}
