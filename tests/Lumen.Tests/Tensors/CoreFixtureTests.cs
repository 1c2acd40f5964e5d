using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>Sum/mean and view ops against PyTorch 1.13 (tests/Fixtures/gen_core.py): outputs and input gradients.</summary>
public class CoreFixtureTests
{
    public static TheoryData<string> Cases() => new()
    {
        "sum_all", "sum_dim1", "sum_dims_keep", "sum_neg_dim", "mean_all", "mean_dim0", "mean_dims", "view",
        "reshape_of_transpose", "permute", "transpose_mul", "expand_add", "unsqueeze_squeeze", "flatten_1",
        "broadcast_mul_add", "broadcast_div_sub", "pow_tensor", "contiguous_of_permute", "clone",
    };

    private static Tensor Run(string name, Tensor[] x) => name switch
    {
        "sum_all" => x[0].Sum(),
        "sum_dim1" => x[0].Sum(1),
        "sum_dims_keep" => x[0].Sum(new[] { 0, 2 }, keepDim: true),
        "sum_neg_dim" => x[0].Sum(-1),
        "mean_all" => x[0].Mean(),
        "mean_dim0" => x[0].Mean(0),
        "mean_dims" => x[0].Mean(new[] { 1, 3 }, keepDim: true),
        "view" => x[0].View(6, 4),
        "reshape_of_transpose" => x[0].Transpose(0, 1).Reshape(-1),
        "permute" => x[0].Permute(2, 0, 1) * 1.0f,
        "transpose_mul" => x[0].Transpose(1, 2) * 2.0f,
        "expand_add" => x[0].Expand(4, 3, 5) + x[1],
        "unsqueeze_squeeze" => x[0].Unsqueeze(1).Squeeze(0) * 3.0f,
        "flatten_1" => x[0].Flatten(1) * 1.5f,
        "broadcast_mul_add" => x[0] * x[1] + x[1],
        "broadcast_div_sub" => x[0] / (x[1].Abs() + 1) - x[1],
        "pow_tensor" => x[0].Abs().Add(0.5f).Pow(x[1]),
        "contiguous_of_permute" => x[0].Permute(1, 0).Contiguous().View(-1),
        "clone" => x[0].Clone() * x[0],
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_and_input_gradients_match_PyTorch(string name)
    {
        var c = Fixtures.Case("core", name);
        var xs = new List<Tensor>();
        for (int i = 0; c.Has($"x{i}"); i++) xs.Add(c.Tensor($"x{i}").RequiresGrad_());
        var y = Run(name, xs.ToArray());
        TensorAssert.Close(c.Tensor("out"), y, 1e-5, name + " output");
        y.Backward(c.Tensor("g"));
        for (int i = 0; i < xs.Count; i++) TensorAssert.Close(c.Tensor($"grad{i}"), xs[i].Grad!, 1e-5, $"{name} grad{i}");
    }
}
