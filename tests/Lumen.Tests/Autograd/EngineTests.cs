using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Autograd;

public class EngineTests
{
    [Fact]
    public void Broadcast_add_and_mul_sum_gradients_back_to_each_input_shape()
    {
        var a = Torch.Tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, requiresGrad: true);
        var b = Torch.Tensor(new float[] { 10, 20, 30 }, requiresGrad: true);
        var y = (a * b + b).Sum();
        y.Backward();
        TensorAssert.Values(new float[] { 10, 20, 30, 10, 20, 30 }, a.Grad!);
        TensorAssert.Values(new float[] { 1 + 4 + 2, 2 + 5 + 2, 3 + 6 + 2 }, b.Grad!);
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls()
    {
        var x = Torch.Tensor(new float[] { 2 }, requiresGrad: true);
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal(8f, x.Grad!.Item());
    }

    [Fact]
    public void A_second_backward_through_a_freed_graph_throws_and_retain_graph_allows_it()
    {
        var x = Torch.Tensor(new float[] { 3 }, requiresGrad: true);
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal(12f, x.Grad!.Item());
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("second time", ex.Message);
    }

    [Fact]
    public void An_in_place_write_to_a_saved_tensor_is_detected_at_backward()
    {
        var x = Torch.Tensor(new float[] { 1, 2 }, requiresGrad: true);
        var h = x * 2f;
        var y = h.Exp();          // Exp saves its output
        y.Add_(1f);               // ... which is then overwritten
        var ex = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("modified by an in-place operation", ex.Message);
        Assert.Contains("ExpBackward0", ex.Message);
    }

    [Fact]
    public void IncrementVersion_declares_a_write_no_op_made_as_torch_autograd_graph_increment_version_does()
    {
        var x = Torch.Tensor(new float[] { 1, 2 }, requiresGrad: true);
        var y = x.Mul(2f).Exp();            // Exp saves its output y
        y.Detach().AsSpan<float>()[0] = 5f; // a write through memory the op layer does not see
        Lumen.Autograd.Autograd.IncrementVersion(y);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("modified by an in-place operation", ex.Message);
        Assert.Throws<ArgumentNullException>(() => Lumen.Autograd.Autograd.IncrementVersion(null!));
    }

    [Fact]
    public void In_place_op_on_a_leaf_that_requires_grad_throws()
    {
        var w = Torch.Ones(3).RequiresGrad_();
        Assert.Throws<InvalidOperationException>(() => w.Add_(1f));
        using (Lumen.Autograd.Autograd.NoGrad()) w.Add_(1f);
        TensorAssert.Values(new float[] { 2, 2, 2 }, w);
    }

    [Fact]
    public void In_place_ops_on_non_leaves_keep_correct_gradients()
    {
        var x = Torch.Tensor(new float[] { 1, 2, 3 }, requiresGrad: true);
        var h = x * 3f;
        h.Mul_(x);                // h = 3x²
        h.Add_(x, alpha: 2f);     // h = 3x² + 2x
        h.Sum().Backward();
        TensorAssert.Values(new float[] { 8, 14, 20 }, x.Grad!);
        Assert.Equal("AddBackward0", h.GradFn!.Name);
    }

    [Fact]
    public void NoGrad_records_nothing()
    {
        var x = Torch.Ones(2).RequiresGrad_();
        Tensor y;
        using (Lumen.Autograd.Autograd.NoGrad()) y = x * 2f;
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        Assert.True((x * 2f).RequiresGrad);
    }

    [Fact]
    public void Grad_with_respect_to_an_input_image_leaves_parameter_grads_untouched()
    {
        // seed 003: d(loss)/d(image) to edit an image.
        var w = Torch.Tensor(new float[] { 1, -2, 3 }, requiresGrad: true);
        var image = Torch.Tensor(new float[] { 0.5f, 0.25f, 1 }, requiresGrad: true);
        var loss = (image * w).Sum();
        var g = Lumen.Autograd.Autograd.Grad(loss, image);
        TensorAssert.Values(new float[] { 1, -2, 3 }, g);
        Assert.Null(w.Grad);
        Assert.Null(image.Grad);
    }

    [Fact]
    public void Grad_of_a_non_leaf_intermediate()
    {
        var x = Torch.Tensor(new float[] { 1, 2 }, requiresGrad: true);
        var h = x * x;
        var y = (h * 3f).Sum();
        var g = Lumen.Autograd.Autograd.Grad(y, h);
        TensorAssert.Values(new float[] { 3, 3 }, g);
    }

    [Fact]
    public void RetainGrad_keeps_a_non_leaf_gradient()
    {
        var x = Torch.Tensor(new float[] { 1, 2 }, requiresGrad: true);
        var h = x * x; h.RetainGrad();
        (h * 5f).Sum().Backward();
        TensorAssert.Values(new float[] { 5, 5 }, h.Grad!);
        TensorAssert.Values(new float[] { 10, 20 }, x.Grad!);
    }

    [Fact]
    public void Backward_of_a_non_scalar_needs_a_gradient()
    {
        var x = Torch.Ones(2, 2).RequiresGrad_();
        var y = x * 2f;
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        y.Backward(Torch.Ones(2, 2));
        TensorAssert.Values(new float[] { 2, 2, 2, 2 }, x.Grad!);
    }

    [Fact]
    public void Grad_fn_names_follow_PyTorch()
    {
        var x = Torch.Ones(2, 3).RequiresGrad_();
        Assert.Equal("AddBackward0", (x + x).GradFn!.Name);
        Assert.Equal("MulBackward0", (x * 2f).GradFn!.Name);
        Assert.Equal("SumBackward0", x.Sum().GradFn!.Name);
        Assert.Equal("ViewBackward0", x.View(3, 2).GradFn!.Name);
        Assert.Equal("PermuteBackward0", x.Permute(1, 0).GradFn!.Name);
    }

    [Fact]
    public void A_long_chain_backpropagates_without_recursion()
    {
        var x = Torch.Tensor(new float[] { 1 }, requiresGrad: true);
        var y = x;
        for (int i = 0; i < 20000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Item());
    }
}

public class InPlaceHistoryTests
{
    [Fact]
    public void An_op_recorded_before_an_in_place_write_keeps_the_history_its_input_had()
    {
        // z = 5y is recorded first (it saves nothing); y is then scaled in place. z's gradient must flow to y's
        // history at record time, not through the in-place node that came later.
        var x = Torch.Tensor(new float[] { 1, 2 }, requiresGrad: true);
        var y = x * 2f;
        var z = y * 5f;
        y.Mul_(3f);
        (z.Sum() + y.Sum()).Backward();
        // d/dx [5·2x + 3·2x] = 16 (had z followed y's new history it would be 5·3·2 + 6 = 36)
        TensorAssert.Values(new float[] { 16, 16 }, x.Grad!);
    }
}
