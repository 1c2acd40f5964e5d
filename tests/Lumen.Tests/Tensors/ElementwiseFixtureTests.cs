using System.Text.Json;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>
/// Runs every case of tests/Fixtures/data/elementwise.json (written by gen_elementwise.py with PyTorch 1.13): the
/// forward output, its dtype, PyTorch's grad_fn name, and the input gradients of a fixed random upstream gradient.
/// </summary>
public class ElementwiseFixtureTests
{
    /// <summary>The Lumen twin of each PyTorch line in gen_elementwise.py, keyed by case name (activation cases drop their
    /// shape suffix, _2x3x4 or _37).</summary>
    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["add_broadcast_3x1"] = x => x[0] + x[1],
        ["add_broadcast_4"] = x => x[0] + x[1],
        ["add_alpha"] = x => x[0].Add(x[1], alpha: 2.5f),
        ["add_scalar"] = x => x[0] + 1.5f,
        ["sub_broadcast_3x1"] = x => x[0] - x[1],
        ["sub_broadcast_4"] = x => x[0] - x[1],
        ["sub_scalar"] = x => x[0] - 0.75f,
        ["rsub_scalar"] = x => 2f - x[0],
        ["mul_broadcast_3x1"] = x => x[0] * x[1],
        ["mul_broadcast_4"] = x => x[0] * x[1],
        ["mul_scalar"] = x => x[0] * -3f,
        ["div_broadcast_3x1"] = x => x[0] / x[1],
        ["div_broadcast_4"] = x => x[0] / x[1],
        ["div_scalar"] = x => x[0] / 4f,
        ["rdiv_scalar"] = x => 2f / x[0],
        ["pow_tensor_broadcast_4"] = x => x[0].Pow(x[1]),
        ["pow_tensor_broadcast_3x1"] = x => x[0].Pow(x[1]),
        ["pow_tensor_zero_base"] = x => x[0].Pow(x[1]),
        ["pow_scalar_2"] = x => x[0].Pow(2f),
        ["pow_scalar_3"] = x => x[0].Pow(3f),
        ["pow_scalar_half"] = x => x[0].Pow(0.5f),
        ["pow_scalar_minus1"] = x => x[0].Pow(-1f),
        ["pow_scalar_0"] = x => x[0].Pow(0f),
        ["pow_scalar_1_5"] = x => x[0].Pow(1.5f),
        ["add_int64"] = x => x[0] + x[1],
        ["sub_int64"] = x => x[0] - x[1],
        ["mul_int64"] = x => x[0] * x[1],
        ["div_int64_is_true_division"] = x => x[0] / x[1],
        ["add_int64_float"] = x => x[0] + x[1],
        ["maximum_ties"] = x => x[0].Maximum(x[1]),
        ["minimum_ties"] = x => x[0].Minimum(x[1]),
        ["maximum_broadcast_4"] = x => x[0].Maximum(x[1]),

        ["neg"] = x => -x[0],
        ["exp"] = x => x[0].Exp(),
        ["log"] = x => x[0].Log(),
        ["sqrt"] = x => x[0].Sqrt(),
        ["sqrt_at_zero"] = x => x[0].Sqrt(),
        ["abs"] = x => x[0].Abs(),
        ["sign"] = x => x[0].Sign(),
        ["sin"] = x => x[0].Sin(),
        ["cos"] = x => x[0].Cos(),
        ["clamp_both"] = x => x[0].Clamp(-0.5f, 0.5f),
        ["clamp_min"] = x => x[0].Clamp(min: -0.5f),
        ["clamp_max"] = x => x[0].Clamp(max: 0.5f),

        ["eq_float_broadcast"] = x => x[0].Eq(x[1]), ["eq_scalar"] = x => x[0].Eq(0f), ["eq_int64"] = x => x[0].Eq(x[1]),
        ["ne_float_broadcast"] = x => x[0].Ne(x[1]), ["ne_scalar"] = x => x[0].Ne(0f), ["ne_int64"] = x => x[0].Ne(x[1]),
        ["lt_float_broadcast"] = x => x[0] < x[1], ["lt_scalar"] = x => x[0] < 0f, ["lt_int64"] = x => x[0] < x[1],
        ["le_float_broadcast"] = x => x[0] <= x[1], ["le_scalar"] = x => x[0] <= 0f, ["le_int64"] = x => x[0] <= x[1],
        ["gt_float_broadcast"] = x => x[0] > x[1], ["gt_scalar"] = x => x[0] > 0f, ["gt_int64"] = x => x[0] > x[1],
        ["ge_float_broadcast"] = x => x[0] >= x[1], ["ge_scalar"] = x => x[0] >= 0f, ["ge_int64"] = x => x[0] >= x[1],
        ["lt_int64_float"] = x => x[0].Lt(x[1]),
        ["masked_fill_3x4"] = x => x[0].MaskedFill(x[1], -1.5f),
        ["masked_fill_4"] = x => x[0].MaskedFill(x[1], 2f),

