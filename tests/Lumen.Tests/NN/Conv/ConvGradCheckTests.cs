using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>Finite-difference gradient checks of every convolution with respect to input, weight and bias.</summary>
[Collection("GlobalRng")]
public class ConvGradCheckTests
{
    private static Tensor R(params int[] shape) => Torch.Randn(shape);

    [Fact]
    public void Conv1d_gradients_pass_gradcheck()
    {
        Torch.ManualSeed(1);
        GradCheck.Assert(a => F.Conv1d(a[0], a[1], a[2], stride: 2, padding: 1, dilation: 2), R(2, 2, 9), R(3, 2, 3), R(3));
    }

    [Fact]
    public void Conv2d_gradients_pass_gradcheck_with_groups_and_asymmetric_kernel()
    {
        Torch.ManualSeed(2);
        GradCheck.Assert(a => F.Conv2d(a[0], a[1], a[2], stride: (2, 1), padding: (1, 0), groups: 2), R(2, 4, 6, 5), R(4, 2, 3, 2), R(4));
    }

    [Fact]
    public void Conv2d_same_padding_with_even_kernel_passes_gradcheck()
    {
        Torch.ManualSeed(3);
        GradCheck.Assert(a => F.Conv2d(a[0], a[1], null, padding: "same"), R(1, 2, 5, 4), R(2, 2, 2, 4));
    }

    [Fact]
    public void Conv3d_seed000_kernel_and_stride_pass_gradcheck()
    {
        Torch.ManualSeed(4);
        GradCheck.Assert(a => F.Conv3d(a[0], a[1], a[2], stride: (2, 4, 3)), R(1, 2, 3, 6, 8), R(2, 2, 1, 2, 5), R(2));
    }

    [Fact]
    public void Unbatched_conv2d_passes_gradcheck()
    {
        Torch.ManualSeed(5);
        GradCheck.Assert(a => F.Conv2d(a[0], a[1], a[2], padding: 1), R(2, 4, 3), R(3, 2, 3, 3), R(3));
    }

    [Fact]
    public void ConvTranspose1d_gradients_pass_gradcheck()
    {
        Torch.ManualSeed(6);
        GradCheck.Assert(a => F.ConvTranspose1d(a[0], a[1], a[2], stride: 3, padding: 1, outputPadding: 1, groups: 2, dilation: 2),
                         R(2, 4, 4), R(4, 1, 3), R(2));
    }

    [Fact]
    public void ConvTranspose2d_gradients_pass_gradcheck()
    {
        Torch.ManualSeed(7);
        GradCheck.Assert(a => F.ConvTranspose2d(a[0], a[1], a[2], stride: (2, 1), padding: (1, 0), outputPadding: (1, 0)),
                         R(2, 2, 3, 4), R(2, 3, 3, 2), R(3));
    }

    [Fact]
    public void ConvTranspose3d_gradients_pass_gradcheck()
    {
        Torch.ManualSeed(8);
        GradCheck.Assert(a => F.ConvTranspose3d(a[0], a[1], a[2], stride: 2), R(1, 2, 2, 3, 2), R(2, 2, 2, 1, 2), R(2));
    }

    [Theory]
    [InlineData("reflect")]
    [InlineData("replicate")]
    [InlineData("circular")]
    public void Conv2d_layer_with_a_padding_mode_passes_gradcheck(string mode)
    {
        Torch.ManualSeed(9);
        var m = new Conv2d(2, 2, kernelSize: 3, padding: (1, 2), paddingMode: mode);
        GradCheck.Assert(a => m.Call(a[0]), R(1, 2, 4, 5));
    }
}
