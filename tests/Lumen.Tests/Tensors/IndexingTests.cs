using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

public class IndexingTests
{
    // Each name is a case in gen_reduce_index.py; the lambda is the Lumen twin of the PyTorch call there.
    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["narrow"] = x => x[0].Narrow(1, 1, 3),
        ["narrow_neg_start"] = x => x[0].Narrow(0, -2, 2),
        ["select"] = x => x[0].Select(1, 2),
        ["select_neg"] = x => x[0].Select(-1, -1),
        ["index_int"] = x => x[0][1],
        ["index_slice_step"] = x => x[0][.., TensorIndex.Slice(1, 5, step: 2)],
        ["index_mixed"] = x => x[0][0, .., 1..3],
        ["index_ellipsis"] = x => x[0][TensorIndex.Ellipsis, -1],
        ["index_newaxis"] = x => x[0][TensorIndex.NewAxis, 1..],
        ["index_from_end"] = x => x[0][^3..],
        ["index_clamped"] = x => x[0][2..100],
        ["index_select_dim0"] = x => x[0].IndexSelect(0, Torch.Tensor(new long[] { 2, 0, 2 }, 3)),
        ["index_select_dim1"] = x => x[0].IndexSelect(1, Torch.Tensor(new long[] { 4, 1 }, 2)),
        ["gather_dim1"] = x => x[0].Gather(1, x[1]),
        ["gather_dim0_smaller_index"] = x => x[0].Gather(0, x[1]),
        ["scatter_src"] = x => x[0].Scatter(1, x[1], x[2]),
        ["scatter_value"] = x => x[0].Scatter(0, x[1], 2.5f),
        ["scatter_add_duplicates"] = x => x[0].ScatterAdd(1, x[1], x[2]),
        ["masked_select"] = x => x[0].MaskedSelect(x[1]),
        ["masked_select_broadcast"] = x => x[0].MaskedSelect(x[1]),
        ["take"] = x => x[0].Take(x[1]),
        ["one_hot"] = x => Torch.OneHot(x[0]),
        ["one_hot_classes"] = x => Torch.OneHot(x[0], 3),
        ["index_bool_mask"] = x => x[0][x[1]],
        ["index_bool_rows"] = x => x[0][x[1]],
        ["index_long"] = x => x[0][x[1]],
    };

    public static IEnumerable<object[]> Cases => Ops.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Indexing_matches_PyTorch_forward_grad_fn_and_input_gradient(string name) => OpFixture.Check(name, Ops[name]);

    private static Tensor Idx(long[] v, params int[] shape) => Torch.Tensor(v, shape);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Func<Tensor[]> Inputs)> Differentiable = new()
    {
        ["narrow"] = (x => x[0].Narrow(-1, 1, 2), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["select"] = (x => x[0].Select(0, -1), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["slice_step"] = (x => x[0].Slice(1, 0, null, step: 3), () => new[] { OpFixture.Spread(1, 2, 7) }),
        ["indexer"] = (x => x[0][1, .., ^2..], () => new[] { OpFixture.Spread(1, 2, 3, 4) }),
        ["index_select_repeats"] = (x => x[0].IndexSelect(1, Idx(new long[] { 2, 0, 2 }, 3)), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["gather"] = (x => x[0].Gather(1, Idx(new long[] { 0, 0, 3, 2, 1, 1 }, 3, 2)), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["scatter_src"] = (x => x[0].Scatter(1, Idx(new long[] { 3, 0, 1, 2, 0, 3 }, 3, 2), x[1]),
                           () => new[] { OpFixture.Spread(1, 3, 4), OpFixture.Spread(2, 3, 2) }),
        ["scatter_value"] = (x => x[0].Scatter(0, Idx(new long[] { 2, 0, 1, 1 }, 1, 4), -1f), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["scatter_add"] = (x => x[0].ScatterAdd(0, Idx(new long[] { 2, 0, 2, 1, 2, 2, 0, 1 }, 2, 4), x[1]),
                           () => new[] { OpFixture.Spread(1, 3, 4), OpFixture.Spread(2, 2, 4) }),
        ["masked_select"] = (x => x[0].MaskedSelect(Torch.Tensor(new[] { true, false, true, true })), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["take"] = (x => x[0].Take(Idx(new long[] { 0, -1, 5, 5 }, 2, 2)), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["bool_mask"] = (x => x[0][Torch.Tensor(new[] { false, true, true })], () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["long_index"] = (x => x[0][Idx(new long[] { 2, -3, 2 }, 3)], () => new[] { OpFixture.Spread(1, 3, 4) }),
    };

    public static IEnumerable<object[]> DifferentiableCases => Differentiable.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(DifferentiableCases))]
    public void Indexing_op_passes_gradcheck(string name)
    {
        var (f, inputs) = Differentiable[name];
        GradCheck.Assert(f, inputs());
    }

    [Fact]
    public void Narrow_select_slice_and_the_indexer_are_views_that_write_through()
    {
        var x = Torch.Zeros(3, 4);
        using (Lumen.Autograd.Autograd.NoGrad())
        {
            x.Narrow(1, 1, 2).Add_(1f);
            x.Select(0, 2).Add_(10f);
            x.Slice(1, 0, null, step: 3).Add_(100f);
            x[0, ^1].Add_(1000f);
        }
        TensorAssert.Values(new float[] { 100, 1, 1, 1100, 100, 1, 1, 100, 110, 11, 11, 110 }, x);
        Assert.Equal(new Shape(3, 2), x[.., TensorIndex.Slice(step: 2)].Shape);
        Assert.Equal(x[.., 1..3].StorageOffset, x.Narrow(1, 1, 2).StorageOffset);
    }

    [Fact]
    public void Indexer_assignment_copies_into_the_view_like_PyTorch_setitem()
    {
        var x = Torch.Zeros(2, 3);
        x[1, 1..] = Torch.Tensor(new float[] { 5, 6 }, 2);
        x[0] = Torch.Scalar(7f);
        TensorAssert.Values(new float[] { 7, 7, 7, 0, 5, 6 }, x);
    }

    [Fact]
    public void Gradient_through_two_views_of_one_tensor_accumulates()
    {
        var x = Torch.Ones(4).RequiresGrad_();
        x[1..3].Sum().Add(x[2..].Mul(3f).Sum()).Backward();
        TensorAssert.Values(new float[] { 0, 1, 4, 3 }, x.Grad!);
    }

    [Fact]
    public void Gather_and_scatter_work_on_int64_tensors()
    {
        var labels = Torch.Tensor(new long[] { 10, 11, 12, 20, 21, 22 }, 2, 3);
        var picked = labels.Gather(1, Idx(new long[] { 2, 0 }, 2, 1));
        Assert.Equal(new long[] { 12, 20 }, picked.ToArray<long>());
        var counts = Torch.Zeros(new[] { 4 }, DType.Int64).ScatterAdd(0, Idx(new long[] { 1, 3, 1 }, 3), Torch.Tensor(new long[] { 1, 1, 1 }, 3));
        Assert.Equal(new long[] { 0, 2, 0, 1 }, counts.ToArray<long>());
    }

    [Fact]
    public void Scatter_with_a_src_larger_than_index_gives_src_a_zero_padded_gradient()
    {
        // PyTorch 1.13 raises in backward here ("invalid gradient ... got [3, 2] but expected [3, 4]"); Lumen returns the
        // mathematically right gradient: the gathered upstream gradient in src's leading corner, zeros elsewhere.
        GradCheck.Assert(x => x[0].Scatter(1, Idx(new long[] { 3, 0, 1, 2, 0, 3 }, 3, 2), x[1]),
                         OpFixture.Spread(1, 3, 4), OpFixture.Spread(2, 3, 4));
    }

    [Fact]
    public void Select_out_of_range_names_the_index_the_dimension_and_the_shape()
    {
        var x = Torch.Zeros(3, 4);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(1, 4));
        Assert.Contains("index 4", ex.Message);
        Assert.Contains("[3, 4]", ex.Message);
        Assert.Contains("index -4", Assert.Throws<ArgumentOutOfRangeException>(() => x[-4]).Message);
        Assert.Contains("index 4", Assert.Throws<ArgumentOutOfRangeException>(() => x[.., ^0]).Message);
        Assert.Contains("got 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(2, 0)).Message);
    }

    [Fact]
    public void Narrow_past_the_end_and_too_many_indices_name_the_values()
    {
        var x = Torch.Zeros(3, 4);
        Assert.Contains("length (3)", Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 2, 3)).Message);
        Assert.Contains("start (5)", Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 5, 0)).Message);
        Assert.Contains("dimension 2", Assert.Throws<ArgumentOutOfRangeException>(() => x[0, 1, 2]).Message);
        Assert.Throws<ArgumentException>(() => x.Slice(0, step: 0));
    }

    [Fact]
    public void Index_ops_reject_out_of_range_indices_naming_value_and_size()
    {
        var x = Torch.Zeros(3, 4);
        Assert.Contains("index 3 is out of range for dimension 0 with size 3",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, Idx(new long[] { 0, 3 }, 2))).Message);
        Assert.Contains("index -1 is out of bounds for dimension 1 with size 4",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, Idx(new long[] { -1, 0, 0 }, 3, 1))).Message);
        Assert.Contains("index 4 is out of bounds",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.Scatter(1, Idx(new long[] { 4 }, 1, 1), 1f)).Message);
        Assert.Contains("index 12", Assert.Throws<ArgumentOutOfRangeException>(() => x.Take(Idx(new long[] { 12 }, 1))).Message);
        Assert.Contains("index 5", Assert.Throws<ArgumentOutOfRangeException>(() => x[Idx(new long[] { 5 }, 1)]).Message);
        Assert.Throws<ArgumentException>(() => x.Gather(1, Torch.Zeros(3, 1)));
        Assert.Throws<ShapeMismatchException>(() => x.Gather(1, Idx(new long[] { 0, 0 }, 2)));
        Assert.Contains("[2]", Assert.Throws<ShapeMismatchException>(() => x[Torch.Tensor(new[] { true, false })]).Message);
    }

    [Fact]
    public void OneHot_rejects_classes_outside_the_range_naming_them()
    {
        var labels = Idx(new long[] { 0, 5 }, 2);
        Assert.Contains("class value 5", Assert.Throws<ArgumentOutOfRangeException>(() => Torch.OneHot(labels, 3)).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentOutOfRangeException>(() => Torch.OneHot(Idx(new long[] { -1 }, 1))).Message);
        Assert.Throws<ArgumentException>(() => Torch.OneHot(Torch.Zeros(2)));
        Assert.Equal(new Shape(2, 6), Torch.OneHot(labels).Shape);
    }
}
