using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>Construction, validation, shapes and error messages of the convolution layers.</summary>
[Collection("GlobalRng")]
public class ConvLayerTests
{
    [Fact]
    public void Tutorial_call_sites_compile_and_give_PyTorch_shapes()
    {
        var a = new Conv2d(3, 16, kernelSize: 3);
        var b = new Conv2d(3, 32, kernelSize: (3, 3), stride: (1, 1), padding: 1);
        var c = new Conv3d(1, 8, kernelSize: (1, 2, 5), stride: (2, 4, 3));
        var d = new Conv2d(3, 16, kernelSize: (3, 2), padding: "same");
        var e = new Conv1d(4, 4, kernelSize: 3, groups: 4, bias: false, paddingMode: "circular", padding: 1);
        Assert.Equal(new Shape(2, 16, 30, 30), a.Call(Torch.Zeros(2, 3, 32, 32)).Shape);
        Assert.Equal(new Shape(2, 32, 32, 32), b.Call(Torch.Zeros(2, 3, 32, 32)).Shape);
        // D: (5 − 1)/2 + 1 = 3, H: (9 − 2)/4 + 1 = 2, W: (11 − 5)/3 + 1 = 3
        Assert.Equal(new Shape(1, 8, 3, 2, 3), c.Call(Torch.Zeros(1, 1, 5, 9, 11)).Shape);
        Assert.Equal(new Shape(16, 7, 6), d.Call(Torch.Zeros(3, 7, 6)).Shape);
        Assert.Equal(new Shape(1, 4, 10), e.Call(Torch.Zeros(1, 4, 10)).Shape);
        Assert.Equal(new Shape(2, 16, 64), new ConvTranspose1d(8, 16, 4, stride: 2, padding: 1).Call(Torch.Zeros(2, 8, 32)).Shape);
    }

