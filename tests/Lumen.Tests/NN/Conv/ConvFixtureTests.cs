using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Conv;

/// <summary>Convolution layers against PyTorch 1.13 (tests/Fixtures/gen_conv.py): forward, grad_fn and the input,
/// weight and bias gradients of a fixed upstream gradient, for every dimensionality, padding mode and option.</summary>
[Collection("GlobalRng")]
public class ConvFixtureTests
{
    public static TheoryData<string> Cases() => new()
    {
        "conv1d_basic", "conv1d_stride_pad_dilation", "conv1d_unbatched", "conv1d_same_even_kernel",
        "conv2d_basic", "conv2d_asymmetric", "conv2d_dilation_groups", "conv2d_depthwise", "conv2d_pointwise_groups",
        "conv2d_same", "conv2d_valid", "conv2d_no_bias", "conv2d_unbatched", "conv2d_reflect", "conv2d_replicate",
        "conv2d_circular", "conv2d_reflect_same_unbatched", "conv3d_seed000", "conv3d_pad_dilation_groups",
        "conv3d_unbatched_replicate", "conv3d_circular",
        "convT1d_basic", "convT1d_output_padding_dilation", "convT2d_basic", "convT2d_stride_pad_output_padding",
        "convT2d_groups_dilation_no_bias", "convT2d_unbatched", "convT3d_basic", "convT3d_groups",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv_layer_forward_and_gradients_match_PyTorch(string name)
    {
        var c = Fixtures.Case("conv", name);
        var m = ConvConfig.Build(c.Raw("cfg"));
        using (Lumen.Autograd.Autograd.NoGrad())
        {
            m.Weight.Copy_(c.Tensor("w"));
            if (c.Has("b")) m.Bias!.Copy_(c.Tensor("b"));
        }
        Assert.Equal(c.Has("b"), m.Bias != null);
        var x = c.Tensor("x").RequiresGrad_();
        var y = m.Call(x);
        TensorAssert.Close(c.Tensor("y"), y, 1e-5, name + " output");
        Assert.Equal(c.Str("grad_fn"), y.GradFn!.Name);
        y.Backward(c.Tensor("gy"));
        TensorAssert.Close(c.Tensor("gx"), x.Grad!, 1e-5, name + " input grad");
        TensorAssert.Close(c.Tensor("gw"), m.Weight.Grad!, 1e-5, name + " weight grad");
        if (c.Has("gb")) TensorAssert.Close(c.Tensor("gb"), m.Bias!.Grad!, 1e-5, name + " bias grad");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Functional_conv_matches_the_layer_fixture_for_zero_padding(string name)
    {
        var c = Fixtures.Case("conv", name);
        var cfg = c.Raw("cfg");
        if (cfg.TryGetProperty("padding_mode", out var pm) && pm.GetString() != "zeros") return; // goes through F.Pad first
        var m = ConvConfig.Build(cfg);
        var x = c.Tensor("x").RequiresGrad_();
        var w = c.Tensor("w").RequiresGrad_();
        var b = c.Has("b") ? c.Tensor("b").RequiresGrad_() : null;
        int dims = m.SpatialDims;
        Tensor y = (m.Transposed, dims) switch
        {
            (false, 1) => F.Conv1d(x, w, b, m.Stride, m.Padding, m.Dilation, m.Groups),
            (false, 2) => F.Conv2d(x, w, b, m.Stride, m.Padding, m.Dilation, m.Groups),
            (false, _) => F.Conv3d(x, w, b, m.Stride, m.Padding, m.Dilation, m.Groups),
            (true, 1) => F.ConvTranspose1d(x, w, b, m.Stride, m.Padding.Values, m.OutputPadding, m.Groups, m.Dilation),
            (true, 2) => F.ConvTranspose2d(x, w, b, m.Stride, m.Padding.Values, m.OutputPadding, m.Groups, m.Dilation),
            (true, _) => F.ConvTranspose3d(x, w, b, m.Stride, m.Padding.Values, m.OutputPadding, m.Groups, m.Dilation),
        };
        TensorAssert.Close(c.Tensor("y"), y, 1e-5, name);
        y.Backward(c.Tensor("gy"));
        TensorAssert.Close(c.Tensor("gx"), x.Grad!, 1e-5, name + " input grad");
        TensorAssert.Close(c.Tensor("gw"), w.Grad!, 1e-5, name + " weight grad");
        if (b != null) TensorAssert.Close(c.Tensor("gb"), b.Grad!, 1e-5, name + " bias grad");
    }

    [Fact]
    public void ConvTranspose2d_with_output_size_matches_PyTorch()
    {
        var c = Fixtures.Case("conv", "convT2d_output_size");
        var m = new ConvTranspose2d(2, 3, 3, stride: 2, padding: 1);
        using (Lumen.Autograd.Autograd.NoGrad()) { m.Weight.Copy_(c.Tensor("w")); m.Bias!.Copy_(c.Tensor("b")); }
        var y = m.Forward(c.Tensor("x"), c.Ints("output_size"));
        TensorAssert.Close(c.Tensor("y"), y, 1e-5);
        Assert.Throws<ArgumentException>(() => m.Forward(c.Tensor("x"), (9, 11)));
    }

    public static TheoryData<string> InitCases() => new()
    {
        "conv2d_3_16_3", "conv1d_4_6_5_no_bias", "conv3d_1_8_125", "conv2d_groups", "convT2d_4_6_3_groups", "convT1d_3_2_4",
    };

    [Theory]
    [MemberData(nameof(InitCases))]
    public void Seeded_default_init_equals_PyTorch(string name)
    {
        var c = Fixtures.Case("conv", "init_" + name);
        Torch.ManualSeed(0);
        var m = ConvConfig.Build(c.Raw("cfg"));
        TensorAssert.Close(c.Tensor("weight"), m.Weight, 1e-7, name + " weight");
        if (c.Has("bias")) TensorAssert.Close(c.Tensor("bias"), m.Bias!, 1e-7, name + " bias");
        else Assert.Null(m.Bias);
    }

    [Fact]
    public void Conv2d_3_16_3_after_manual_seed_0_is_bit_identical_to_PyTorch()
    {
        var c = Fixtures.Case("conv", "init_conv2d_3_16_3");
        Torch.ManualSeed(0);
        var m = new Conv2d(3, 16, kernelSize: 3);
        Assert.Equal(c.Tensor("weight").ToArray(), m.Weight.ToArray());
        Assert.Equal(c.Tensor("bias").ToArray(), m.Bias!.ToArray());
        Assert.Equal(new[] { "weight", "bias" }, m.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Reprs_match_PyTorch_exactly()
    {
        var list = Fixtures.Case("conv", "reprs").Raw("list");
        foreach (var r in list.EnumerateArray())
            Assert.Equal(r.GetProperty("repr").GetString(), ConvConfig.Build(r.GetProperty("cfg")).ToString());
    }
}