        ["relu"] = x => x[0].Relu(),
        ["relu_inplace"] = x => x[0].Clone().Relu_(),
        ["relu6"] = x => x[0].Relu6(),
        ["relu6_inplace"] = x => x[0].Clone().Relu6_(),
        ["hardtanh"] = x => x[0].Hardtanh(-0.5f, 2f),
        ["hardtanh_default"] = x => x[0].Hardtanh(),
        ["hardtanh_inplace"] = x => x[0].Clone().Hardtanh_(-0.5f, 2f),
        ["leaky_relu"] = x => x[0].LeakyRelu(),
        ["leaky_relu_0_2"] = x => x[0].LeakyRelu(0.2f),
        ["leaky_relu_inplace"] = x => x[0].Clone().LeakyRelu_(0.1f),
        ["elu"] = x => x[0].Elu(),
        ["elu_alpha_0_5"] = x => x[0].Elu(0.5f),
        ["elu_inplace"] = x => x[0].Clone().Elu_(1.3f),
        ["selu"] = x => x[0].Selu(),
        ["celu"] = x => x[0].Celu(1.5f),
        ["gelu"] = x => x[0].Gelu(),
        ["gelu_tanh"] = x => x[0].Gelu(approximate: "tanh"),
        ["silu"] = x => x[0].Silu(),
        ["sigmoid"] = x => x[0].Sigmoid(),
        ["tanh"] = x => x[0].Tanh(),
        ["softplus"] = x => x[0].Softplus(),
        ["softplus_beta2_threshold5"] = x => x[0].Softplus(beta: 2f, threshold: 5f),
        ["logsigmoid"] = x => x[0].LogSigmoid(),
        ["hardswish"] = x => x[0].Hardswish(),
        ["hardsigmoid"] = x => x[0].Hardsigmoid(),
        ["relu_on_transposed_view"] = x => x[0].T().Relu(),
        ["sigmoid_on_transposed_view"] = x => x[0].T().Sigmoid(),
        ["gelu_on_transposed_view"] = x => x[0].T().Gelu(),

        ["softmax_2d_last_dim"] = x => x[0].Softmax(-1),
        ["softmax_4d_dim1"] = x => x[0].Softmax(1),
        ["softmax_3d_dim0"] = x => x[0].Softmax(0),
        ["softmax_3d_dim2"] = x => x[0].Softmax(2),
        ["softmax_1d"] = x => x[0].Softmax(0),
        ["softmax_large_values"] = x => x[0].Softmax(1),
        ["softmax_on_transposed_view"] = x => x[0].T().Softmax(1),
        ["log_softmax_2d_last_dim"] = x => x[0].LogSoftmax(-1),
        ["log_softmax_4d_dim1"] = x => x[0].LogSoftmax(1),
        ["log_softmax_3d_dim0"] = x => x[0].LogSoftmax(0),
        ["log_softmax_3d_dim2"] = x => x[0].LogSoftmax(2),
        ["log_softmax_1d"] = x => x[0].LogSoftmax(0),
        ["log_softmax_large_values"] = x => x[0].LogSoftmax(1),
        ["log_softmax_on_transposed_view"] = x => x[0].T().LogSoftmax(1),

        ["where_broadcast_three"] = x => Torch.Where(x[0], x[1], x[2]),
        ["where_cond_broadcast"] = x => Torch.Where(x[0], x[1], x[2]),
        ["where_scalar_other"] = x => Torch.Where(x[0], x[1], 0f),
        ["where_int64"] = x => Torch.Where(x[0], x[1], x[2]),
        ["where_float_int64"] = x => Torch.Where(x[0], x[1], x[2]),
    };

    public static IEnumerable<object[]> CaseNames()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "elementwise.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateObject().Select(p => new object[] { p.Name }).ToList();
    }

    private static Func<Tensor[], Tensor> OpFor(string name)
    {
        if (Ops.TryGetValue(name, out var f)) return f;
        foreach (var suffix in new[] { "_2x3x4", "_37" })
            if (name.EndsWith(suffix) && Ops.TryGetValue(name[..^suffix.Length], out f)) return f;
        throw new KeyNotFoundException($"elementwise.json case '{name}' has no Lumen twin in {nameof(ElementwiseFixtureTests)}.Ops.");
    }

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void Forward_output_grad_fn_and_input_gradients_match_PyTorch(string name)
    {
        var c = Fixtures.Case("elementwise", name);
        var keys = c.Raw("inputs").EnumerateArray().Select(k => k.GetString()!).ToArray();
        var inputs = keys.Select(k => c.Tensor(k)).ToArray();
        foreach (var x in inputs) if (x.DType == DType.Float32) x.RequiresGrad = true;

        var output = OpFor(name)(inputs);
        var expected = c.Tensor("out");
        if (expected.DType == DType.Float32)
        {
            Assert.Equal(DType.Float32, output.DType);
            TensorAssert.Close(expected, output, 1e-5, $"{name} forward");
        }
        else TensorAssert.Equal(expected, output, $"{name} forward");

        var gradFn = c.Raw("grad_fn");
        Assert.Equal(gradFn.ValueKind == JsonValueKind.Null ? null : gradFn.GetString(), output.GradFn?.Name);

        Skip.IfNot(c.Has("g"), $"{name}: forward and grad_fn checked; the fixture has no gradient (PyTorch does not differentiate this op)");
        output.Backward(c.Tensor("g"));
        for (int i = 0; i < keys.Length; i++)
        {
            if (inputs[i].DType != DType.Float32) continue;
            var grad = inputs[i].Grad ?? Torch.ZerosLike(inputs[i]);
            TensorAssert.Close(c.Tensor("grad_" + keys[i]), grad, 1e-5, $"{name} d/d{keys[i]}");
        }
    }

    [Fact]
    public void Fixture_file_covers_every_op_family()
    {
        var names = CaseNames().Select(o => (string)o[0]).ToList();
        Assert.True(names.Count >= 130, $"elementwise.json has only {names.Count} cases");
        foreach (var family in new[] { "add_", "pow_", "maximum_", "clamp_", "eq_", "masked_fill", "relu6", "gelu", "softplus", "log_softmax", "where_" })
            Assert.Contains(names, n => n.StartsWith(family));
        foreach (var key in Ops.Keys)
            Assert.Contains(names, n => n == key || n.StartsWith(key + "_2x3x4"));
    }
}