    [Fact]
    public void Weight_layout_and_parameter_names_follow_PyTorch()
    {
        var conv = new Conv2d(4, 6, kernelSize: (3, 2), groups: 2);
        Assert.Equal(new Shape(6, 2, 3, 2), conv.Weight.Shape);
        Assert.Equal(new Shape(6), conv.Bias!.Shape);
        var t = new ConvTranspose3d(4, 6, kernelSize: 2, groups: 2, bias: false);
        Assert.Equal(new Shape(4, 3, 2, 2, 2), t.Weight.Shape);
        Assert.Null(t.Bias);
        Assert.Equal(new[] { "weight" }, t.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "weight", "bias" }, conv.StateDict().Keys);
    }

    [Fact]
    public void Bad_hyperparameters_are_rejected_naming_the_value()
    {
        Assert.Contains("inChannels (3) must be divisible by groups (2)",
            Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, kernelSize: 3, groups: 2)).Message);
        Assert.Contains("outChannels (5) must be divisible by groups (2)",
            Assert.Throws<ArgumentException>(() => new Conv2d(4, 5, kernelSize: 3, groups: 2)).Message);
        Assert.Contains("groups (0)", Assert.Throws<ArgumentException>(() => new Conv1d(4, 4, 3, groups: 0)).Message);
        Assert.Contains("(1, 2, 5)", Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, kernelSize: (1, 2, 5))).Message);
        Assert.Contains("'foo'", Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, padding: "foo")).Message);
        Assert.Contains("strided", Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, stride: 2, padding: "same")).Message);
        Assert.Contains("paddingMode='mirror'", Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, paddingMode: "mirror")).Message);
        Assert.Contains("zeros", Assert.Throws<ArgumentException>(() => new ConvTranspose2d(1, 1, 3, paddingMode: "reflect")).Message);
        Assert.Contains("(0, 3)", Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, (0, 3))).Message);
        Assert.Contains("outputPadding (2, 2)", Assert.Throws<ArgumentException>(() => new ConvTranspose2d(1, 1, 3, stride: 2, outputPadding: 2)).Message);
    }

    [Fact]
    public void Wrong_input_shape_names_the_module_and_the_shapes()
    {
        var conv = new Conv2d(3, 16, kernelSize: 3);
        var ex = Assert.Throws<ShapeMismatchException>(() => conv.Call(Torch.Zeros(64, 8)));
        Assert.Equal("Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1)) got input [64, 8]: expected 4-D input (N, C, H, W) (or unbatched 3-D) with C = 3.", ex.Message);
        Assert.Contains("C = 3", Assert.Throws<ShapeMismatchException>(() => conv.Call(Torch.Zeros(1, 4, 8, 8))).Message);
    }

    [Fact]
    public void Functional_errors_follow_PyTorch_wording_with_both_shapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => F.Conv2d(Torch.Zeros(1, 5, 4, 4), Torch.Zeros(4, 3, 3, 3)));
        Assert.Contains("weight of size [4, 3, 3, 3], expected input[1, 5, 4, 4] to have 3 channels, but got 5 channels instead", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => F.Conv2d(Torch.Zeros(1, 3, 2, 2), Torch.Zeros(4, 3, 3, 3)));
        Assert.Contains("Kernel size can't be greater than actual input size", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => F.Conv2d(Torch.Zeros(5, 4, 4, 4, 4), Torch.Zeros(4, 3, 3, 3)));
        Assert.Contains("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 4, 4, 4, 4]", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => F.Conv1d(Torch.Zeros(1, 3, 8), Torch.Zeros(4, 3, 3), Torch.Zeros(3)));
        Assert.Contains("expected bias to be 1-dimensional with 4 elements, but got bias of size [3]", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => F.ConvTranspose2d(Torch.Zeros(1, 4, 4, 4), Torch.Zeros(5, 3, 3, 3)));
        Assert.Contains("expected input[1, 4, 4, 4] to have 5 channels", ex.Message);
        Assert.Contains("output padding must be smaller than either stride or dilation",
            Assert.Throws<ArgumentException>(() => F.ConvTranspose2d(Torch.Zeros(1, 5, 4, 4), Torch.Zeros(5, 3, 3, 3), stride: 2, outputPadding: 2)).Message);
    }

    [Fact]
    public void Unbatched_input_gives_an_unbatched_output_through_SqueezeBackward1()
    {
        var conv = new Conv2d(2, 3, kernelSize: 3);
        var y = conv.Call(Torch.Randn(2, 5, 6).RequiresGrad_());
        Assert.Equal(new Shape(3, 3, 4), y.Shape);
        Assert.Equal("SqueezeBackward1", y.GradFn!.Name);
        var yb = conv.Call(Torch.Randn(1, 2, 5, 6));
        Assert.Equal("ConvolutionBackward0", yb.GradFn!.Name);
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls()
    {
        var conv = new Conv2d(2, 3, kernelSize: 3, padding: 1);
        var x = Torch.Randn(2, 2, 5, 5);
        conv.Call(x).Sum().Backward();
        var once = conv.Weight.Grad!.ToArray();
        conv.Call(x).Sum().Backward();
        var twice = conv.Weight.Grad!.ToArray();
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 4);
    }

    [Fact]
    public void Non_contiguous_input_and_weight_views_are_read_correctly()
    {
        var x = Torch.Randn(2, 3, 6, 5);
        var w = Torch.Randn(4, 3, 3, 3);
        var expected = F.Conv2d(x, w);
        var xt = x.Transpose(2, 3).Contiguous().Transpose(2, 3);   // same values, non-contiguous strides
        var wt = w.Transpose(0, 1).Contiguous().Transpose(0, 1);
        Assert.False(xt.IsContiguous());
        TensorAssert.Close(expected, F.Conv2d(xt, wt), 1e-6);
    }

    [Fact]
    public void IntTuple_prints_like_Python_and_expands_scalars()
    {
        Assert.Equal("3", new IntTuple(3).ToString());
        Assert.Equal("(3, 2)", ((IntTuple)(3, 2)).ToString());
        Assert.Equal("(5,)", ((IntTuple)new[] { 5 }).ToString());
        Assert.Equal(new[] { 2, 2, 2 }, ((IntTuple)2).Expand(3, 0, "stride", "Conv3d"));
        Assert.Equal(new[] { 1, 1 }, default(IntTuple).Expand(2, 1, "stride", "Conv2d"));
        Assert.Contains("Conv3d: stride must be an int or a tuple of 3 ints, got (1, 2)",
            Assert.Throws<ArgumentException>(() => ((IntTuple)(1, 2)).Expand(3, 1, "stride", "Conv3d")).Message);
        Assert.Equal("same", ((ConvPadding)"same").ToString());
    }
}
