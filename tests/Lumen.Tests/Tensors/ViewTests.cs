using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

public class ViewTests
{
    [Fact]
    public void View_of_a_transposed_tensor_throws_and_reshape_copies()
    {
        var a = Torch.Arange(0f, 6f).View(2, 3).T();
        var ex = Assert.Throws<InvalidOperationException>(() => a.View(6));
        Assert.Contains("Reshape", ex.Message);
        TensorAssert.Values(new float[] { 0, 3, 1, 4, 2, 5 }, a.Reshape(-1));
    }

    [Fact]
    public void Views_share_storage_with_their_base()
    {
        var a = Torch.Zeros(2, 3);
        var v = a.View(3, 2);
        using (Lumen.Autograd.Autograd.NoGrad()) v.Add_(1f);
        TensorAssert.Values(new float[] { 1, 1, 1, 1, 1, 1 }, a);
    }

    [Fact]
    public void Flatten_unsqueeze_squeeze_expand_and_permute_shapes()
    {
        var x = Torch.Zeros(2, 3, 4, 5);
        Assert.Equal(new Shape(2, 60), x.Flatten(1).Shape);
        Assert.Equal(new Shape(2, 12, 5), x.Flatten(1, 2).Shape);
        Assert.Equal(new Shape(2, 1, 3, 4, 5), x.Unsqueeze(1).Shape);
        Assert.Equal(new Shape(2, 3, 4, 5, 1), x.Unsqueeze(-1).Shape);
        Assert.Equal(new Shape(3, 4), Torch.Zeros(1, 3, 1, 4).Squeeze().Shape);
        Assert.Equal(new Shape(5, 2, 3, 4), x.Permute(3, 0, 1, 2).Shape);
        Assert.Equal(new Shape(4, 3), Torch.Zeros(1, 3).Expand(4, -1).Shape);
        Assert.Equal(new Shape(2, 3, 20), x.Unflatten(3, 1, 5).Flatten(2).Reshape(2, 3, 20).Shape);
    }

    [Fact]
    public void View_ops_pass_gradcheck()
    {
        var x = Torch.Tensor(Enumerable.Range(0, 24).Select(i => (float)Math.Sin(i)).ToArray(), 2, 3, 4);
        GradCheck.Assert(t => t[0].Permute(2, 0, 1).Reshape(4, 6), x);
        GradCheck.Assert(t => t[0].Transpose(0, 2).Unsqueeze(1), x);
        GradCheck.Assert(t => t[0].Sum(1, keepDim: true).Expand(2, 5, 4), x);
    }
}
