using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Pooling;

/// <summary>The pools reject what PyTorch rejects, with messages that name the op, the bad value and the shape.</summary>
public class PoolErrorTests
{
    private static readonly Tensor X = Torch.Zeros(1, 2, 4, 4);

    [Fact]
    public void Padding_beyond_half_the_kernel_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => F.MaxPool2d(X, 2, padding: 2));
        Assert.Contains("pad should be at most half of kernel size, but got pad=2 and kernel_size=2", ex.Message);
        Assert.Contains("[1, 2, 4, 4]", ex.Message);
        Assert.Throws<ArgumentException>(() => F.AvgPool2d(X, 3, padding: 2));
        Assert.Throws<ArgumentException>(() => F.MaxPool1d(Torch.Zeros(2, 5), 2, padding: 2));
    }

    [Fact]
    public void An_output_smaller_than_one_is_rejected_with_both_sizes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => F.MaxPool2d(Torch.Zeros(1, 1, 2, 2), 3));
        Assert.Contains("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => F.AvgPool3d(Torch.Zeros(1, 1, 1, 4, 4), 2));
    }

    [Fact]
    public void Bad_kernel_stride_dilation_divisor_and_ranks_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => F.MaxPool2d(X, 2, stride: 0));
        Assert.Throws<ArgumentException>(() => F.MaxPool2d(X, 0));
        Assert.Throws<ArgumentException>(() => F.MaxPool2d(X, 2, dilation: 0));
        Assert.Throws<ArgumentException>(() => F.MaxPool2d(X, (2, 2, 2)));
        var ex = Assert.Throws<ArgumentException>(() => F.AvgPool2d(X, 2, divisorOverride: 0));
        Assert.Contains("divisor must be not zero", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => F.MaxPool2d(Torch.Zeros(3, 3), 2));
        Assert.Throws<ShapeMismatchException>(() => F.AdaptiveAvgPool2d(Torch.Zeros(3, 3), 2));
        Assert.Throws<ShapeMismatchException>(() => F.MaxPool3d(Torch.Zeros(2, 2, 2), 2));
        Assert.Throws<ShapeMismatchException>(() => F.MaxPool2d(Torch.Zeros(1, 0, 4, 4), 2));
        Assert.Throws<ArgumentException>(() => F.AdaptiveMaxPool2d(X, 0));
        Assert.Throws<ArgumentException>(() => F.MaxPool2d(Torch.Zeros(new[] { 1, 2, 4, 4 }, DType.Int64), 2));
    }

    [Fact]
    public void Max_unpool_checks_indices_and_output_size_as_PyTorch()
    {
        var (v, i) = F.MaxPool2dWithIndices(PoolData.Randn(1, 3, 4, 4), 2);
        var bad = Assert.Throws<ArgumentException>(() => F.MaxUnpool2d(v, Torch.FullLike(i, 99), 2));
        Assert.Contains("Found an invalid max index: 99 (output volumes are of size 4x4)", bad.Message);
        var size = Assert.Throws<ArgumentException>(() => F.MaxUnpool2d(v, i, 2, outputSize: new[] { 6, 6 }));
        Assert.Contains("invalid output_size \"(6, 6)\" (dim 0 must be between 2 and 6)", size.Message);
        Assert.Equal(new Shape(3, 5, 5), F.MaxUnpool2d(v, i, 2, outputSize: new[] { 5, 5 }).Shape);
        Assert.Equal(new Shape(3, 5, 5), F.MaxUnpool2d(v, i, 2, outputSize: new[] { 3, 5, 5 }).Shape);
        Assert.Throws<ArgumentException>(() => F.MaxUnpool2d(v, i.Float(), 2));
        Assert.Throws<ShapeMismatchException>(() => F.MaxUnpool2d(v, i.Reshape(3, 4), 2));
    }

    [Fact]
    public void PoolSize_and_ScaleFactor_print_as_Python_does()
    {
        Assert.Equal("2", ((PoolSize)2).ToString());
        Assert.Equal("(2, 3)", ((PoolSize)(2, 3)).ToString());
        Assert.Equal("(2,)", ((PoolSize)new[] { 2 }).ToString());
        Assert.Equal("2.0", ((ScaleFactor)2).ToString());
        Assert.Equal("(2.0, 1.5)", ((ScaleFactor)(2.0, 1.5)).ToString());
        Assert.Equal("1e-05", ((ScaleFactor)1e-5).ToString());
        Assert.Equal("0.0001", ((ScaleFactor)1e-4).ToString());
        Assert.Equal("1e+16", ((ScaleFactor)1e16).ToString());
        Assert.Equal("1234567.25", ((ScaleFactor)1234567.25).ToString());
        Assert.Equal("0.1", ((ScaleFactor)0.1).ToString());
        Assert.Equal("3.3333333333333335", ((ScaleFactor)(10.0 / 3)).ToString());
    }
}
