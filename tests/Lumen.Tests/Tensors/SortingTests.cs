using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

public class SortingTests
{
    // Each name is a case in gen_reduce_index.py; the lambda is the Lumen twin of the PyTorch call there.
    private static readonly Dictionary<string, Func<Tensor[], ValuesIndices>> Ops = new()
    {
        ["sort_last"] = x => x[0].Sort(),
        ["sort_desc_dim0"] = x => x[0].Sort(0, descending: true),
        ["sort_ties_stable"] = x => x[0].Sort(stable: true),
        ["sort_ties_desc_stable"] = x => x[0].Sort(descending: true, stable: true),
        ["sort_ties_default"] = x => x[0].Sort(),
        ["sort_nan"] = x => x[0].Sort(),
        ["sort_nan_desc"] = x => x[0].Sort(descending: true),
        ["topk_largest"] = x => x[0].Topk(3),
        ["topk_smallest_dim0"] = x => x[0].Topk(2, dim: 0, largest: false),
        ["topk_k1"] = x => x[0].Topk(1, dim: -1),
        ["topk_nan"] = x => x[0].Topk(2),
        ["topk_all_smallest"] = x => x[0].Topk(5, largest: false),
    };

    public static IEnumerable<object[]> Cases => Ops.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sort_and_topk_match_PyTorch_values_indices_and_gradient(string name) => OpFixture.CheckPair(name, Ops[name]);

    [Fact]
    public void Argsort_descending_matches_PyTorch() => OpFixture.Check("argsort_desc", x => x[0].Argsort(1, descending: true));

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Sort_passes_gradcheck(int dim, bool descending) =>
        GradCheck.Assert(x => x[0].Sort(dim, descending).Values, OpFixture.Spread(5, 3, 4, 2));

    [Theory]
    [InlineData(2, -1, true)]
    [InlineData(1, 0, false)]
    [InlineData(3, 1, true)]
    public void Topk_passes_gradcheck(int k, int dim, bool largest) =>
        GradCheck.Assert(x => x[0].Topk(k, dim, largest).Values, OpFixture.Spread(6, 3, 4, 2));

    [Fact]
    public void Sort_of_int64_keeps_dtype_and_is_stable()
    {
        var labels = Torch.Tensor(new long[] { 3, 1, 3, 0, 1 }, 5);
        var (values, indices) = labels.Sort(descending: true);
        Assert.Equal(DType.Int64, values.DType);
        Assert.Equal(new long[] { 3, 3, 1, 1, 0 }, values.ToArray<long>());
        Assert.Equal(new long[] { 0, 2, 1, 4, 3 }, indices.ToArray<long>());
    }

    [Fact]
    public void Topk_unsorted_returns_the_same_elements_as_sorted()
    {
        var x = OpFixture.Spread(2, 10);
        var a = x.Topk(4, sorted: false);
        var b = x.Topk(4);
        Assert.Equal(b.Indices.ToArray<long>().OrderBy(v => v), a.Indices.ToArray<long>().OrderBy(v => v));
    }

    [Fact]
    public void Sort_of_a_transposed_view_sorts_its_logical_lanes()
    {
        var x = OpFixture.Spread(4, 3, 5);
        var viaView = x.T().Sort(0);
        var viaCopy = x.T().Contiguous().Sort(0);
        TensorAssert.Equal(viaCopy.Values, viaView.Values);
        TensorAssert.Equal(viaCopy.Indices, viaView.Indices);
        TensorAssert.Equal(x.Sort(1).Values, viaView.Values.T().Contiguous());
    }

    [Fact]
    public void Topk_with_k_larger_than_the_dimension_names_k_and_the_size()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Zeros(2, 3).Topk(4));
        Assert.Contains("k (4)", ex.Message);
        Assert.Contains("size 3", ex.Message);
        Assert.Contains("got 2", Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Zeros(2, 3).Sort(2)).Message);
    }
}
