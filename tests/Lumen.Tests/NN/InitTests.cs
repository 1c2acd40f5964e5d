using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

[Collection("GlobalRng")]
public class InitTests
{
    public static TheoryData<string, int[]> Cases() => new()
    {
        { "uniform", new[] { 3, 4 } }, { "normal", new[] { 20, 3 } }, { "constant", new[] { 2, 3 } },
        { "xavier_uniform", new[] { 16, 8, 3, 3 } }, { "xavier_normal", new[] { 10, 7 } },
        { "kaiming_uniform_a_sqrt5", new[] { 32, 16, 3, 3 } }, { "kaiming_uniform_relu_fan_out", new[] { 8, 4, 5 } },
        { "kaiming_normal_relu", new[] { 16, 3, 3, 3 } }, { "kaiming_normal_leaky", new[] { 12, 5 } },
        { "orthogonal_tall", new[] { 6, 4 } }, { "orthogonal_wide", new[] { 3, 7 } }, { "orthogonal_conv", new[] { 4, 2, 3, 3 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Seeded_init_reproduces_PyTorch_values(string name, int[] shape)
    {
        Torch.ManualSeed(0);
        var w = Torch.Empty(shape);
        switch (name)
        {
            case "uniform": Init.Uniform_(w, -0.5, 2.0); break;
            case "normal": Init.Normal_(w, 0.5, 2.0); break;
            case "constant": Init.Constant_(w, 0.25f); break;
            case "xavier_uniform": Init.XavierUniform_(w, gain: Init.CalculateGain("relu")); break;
            case "xavier_normal": Init.XavierNormal_(w); break;
            case "kaiming_uniform_a_sqrt5": Init.KaimingUniform_(w, a: Math.Sqrt(5)); break;
            case "kaiming_uniform_relu_fan_out": Init.KaimingUniform_(w, mode: "fan_out", nonlinearity: "relu"); break;
            case "kaiming_normal_relu": Init.KaimingNormal_(w, nonlinearity: "relu"); break;
            case "kaiming_normal_leaky": Init.KaimingNormal_(w, a: 0.2); break;
            case "orthogonal_tall": Init.Orthogonal_(w); break;
            case "orthogonal_wide": Init.Orthogonal_(w, gain: 2.0); break;
            case "orthogonal_conv": Init.Orthogonal_(w); break;
        }
        // Uniform fills are bit-exact; normal and QR-based ones agree to float rounding.
        TensorAssert.Close(Fixtures.Case("init", name).Tensor("w"), w, name.StartsWith("orthogonal") ? 1e-5 : 1e-6, name);
    }

    [Fact]
    public void Gains_match_PyTorch()
    {
        var g = Fixtures.Case("init", "gains");
        Assert.Equal(g.Raw("tanh").GetDouble(), Init.CalculateGain("tanh"), 12);
        Assert.Equal(g.Raw("relu").GetDouble(), Init.CalculateGain("relu"), 12);
        Assert.Equal(g.Raw("leaky_relu").GetDouble(), Init.CalculateGain("leaky_relu"), 12);
        Assert.Equal(g.Raw("leaky_relu:0.2").GetDouble(), Init.CalculateGain("leaky_relu", 0.2), 12);
        Assert.Equal(g.Raw("selu").GetDouble(), Init.CalculateGain("selu"), 12);
        Assert.Equal(g.Raw("sigmoid").GetDouble(), Init.CalculateGain("sigmoid"), 12);
    }

    [Fact]
    public void Fan_of_a_vector_is_an_error_naming_the_shape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Init.XavierUniform_(Torch.Empty(5)));
        Assert.Contains("[5]", ex.Message);
    }
}
