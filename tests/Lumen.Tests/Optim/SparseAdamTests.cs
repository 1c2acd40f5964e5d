using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Tests.Optim;

/// <summary>SparseAdam on an Embedding(sparse: true), step for step against PyTorch 1.13, and the errors PyTorch raises
/// when sparse and dense gradients meet the wrong optimizer.</summary>
public class SparseAdamTests
{
    [Fact]
    public void Four_steps_on_a_sparse_embedding_match_PyTorch()
    {
        var c = Fixtures.Case("api", "sparse_adam_embedding");
        var emb = new Embedding(8, 3, sparse: true, weight: c.Tensor("weight").Clone());
        var opt = new SparseAdam(emb.Parameters(), lr: 0.05, betas: (0.8, 0.95));
        var targets = c.Tensor("targets");
        var batches = c.Raw("batches").EnumerateArray().Select(b => b.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        var losses = c.Raw("losses").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var weights = c.Raw("weights").EnumerateArray().ToArray();
        for (int k = 0; k < batches.Length; k++)
        {
            opt.ZeroGrad();
            var ids = Torch.Tensor(batches[k]);
            var diff = emb.Call(ids).Sub(targets.Select(0, k).Narrow(0, 0, batches[k].Length));
            var loss = diff.Mul(diff).Sum();
            loss.Backward();
            opt.Step();
            Assert.Equal(losses[k], loss.Item(), 4);
            var expected = Torch.Tensor(weights[k].GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), 8, 3);
            TensorAssert.Close(expected, emb.Weight, 1e-6, $"weight after step {k + 1}");
        }
        Assert.Equal(c.Int("step"), Convert.ToInt32(opt.State[emb.Weight]["step"]));
        TensorAssert.Close(c.Tensor("exp_avg"), (Tensor)opt.State[emb.Weight]["exp_avg"]!, 1e-6);
    }

    [Fact]
    public void SparseAdam_on_a_dense_gradient_raises_PyTorchs_error()
    {
        var emb = new Embedding(4, 2);
        emb.Call(Torch.Tensor(new long[] { 1 })).Sum().Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => new SparseAdam(emb.Parameters()).Step());
        Assert.StartsWith(Fixtures.Case("api", "sparse_errors").Str("sparse_adam_dense"), ex.Message);
    }

    [Fact]
    public void Adam_on_a_sparse_gradient_raises_PyTorchs_error_rather_than_skip_the_table()
    {
        var emb = new Embedding(4, 2, sparse: true);
        emb.Call(Torch.Tensor(new long[] { 1 })).Sum().Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => new Adam(emb.Parameters()).Step());
        Assert.StartsWith(Fixtures.Case("api", "sparse_errors").Str("adam_sparse"), ex.Message);
        Assert.Throws<InvalidOperationException>(() => new SGD(emb.Parameters(), lr: 0.1).Step());
    }

    [Fact]
    public void ClipGradNorm_counts_a_sparse_gradient_with_PyTorchs_norm_and_ClipGradValue_refuses_it()
    {
        var c = Fixtures.Case("api", "clip_sparse");
        var emb = new Embedding(5, 2, sparse: true, weight: c.Tensor("weight"));
        emb.Call(c.Tensor("idx")).Mul(c.Tensor("g")).Sum().Backward();
        var total = Utils.ClipGradNorm_(emb.Parameters(), 1.0);
        Assert.Equal(c.Float("total"), total.Item(), 5);
        // PyTorch 1.13 computes this norm but leaves a sparse gradient unscaled (its g.detach().mul_() lands in a copy);
        // Lumen scales it as it scales dense ones: the 1.13 gradient times the clip coefficient.
        float coef = Math.Min(1f, 1f / (c.Float("total") + 1e-6f));
        TensorAssert.Close(c.Tensor("grad_after").Mul(coef), emb.Weight.SparseGrad!.ToDense(), 1e-6);
        Assert.Throws<NotSupportedException>(() => Utils.ClipGradValue_(emb.Parameters(), 0.1));
    }

    [Fact]
    public void ZeroGrad_drops_or_empties_a_sparse_gradient_and_an_empty_one_still_counts_a_step()
    {
        var emb = new Embedding(4, 2, sparse: true);
        var opt = new SparseAdam(emb.Parameters());
        emb.Call(Torch.Tensor(new long[] { 1 })).Sum().Backward();
        opt.ZeroGrad();
        Assert.Null(emb.Weight.SparseGrad);
        emb.Call(Torch.Tensor(new long[] { 1 })).Sum().Backward();
        opt.ZeroGrad(setToNone: false);
        Assert.Equal(0, emb.Weight.SparseGrad!.Nnz);
        var before = emb.Weight.Detach().Clone();
        opt.Step();
        TensorAssert.Equal(before, emb.Weight.Detach());
        Assert.Equal(1L, opt.State[emb.Weight]["step"]);
    }
}
