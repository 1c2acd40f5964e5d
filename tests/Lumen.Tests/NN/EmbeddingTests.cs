using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

/// <summary>nn.Embedding against PyTorch 1.13 (tests/Fixtures/gen_api.py): init, forward, dense and sparse gradients,
/// max_norm.</summary>
[Collection("GlobalRng")]   // seeds the global generator and compares the draws with PyTorch's
public class EmbeddingTests
{
    [Fact]
    public void Init_is_PyTorchs_normal_draw_with_the_padding_row_zeroed()
    {
        var c = Fixtures.Case("api", "embedding_dense");
        Torch.ManualSeed(0);
        var emb = new Embedding(10, 3, paddingIdx: 0);
        TensorAssert.Equal(c.Tensor("weight"), emb.Weight);
        Assert.Equal(c.Str("repr"), emb.ToString());
        var neg = Fixtures.Case("api", "embedding_negative_padding");
        Torch.ManualSeed(2);
        var e2 = new Embedding(4, 2, paddingIdx: -1);
        Assert.Equal(neg.Str("repr"), e2.ToString());
        TensorAssert.Equal(neg.Tensor("weight"), e2.Weight);
    }

    [Fact]
    public void Forward_and_dense_backward_match_PyTorch_and_skip_the_padding_row()
    {
        var c = Fixtures.Case("api", "embedding_dense");
        var emb = new Embedding(10, 3, paddingIdx: 0, weight: c.Tensor("weight"));
        var y = emb.Call(c.Tensor("idx"));
        TensorAssert.Equal(c.Tensor("out"), y);
        Assert.Equal(c.Str("grad_fn"), y.GradFn!.Name);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("grad"), emb.Weight.Grad!, 1e-6);
        Assert.Null(emb.Weight.SparseGrad);
    }

    [Fact]
    public void Sparse_backward_gives_PyTorchs_uncoalesced_indices_and_values()
    {
        var c = Fixtures.Case("api", "embedding_sparse");
        var dense = Fixtures.Case("api", "embedding_dense");
        var emb = new Embedding(10, 3, paddingIdx: 0, sparse: true, weight: dense.Tensor("weight"));
        Assert.Equal(c.Str("repr"), emb.ToString());
        emb.Call(dense.Tensor("idx")).Backward(dense.Tensor("g"));
        Assert.Null(emb.Weight.Grad);
        var sg = emb.Weight.SparseGrad!;
        Assert.False(sg.IsCoalesced);
        TensorAssert.Equal(c.Tensor("indices"), sg.Indices);
        TensorAssert.Equal(c.Tensor("values"), sg.Values);
        var co = sg.Coalesce();
        TensorAssert.Equal(c.Tensor("coalesced_indices"), co.Indices);
        TensorAssert.Close(c.Tensor("coalesced_values"), co.Values, 1e-6);
        TensorAssert.Close(c.Tensor("dense"), sg.ToDense(), 1e-6);
    }

    [Fact]
    public void Two_sparse_backwards_accumulate_by_concatenation_as_PyTorch()
    {
        var emb = new Embedding(5, 2, sparse: true);
        var idx = Torch.Tensor(new long[] { 1, 4 });
        emb.Call(idx).Sum().Backward();
        emb.Call(idx).Sum().Backward();
        Assert.Equal(4, emb.Weight.SparseGrad!.Nnz);
        TensorAssert.Equal(Torch.Tensor(new float[] { 0, 0, 2, 2, 0, 0, 0, 0, 2, 2 }, 5, 2), emb.Weight.SparseGrad.ToDense());
    }

    [Fact]
    public void Autograd_Grad_of_a_sparse_embedding_returns_the_dense_gradient_and_leaves_SparseGrad_alone()
    {
        var emb = new Embedding(5, 2, sparse: true);
        var g = Lumen.Autograd.Autograd.Grad(emb.Call(Torch.Tensor(new long[] { 1, 1, 3 })).Sum(), emb.Weight);
        TensorAssert.Equal(Torch.Tensor(new float[] { 0, 0, 2, 2, 0, 0, 1, 1, 0, 0 }, 5, 2), g);
        Assert.Null(emb.Weight.SparseGrad);
        Assert.Null(emb.Weight.Grad);
    }

    [Fact]
    public void Max_norm_renormalises_the_used_rows_in_place_as_PyTorch()
    {
        var c = Fixtures.Case("api", "embedding_max_norm");
        var emb = new Embedding(6, 4, maxNorm: 1.0, weight: c.Tensor("weight").Clone());
        Assert.Equal(c.Str("repr"), emb.ToString());
        TensorAssert.Close(c.Tensor("out"), emb.Call(c.Tensor("idx")), 1e-6);
        TensorAssert.Close(c.Tensor("weight_after"), emb.Weight, 1e-6);
    }

    [Fact]
    public void The_dense_weight_gradient_passes_a_finite_difference_check()
    {
        // Without padding: the padding row's zero gradient is PyTorch's rule, not a derivative (the fixture checks it).
        var idx = Torch.Tensor(new long[] { 2, 0, 2, 3 }, 2, 2);
        GradCheck.Assert(a => F.Embedding(idx, a[0]), Torch.Randn(5, 3));
    }

    [Fact]
    public void Bad_indices_name_the_problem()
    {
        var emb = new Embedding(4, 2);
        Assert.Contains("out of range", Assert.Throws<IndexOutOfRangeException>(() => emb.Call(Torch.Tensor(new long[] { 4 }))).Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => emb.Call(Torch.Tensor(new float[] { 1 }))).Message);
        Assert.Contains("must be within num_embeddings", Assert.Throws<ArgumentException>(() => new Embedding(4, 2, paddingIdx: 4)).Message);
    }
}
