using Lumen.Autograd;
using Lumen.Kernels;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>Gradient checks, naive reference twins and error behaviour of the activations, softmax and where.
/// (Their values against PyTorch are in <see cref="ElementwiseFixtureTests"/>.)</summary>
public class ActivationTests
{
    /// <summary>Uniform values in [−range, range] that stay at least <paramref name="gap"/> away from every kink in
    /// <paramref name="kinks"/>, so central differences never straddle one.</summary>
    private static Tensor Away(int seed, float range, float gap, float[] kinks, params int[] shape)
    {
        var rng = new Random(seed);
        var d = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++)
        {
            float v;
            do v = (float)((rng.NextDouble() * 2 - 1) * range);
            while (kinks.Any(k => Math.Abs(v - k) < gap));
            d[i] = v;
        }
        return Torch.Tensor(d, shape);
    }

    private static Tensor R(int seed, float range, params int[] shape) => Away(seed, range, 0f, Array.Empty<float>(), shape);

    private static (Func<Tensor, Tensor> F, float[] Kinks) A(Func<Tensor, Tensor> f, params float[] kinks) => (f, kinks);

    public static TheoryData<string> ActivationNames() => new()
    {
        "relu", "relu_", "relu6", "relu6_", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "celu",
        "gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "softplus", "softplus_beta", "logsigmoid", "hardswish", "hardsigmoid",
    };

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void Activation_passes_gradcheck_away_from_its_kinks(string name)
    {
        var (f, kinks) = name switch
        {
            "relu" => A(x => x.Relu(), 0f),
            "relu_" => A(x => x.Clone().Relu_(), 0f),
            "relu6" => A(x => x.Relu6(), 0f, 6f),
            "relu6_" => A(x => x.Clone().Relu6_(), 0f, 6f),
            "hardtanh" => A(x => x.Hardtanh(-0.5f, 2f), -0.5f, 2f),
            "hardtanh_" => A(x => x.Clone().Hardtanh_(-0.5f, 2f), -0.5f, 2f),
            "leaky_relu" => A(x => x.LeakyRelu(0.1f), 0f),
            "leaky_relu_" => A(x => x.Clone().LeakyRelu_(0.1f), 0f),
            "elu" => A(x => x.Elu(0.7f), 0f),
            "elu_" => A(x => x.Clone().Elu_(0.7f), 0f),
            "selu" => A(x => x.Selu(), 0f),
            "celu" => A(x => x.Celu(1.5f)),
            "gelu" => A(x => x.Gelu()),
            "gelu_tanh" => A(x => x.Gelu("tanh")),
            "silu" => A(x => x.Silu()),
            "sigmoid" => A(x => x.Sigmoid()),
            "tanh" => A(x => x.Tanh()),
            "softplus" => A(x => x.Softplus()),
            "softplus_beta" => A(x => x.Softplus(beta: 2f, threshold: 3f), 1.5f),
            "logsigmoid" => A(x => x.LogSigmoid()),
            "hardswish" => A(x => x.Hardswish(), -3f, 3f),
            "hardsigmoid" => A(x => x.Hardsigmoid(), -3f, 3f),
            _ => throw new ArgumentException(name),
        };
        GradCheck.Assert(x => f(x[0]), Away(name.Length, 7f, 0.02f, kinks, 4, 9));
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(-1)]
    public void Softmax_and_log_softmax_pass_gradcheck_along_every_dim(int dim)
    {
        GradCheck.Assert(x => x[0].Softmax(dim), R(3, 2f, 2, 3, 4));
        GradCheck.Assert(x => x[0].LogSoftmax(dim), R(4, 2f, 2, 3, 4));
    }

    [Fact]
    public void Where_passes_gradcheck_with_all_three_inputs_broadcast()
    {
        var cond = R(5, 1f, 3, 1).Gt(0f);
        GradCheck.Assert(x => Torch.Where(cond, x[0], x[1]), R(6, 1f, 2, 3, 4), R(7, 1f, 4));
        GradCheck.Assert(x => x[0].Where(cond, 0.5f), R(8, 1f, 3, 4));
    }

    // ------------------------------------------------------------------ naive reference twins

    /// <summary>Softmax (or log-softmax) along <paramref name="dim"/> in double, one output element at a time.</summary>
    private static double[] NaiveSoftmax(float[] x, int[] shape, int dim, bool log)
    {
        int outer = shape.Take(dim).Aggregate(1, (a, b) => a * b), size = shape[dim];
        int inner = shape.Skip(dim + 1).Aggregate(1, (a, b) => a * b);
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < inner; c++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < size; k++) max = Math.Max(max, x[(o * size + k) * inner + c]);
                for (int k = 0; k < size; k++) sum += Math.Exp(x[(o * size + k) * inner + c] - max);
                for (int k = 0; k < size; k++)
                {
                    int i = (o * size + k) * inner + c;
                    y[i] = log ? x[i] - max - Math.Log(sum) : Math.Exp(x[i] - max) / sum;
                }
            }
        return y;
    }

    [Theory]
    [InlineData(1, false)] [InlineData(1, true)] [InlineData(3, false)] [InlineData(0, true)]
    public void Softmax_matches_a_naive_reference_on_a_4d_input_with_several_column_blocks(int dim, bool log)
    {
        // [2, 3, 40, 30]: along dim 1 the inner size 1200 spans three column blocks, the last one partial.
        int[] shape = { 2, 3, 40, 30 };
        var x = R(11, 6f, shape);
        var g = R(12, 1f, shape);
        x.RequiresGrad = true;
        var y = log ? x.LogSoftmax(dim) : x.Softmax(dim);
        var expected = NaiveSoftmax(x.ToArray(), shape, dim, log);
        TensorAssert.Close(Torch.Tensor(expected.Select(v => (float)v).ToArray(), shape), y, 1e-5, "forward");

        // Backward reference: softmax dx = y (g − Σ g y); log_softmax dx = g − softmax · Σ g, sums along dim.
        y.Backward(g);
        var sm = log ? expected.Select(Math.Exp).ToArray() : expected;
        var gd = g.ToArray();
        var dx = new double[gd.Length];
        int outer = shape.Take(dim).Aggregate(1, (a, b) => a * b), size = shape[dim];
        int inner = shape.Skip(dim + 1).Aggregate(1, (a, b) => a * b);
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < inner; c++)
            {
                double s = 0;
                for (int k = 0; k < size; k++) { int i = (o * size + k) * inner + c; s += log ? gd[i] : gd[i] * sm[i]; }
                for (int k = 0; k < size; k++)
                {
                    int i = (o * size + k) * inner + c;
                    dx[i] = log ? gd[i] - sm[i] * s : sm[i] * (gd[i] - s);
                }
            }
        TensorAssert.Close(Torch.Tensor(dx.Select(v => (float)v).ToArray(), shape), x.Grad!, 1e-5, "backward");
    }

    [Fact]
    public void Softmax_of_huge_logits_is_finite_and_sums_to_one()
    {
        var x = Torch.Tensor(new float[] { 1e30f, 1e30f, -1e30f, 88.8f, 1000f, 999f }, 2, 3);
        var y = x.Softmax(1);
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
        TensorAssert.Values(new float[] { 1, 1 }, y.Sum(1), 1e-6);
        Assert.True(float.IsFinite(x.LogSoftmax(1).ToArray()[5]));
    }

    [Fact]
    public void Softmax_of_a_0d_tensor_is_one()
    {
        Assert.Equal(1f, Torch.Scalar(3.5f).Softmax(0).Item());
        Assert.Equal(0f, Torch.Scalar(3.5f).LogSoftmax(-1).Item());
    }

    [Theory]
    [InlineData("relu")] [InlineData("sigmoid")] [InlineData("tanh")] [InlineData("gelu")] [InlineData("silu")]
    public void Hot_activation_matches_its_scalar_definition_on_a_large_tensor(string name)
    {
        // 100 003 elements: several parallel chunks and a SIMD tail.
        var x = R(21, 8f, 100_003);
        var g = R(22, 1f, 100_003);
        Func<double, double> f, df;
        switch (name)
        {
            case "relu": f = v => Math.Max(v, 0); df = v => v > 0 ? 1 : 0; break;
            case "sigmoid": f = v => 1 / (1 + Math.Exp(-v)); df = v => f(v) * (1 - f(v)); break;
            case "tanh": f = Math.Tanh; df = v => 1 - Math.Tanh(v) * Math.Tanh(v); break;
            case "gelu":
                f = v => v * 0.5 * (1 + ActivationKernels.Erf(v / Math.Sqrt(2)));
                df = v => 0.5 * (1 + ActivationKernels.Erf(v / Math.Sqrt(2))) + v * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI);
                break;
            default: f = v => v / (1 + Math.Exp(-v)); df = v => { double s = 1 / (1 + Math.Exp(-v)); return s * (1 + v * (1 - s)); }; break;
        }
        x.RequiresGrad = true;
        var y = name switch { "relu" => x.Relu(), "sigmoid" => x.Sigmoid(), "tanh" => x.Tanh(), "gelu" => x.Gelu(), _ => x.Silu() };
        y.Backward(g);
        var xs = x.ToArray(); var gs = g.ToArray();
        TensorAssert.Close(Torch.Tensor(xs.Select(v => (float)f(v)).ToArray(), xs.Length), y, 1e-5, "forward");
        TensorAssert.Close(Torch.Tensor(xs.Select((v, i) => (float)(gs[i] * df(v))).ToArray(), xs.Length), x.Grad!, 1e-5, "backward");
    }

    [Fact]
    public void Erf_agrees_with_tabulated_values_far_below_float_resolution()
    {
        // Reference values of erf and erfc (Python's math.erf / math.erfc, which are correctly rounded to ~1 ulp).
        (double x, double erf)[] erf = { (0.1, 0.1124629160182849), (0.5, 0.5204998778130465), (0.99, 0.8385080695553698), (1, 0.8427007929497149),
                                         (2, 0.9953222650189527), (3, 0.9999779095030014) };
        foreach (var (x, e) in erf)
        {
            Assert.True(Math.Abs(ActivationKernels.Erf(x) - e) <= 1e-12, $"erf({x}) = {ActivationKernels.Erf(x):R}, expected {e:R}");
            Assert.True(Math.Abs(ActivationKernels.Erf(-x) + e) <= 1e-12, $"erf(-{x})");
        }
        (double x, double erfc)[] erfc = { (3, 2.2090496998585438e-05), (5, 1.5374597944280351e-12), (10, 2.088487583762545e-45), (12, 1.3562611692059042e-64) };
        foreach (var (x, e) in erfc)
            Assert.True(Math.Abs(ActivationKernels.Erfc(x) - e) <= 1e-10 * e, $"erfc({x}) = {ActivationKernels.Erfc(x):R}, expected {e:R}");
        Assert.True(Math.Abs(ActivationKernels.Erfc(-1.5) - 1.9661051464753108) <= 1e-12);
        Assert.Equal(0.0, ActivationKernels.Erf(0));
        Assert.Equal(1.0, ActivationKernels.Erf(40));
    }

    // ------------------------------------------------------------------ in-place semantics and errors

    [Fact]
    public void Relu_inplace_on_a_leaf_that_requires_grad_throws()
    {
        var x = R(31, 1f, 5).RequiresGrad_();
        Assert.Throws<InvalidOperationException>(() => x.Relu_());
        using (Lumen.Autograd.Autograd.NoGrad()) x.Relu_();
        Assert.All(x.ToArray(), v => Assert.True(v >= 0));
    }

    [Fact]
    public void Relu_inplace_keeps_the_result_so_a_later_inplace_write_breaks_backward()
    {
        var x = R(32, 1f, 6).RequiresGrad_();
        var y = x.Mul(1f).Relu_();
        Assert.Equal("ReluBackward0", y.GradFn!.Name);
        y.Mul_(2f);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("ReluBackward0", ex.Message);
    }

    [Fact]
    public void Relu_inplace_on_a_transposed_view_writes_through_the_strides()
    {
        var a = Torch.Tensor(new float[,] { { -1, 2, -3 }, { 4, -5, 6 } });
        a.T().Relu_();
        TensorAssert.Values(new float[] { 0, 2, 0, 4, 0, 6 }, a);
    }

    [Fact]
    public void Sigmoid_saves_its_output_so_modifying_it_in_place_breaks_backward()
    {
        var x = R(33, 1f, 4).RequiresGrad_();
        var y = x.Sigmoid();
        y.Add_(1f);
        Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
    }

    [Fact]
    public void Relu_of_an_int64_tensor_stays_int64()
    {
        var y = Torch.Tensor(new long[] { 1, -2, 3 }, 3).Relu();
        TensorAssert.Equal(Torch.Tensor(new long[] { 1, 0, 3 }, 3), y);
    }

    [Fact]
    public void Bad_arguments_name_the_op_and_the_value()
    {
        Assert.Contains("'exact'", Assert.Throws<ArgumentException>(() => Torch.Ones(2).Gelu("exact")).Message);
        Assert.Contains("softmax", Assert.Throws<ArgumentException>(() => Torch.Tensor(new long[] { 1, 2 }, 2).Softmax(0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Ones(2, 3).Softmax(2));
        Assert.Contains("celu", Assert.Throws<ArgumentException>(() => Torch.Ones(2).Celu(0f)).Message);
        Assert.Contains("hardtanh", Assert.Throws<ArgumentException>(() => Torch.Ones(2).Hardtanh(1f, -1f)).Message);
        Assert.Contains("boolean", Assert.Throws<ArgumentException>(() => Torch.Where(Torch.Ones(2), Torch.Ones(2), Torch.Ones(2))).Message);
        var ex = Assert.Throws<ShapeMismatchException>(() => Torch.Where(Torch.Ones(2).Gt(0f), Torch.Ones(3), Torch.Ones(2)));
        Assert.Contains("where", ex.Message);
        Assert.Contains("[3]", ex.Message);
    }

    [Fact]
    public void Where_with_uint8_condition_treats_nonzero_as_true()
    {
        var cond = Torch.Tensor(new byte[] { 0, 2, 1 });
        TensorAssert.Values(new float[] { 10, 2, 3 }, Torch.Where(cond, Torch.Tensor(new float[] { 1, 2, 3 }, 3), 10f));
    }
}
