using System.Text.Json;
using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Padding;

/// <summary>F.Pad in every mode and the padding layers, against PyTorch 1.13 (tests/Fixtures/gen_conv.py).</summary>
[Collection("GlobalRng")]
public class PadTests
{
    public static TheoryData<string> Cases() => new()
    {
        "pad_constant_1d", "pad_constant_3dims_of_4d", "pad_constant_crop", "pad_constant_all_dims",
        "pad_reflect_1d", "pad_reflect_2d", "pad_reflect_2d_unbatched", "pad_reflect_3d", "pad_reflect_negative",
        "pad_replicate_1d", "pad_replicate_2d", "pad_replicate_3d_unbatched",
        "pad_circular_1d", "pad_circular_2d", "pad_circular_3d", "pad_circular_negative", "pad_circular_negative_right",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pad_forward_and_input_gradient_match_PyTorch(string name)
    {
        var c = Fixtures.Case("conv", name);
        var x = c.Tensor("x").RequiresGrad_();
        var y = F.Pad(x, c.Ints("pad"), c.Str("mode"), c.Float("value"));
        TensorAssert.Close(c.Tensor("y"), y, 0, name);            // padding copies values: exact
        Assert.Equal(c.Str("grad_fn").Replace("torch::autograd::", ""), y.GradFn!.Name);
        y.Backward(c.Tensor("gy"));
        TensorAssert.Close(c.Tensor("gx"), x.Grad!, 1e-6, name + " grad");
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("reflect")]
    [InlineData("replicate")]
    [InlineData("circular")]
    public void Pad_passes_gradcheck_in_every_mode(string mode)
    {
        Torch.ManualSeed(11);
        GradCheck.Assert(a => F.Pad(a[0], (2, 1, 1, 3), mode), Torch.Randn(2, 2, 4, 5));
        GradCheck.Assert(a => F.Pad(a[0], (1, 2, 0, 1, 2, 1), mode), Torch.Randn(1, 1, 3, 3, 4));
    }

    [Fact]
    public void Constant_pad_of_a_1d_tensor_and_cropping_pass_gradcheck()
    {
        Torch.ManualSeed(12);
        GradCheck.Assert(a => F.Pad(a[0], (-1, 3), value: 2f), Torch.Randn(6));
    }

    [Fact]
    public void Pad_layer_reprs_match_PyTorch()
    {
        foreach (var r in Fixtures.Case("conv", "pad_reprs").Raw("list").EnumerateArray())
        {
            var padEl = r.GetProperty("padding");
            IntTuple p = padEl.ValueKind == JsonValueKind.Array ? padEl.EnumerateArray().Select(v => v.GetInt32()).ToArray() : padEl.GetInt32();
            float value = r.GetProperty("value").ValueKind == JsonValueKind.Null ? 0f : (float)r.GetProperty("value").GetDouble();
            Module m = r.GetProperty("kind").GetString() switch
            {
                "ZeroPad2d" => new ZeroPad2d(p),
                "ConstantPad1d" => new ConstantPad1d(p, value),
                "ConstantPad2d" => new ConstantPad2d(p, value),
                "ConstantPad3d" => new ConstantPad3d(p, value),
                "ReflectionPad1d" => new ReflectionPad1d(p),
                "ReflectionPad2d" => new ReflectionPad2d(p),
                "ReflectionPad3d" => new ReflectionPad3d(p),
                "ReplicationPad1d" => new ReplicationPad1d(p),
                "ReplicationPad2d" => new ReplicationPad2d(p),
                "ReplicationPad3d" => new ReplicationPad3d(p),
                var k => throw new ArgumentException(k),
            };
            Assert.Equal(r.GetProperty("repr").GetString(), m.ToString());
        }
    }

    [Fact]
    public void Pad_layers_run_F_Pad_with_their_mode()
    {
        var x = Torch.Randn(2, 3, 4, 5);
        TensorAssert.Equal(F.Pad(x, (1, 2, 3, 4)), new ZeroPad2d((1, 2, 3, 4)).Call(x));
        TensorAssert.Equal(F.Pad(x, (2, 2, 2, 2), "reflect"), new ReflectionPad2d(2).Call(x));
        TensorAssert.Equal(F.Pad(x[0], (1, 1), "replicate"), new ReplicationPad1d(1).Call(x[0]));
        TensorAssert.Equal(F.Pad(x, (1, 1, 1, 1), "circular"), new CircularPad2d(1).Call(x));
        TensorAssert.Equal(F.Pad(x, (1, 1, 1, 1, 1, 1), value: 0.5f), new ConstantPad3d(1, 0.5f).Call(x));
        Assert.Equal("CircularPad2d((1, 1, 1, 1))", new CircularPad2d(1).ToString());
    }

    [Fact]
    public void Bad_padding_is_rejected_naming_the_values()
    {
        var x = Torch.Zeros(1, 1, 5);
        Assert.Contains("padding (5, 0) at dimension 2 of input [1, 1, 5]",
            Assert.Throws<ArgumentException>(() => F.Pad(x, (5, 0), "reflect")).Message);
        Assert.Contains("wraps around more than once", Assert.Throws<ArgumentException>(() => F.Pad(x, (6, 0), "circular")).Message);
        Assert.Contains("divisible by 2", Assert.Throws<ArgumentException>(() => F.Pad(x, new[] { 1, 2, 3 })).Message);
        Assert.Contains("too large", Assert.Throws<ArgumentException>(() => F.Pad(Torch.Zeros(5), (1, 1, 1, 1))).Message);
        Assert.Contains("needs a 2-D or 3-D input", Assert.Throws<ArgumentException>(() => F.Pad(Torch.Zeros(1, 1, 1, 5), (1, 1), "reflect")).Message);
        Assert.Contains("'mirror'", Assert.Throws<ArgumentException>(() => F.Pad(x, (1, 1), "mirror")).Message);
        Assert.Contains("non-positive output size", Assert.Throws<ArgumentException>(() => F.Pad(x, (-3, -3))).Message);
        Assert.Contains("ZeroPad2d: padding must be an int or a tuple of 4 ints, got (1, 2)",
            Assert.Throws<ArgumentException>(() => new ZeroPad2d((1, 2))).Message);
    }
}
