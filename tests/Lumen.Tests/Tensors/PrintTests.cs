using System.Text.Json;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>Tensor.ToString() against PyTorch 1.13's <c>str(tensor)</c> (tests/Fixtures/gen_print.py), compared exactly.</summary>
public class PrintTests
{
    public static IEnumerable<object[]> CaseNames()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "print.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateObject().Select(p => new object[] { p.Name }).ToList();
    }

    private static Tensor Input(FixtureCase c)
    {
        var x = c.Tensor("x");
        // The fixture reader builds bool/uint8 tensors from arrays, which cannot be 0-d.
        if (c.Raw("x").GetProperty("shape").GetArrayLength() == 0 && x.Ndim != 0) x = x.Reshape();
        if (!c.Has("autograd")) return x;
        var leaf = x.Clone().RequiresGrad_();
        return c.Str("autograd") switch
        {
            "requires_grad" => leaf,
            "mul1" => leaf.Mul(1f),
            "add0" => leaf.Add(0f),
            var how => throw new NotSupportedException(how),
        };
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ToString_matches_PyTorch_repr(string name)
    {
        var c = Fixtures.Case("print", name);
        Assert.Equal(c.Str("repr"), Input(c).ToString());
    }

    [Fact]
    public void Printing_a_transposed_view_walks_its_strides()
    {
        var t = Torch.Arange(0f, 6f).Reshape(2, 3).T();
        Assert.False(t.IsContiguous());
        Assert.Equal(Fixtures.Case("print", "transposed_view").Str("repr"), t.ToString());
    }

    [Fact]
    public void The_briefs_examples_print_as_in_PyTorch()
    {
        Assert.Equal("tensor([1., 2., 3.])", Torch.Tensor(new float[] { 1, 2, 3 }, 3).ToString());
        Assert.Equal("tensor([[ 0.1000, -1.2000],\n        [ 3.0000,  4.0000]])",
            Torch.Tensor(new float[] { 0.1f, -1.2f, 3f, 4f }, 2, 2).ToString());
        Assert.Equal("tensor([1, 2, 3])", Torch.Tensor(new long[] { 1, 2, 3 }, 3).ToString());
        Assert.Equal("tensor([ True, False])", Torch.Tensor(new[] { true, false }).ToString());
        Assert.Equal("tensor(3.5000)", Torch.Scalar(3.5f).ToString());
    }

    [Fact]
    public void Python_style_number_formatting_rounds_half_to_even_from_the_exact_binary_value()
    {
        Assert.Equal("0.0312", TensorFormatter.FormatFixed(0.03125, 4));
        Assert.Equal("0.1250", TensorFormatter.FormatFixed(0.125, 4));
        Assert.Equal("2", TensorFormatter.FormatFixed(2.5, 0));
        Assert.Equal("-0.0000", TensorFormatter.FormatFixed(-0.0, 4));
        Assert.Equal("0.1000", TensorFormatter.FormatFixed(0.1f, 4));
        Assert.Equal("1.0000e+05", TensorFormatter.FormatSci(99999.5, 4)); // rounds up into the next decade
        Assert.Equal("1.2346e-05", TensorFormatter.FormatSci(1.23456e-5, 4));
        Assert.Equal("0.0000e+00", TensorFormatter.FormatSci(0, 4));
        Assert.Equal("1.0000e+100", TensorFormatter.FormatSci(1e100, 4));
    }

    [Collection("GlobalRng")] // SetPrintOptions is global too: keep it away from tests running in parallel
    public class PrintOptionsTests
    {
        [Fact]
        public void SetPrintOptions_changes_precision_and_sci_mode_and_the_default_profile_restores_them()
        {
            var x = Torch.Tensor(new float[] { 1.12345f, 1e-6f }, 2);
            try
            {
                Torch.SetPrintOptions(precision: 2);
                Assert.Equal("tensor([1.12e+00, 1.00e-06])", x.ToString());
                Torch.SetPrintOptions(sciMode: false);
                // PyTorch keeps the width it measured in scientific notation (printed by PyTorch 1.13 itself).
                Assert.Equal("tensor([    1.12,     0.00])", x.ToString());
                Torch.SetPrintOptions(threshold: 5);
                Assert.Equal("tensor([0, 1, 2,  ..., 7, 8, 9])", Torch.Arange(10).ToString());
            }
            finally { Torch.SetPrintOptions(profile: "default"); }
            Assert.Equal("tensor([1.1235e+00, 1.0000e-06])", x.ToString());
        }
    }
}
