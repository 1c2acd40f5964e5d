using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

public class ReductionTests
{
    // Each name is a case in gen_reduce_index.py; the lambda is the Lumen twin of the PyTorch call there.
    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["max_all"] = x => x[0].Max(),
        ["min_all"] = x => x[0].Min(),
        ["max_all_ties"] = x => x[0].Max(),
        ["min_all_ties"] = x => x[0].Min(),
        ["amax_dims"] = x => x[0].Amax(new[] { 0, 2 }),
        ["amax_ties"] = x => x[0].Amax(1),
        ["amin_keep"] = x => x[0].Amin(-1, keepDim: true),
        ["amax_all"] = x => x[0].Amax(),
        ["argmax_all"] = x => x[0].Argmax(),
        ["argmax_dim"] = x => x[0].Argmax(1),
        ["argmin_dim_keep"] = x => x[0].Argmin(-1, keepDim: true),
        ["argmax_ties"] = x => x[0].Argmax(1),
        ["argmin_ties"] = x => x[0].Argmin(0),
        ["var_all"] = x => x[0].Var(),
        ["var_dim"] = x => x[0].Var(1),
        ["var_dims_biased_keep"] = x => x[0].Var(new[] { 0, 2 }, unbiased: false, keepDim: true),
        ["var_correction2"] = x => x[0].Var(1, correction: 2),
        ["std_all"] = x => x[0].Std(),
        ["std_dim"] = x => x[0].Std(-1),
        ["std_dims_keep"] = x => x[0].Std(new[] { 0, 1 }, keepDim: true),
        ["norm_2_all"] = x => x[0].Norm(),
        ["norm_1_dim"] = x => x[0].Norm(1, dim: 1),
        ["norm_inf_dim"] = x => x[0].Norm(float.PositiveInfinity, dim: -1),
        ["norm_neginf_dim"] = x => x[0].Norm(float.NegativeInfinity, dim: 0),
        ["norm_3_dims_keep"] = x => x[0].Norm(3, new[] { 0, 2 }, keepDim: true),
        ["norm_half_dim"] = x => x[0].Norm(0.5f, dim: 1),
        ["norm_fro_dims"] = x => x[0].Norm("fro", new[] { 1, 2 }),
        ["norm_0_dim"] = x => x[0].Norm(0, dim: 1),
        ["prod_all"] = x => x[0].Prod(),
        ["prod_dim"] = x => x[0].Prod(1),
        ["prod_dim_keep_zeros"] = x => x[0].Prod(1, keepDim: true),
        ["prod_all_one_zero"] = x => x[0].Prod(),
        ["logsumexp_dim"] = x => x[0].LogSumExp(1),
        ["logsumexp_dims_keep"] = x => x[0].LogSumExp(new[] { 0, 2 }, keepDim: true),
        ["logsumexp_large"] = x => x[0].LogSumExp(-1),
        ["cumsum_dim1"] = x => x[0].CumSum(1),
        ["cumsum_dim0"] = x => x[0].CumSum(0),
        ["cumsum_neg"] = x => x[0].CumSum(-1),
        ["all_all"] = x => x[0].All(),
        ["any_all"] = x => x[0].Any(),
        ["all_dim1"] = x => x[0].All(1),
        ["any_dim0_keep"] = x => x[0].Any(0, keepDim: true),
    };

    private static readonly Dictionary<string, Func<Tensor[], ValuesIndices>> PairOps = new()
    {
        ["max_dim"] = x => x[0].Max(1),
        ["max_dim_neg_keep"] = x => x[0].Max(-1, keepDim: true),
        ["min_dim0"] = x => x[0].Min(0),
        ["max_dim_ties"] = x => x[0].Max(1),
        ["min_dim_ties"] = x => x[0].Min(1),
    };

    public static IEnumerable<object[]> Cases => Ops.Keys.Select(k => new object[] { k });
    public static IEnumerable<object[]> PairCases => PairOps.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reduction_matches_PyTorch_forward_grad_fn_and_input_gradient(string name) => OpFixture.Check(name, Ops[name]);

    [Theory]
    [MemberData(nameof(PairCases))]
    public void Max_and_min_along_a_dim_match_PyTorch_values_first_index_on_ties_and_gradient(string name) =>
        OpFixture.CheckPair(name, PairOps[name]);

    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Differentiable = new()
    {
        ["max"] = x => x[0].Max(),
        ["min"] = x => x[0].Min(),
        ["max_dim"] = x => x[0].Max(1).Values,
        ["min_dim_keep"] = x => x[0].Min(-1, keepDim: true).Values,
        ["amax"] = x => x[0].Amax(new[] { 0, 2 }),
        ["amin"] = x => x[0].Amin(1, keepDim: true),
        ["var"] = x => x[0].Var(new[] { 0, 2 }),
        ["var_biased"] = x => x[0].Var(1, unbiased: false),
        ["std"] = x => x[0].Std(-1, keepDim: true),
        ["std_all"] = x => x[0].Std(),
        ["norm2"] = x => x[0].Norm(),
        ["norm1"] = x => x[0].Norm(1, dim: 1),
        ["norm_inf"] = x => x[0].Norm(float.PositiveInfinity, dim: 2),
        ["norm_neginf"] = x => x[0].Norm(float.NegativeInfinity, dim: 0),
        ["norm3"] = x => x[0].Norm(3, new[] { 1, 2 }),
        ["norm_half"] = x => x[0].Norm(0.5f, dim: -1),
        ["norm_fro"] = x => x[0].Norm("fro", new[] { 0, 1 }),
        ["prod"] = x => x[0].Prod(),
        ["prod_dim"] = x => x[0].Prod(1),
        ["logsumexp"] = x => x[0].LogSumExp(new[] { 1, 2 }),
        ["cumsum"] = x => x[0].CumSum(1),
    };

    public static IEnumerable<object[]> DifferentiableCases => Differentiable.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(DifferentiableCases))]
    public void Reduction_passes_gradcheck(string name) => GradCheck.Assert(Differentiable[name], OpFixture.Spread(7, 2, 3, 4));

    [Fact]
    public void Prod_gradient_is_exact_with_one_and_two_zeros_in_a_lane()
    {
        var x = Torch.Tensor(new float[] { 0, 2, 3, 0, 0, 5 }, 2, 3);
        GradCheck.Assert(t => t[0].Prod(1), x);
        GradCheck.Assert(t => t[0].Prod(), Torch.Tensor(new float[] { 1.5f, 0, -2 }, 3));
    }

    [Fact]
    public void Max_over_a_dim_deconstructs_into_values_and_int64_indices()
    {
        var logits = Torch.Tensor(new float[,] { { 0.1f, 2f, -1f }, { 3f, 0f, 3f } });
        var (values, predicted) = logits.Max(1);
        TensorAssert.Values(new float[] { 2f, 3f }, values);
        Assert.Equal(DType.Int64, predicted.DType);
        Assert.Equal(new long[] { 1, 0 }, predicted.ToArray<long>());
        Assert.Equal(new long[] { 1, 0 }, logits.Argmax(1).ToArray<long>());
    }

    [Fact]
    public void Integer_max_min_and_argmax_keep_int64()
    {
        var labels = Torch.Tensor(new long[] { 3, 9, 1, 9 }, 4);
        Assert.Equal(DType.Int64, labels.Max().DType);
        Assert.Equal(9L, labels.Max().Item<long>());
        Assert.Equal(1L, labels.Min().Item<long>());
        Assert.Equal(1L, labels.Argmax().Item<long>());
        Assert.Equal(new long[] { 3, 12, 13, 22 }, labels.CumSum(0).ToArray<long>());
        Assert.Equal(DType.Int64, labels.Amax(0).DType);
    }

    [Fact]
    public void Max_propagates_NaN_and_argmax_points_at_it()
    {
        var x = Torch.Tensor(new float[] { 1f, float.NaN, 5f }, 3);
        Assert.True(float.IsNaN(x.Max().Item()));
        Assert.Equal(1L, x.Argmax().Item<long>());
        Assert.True(float.IsNaN(x.Amax().Item()));
    }

    [Fact]
    public void Reductions_of_a_non_contiguous_view_match_those_of_its_copy()
    {
        var x = OpFixture.Spread(3, 4, 5).T();
        var c = x.Contiguous();
        TensorAssert.Equal(c.Max(1).Indices, x.Max(1).Indices);
        TensorAssert.Close(c.Var(0), x.Var(0));
        TensorAssert.Close(c.Norm(3, dim: 1), x.Norm(3, dim: 1));
        TensorAssert.Close(c.CumSum(0), x.CumSum(0));
        TensorAssert.Close(c.Prod(1), x.Prod(1));
    }

    [Fact]
    public void Reductions_of_a_0d_tensor_accept_dim_0_and_minus_1()
    {
        var s = Torch.Scalar(2.5f);
        Assert.Equal(2.5f, s.Max(0).Values.Item());
        Assert.Equal(0L, s.Argmax(-1).Item<long>());
        Assert.Equal(2.5f, s.Amax(0).Item());
        Assert.Equal(2.5f, s.Norm(2, dim: 0).Item());
    }

    [Fact]
    public void Out_of_range_dim_names_the_dim_and_the_valid_range()
    {
        var x = Torch.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => x.Max(2));
        Assert.Contains("but got 2", ex.Message);
        Assert.Contains("[-2, 1]", ex.Message);
        Assert.Contains("got -3", Assert.Throws<ArgumentOutOfRangeException>(() => x.Var(-3)).Message);
        Assert.Contains("got 5", Assert.Throws<ArgumentOutOfRangeException>(() => x.Amax(new[] { 0, 5 })).Message);
        Assert.Contains("got 4", Assert.Throws<ArgumentOutOfRangeException>(() => x.CumSum(4)).Message);
    }

    [Fact]
    public void Max_of_an_empty_tensor_throws_naming_its_shape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Torch.Zeros(0, 3).Max());
        Assert.Contains("[0, 3]", ex.Message);
        Assert.Throws<ArgumentException>(() => Torch.Zeros(2, 0).Max(1));
    }

    [Fact]
    public void Norm_rejects_unknown_names()
    {
        var ex = Assert.Throws<ArgumentException>(() => Torch.Ones(2, 2).Norm("nuc"));
        Assert.Contains("nuc", ex.Message);
    }
}
