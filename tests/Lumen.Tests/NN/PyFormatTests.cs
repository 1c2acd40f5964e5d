using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

/// <summary>The one Python-style float printer, public for modules and transforms written outside the library.
/// Expected strings are CPython 3.11's <c>repr</c> of the same doubles.</summary>
public class PyFormatTests
{
    [Theory]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(1e16, "1e+16")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(2.0, "2.0")]
    public void Doubles_print_as_Pythons_repr(double v, string python) => Assert.Equal(python, PyFormat.Float(v));

    [Fact]
    public void Float32_settings_print_as_the_literal_the_user_wrote_and_bools_and_tuples_as_Python()
    {
        Assert.Equal("0.1", PyFormat.Float(0.1f));           // not repr(float(np.float32(0.1))) = 0.10000000149011612
        Assert.Equal("1e-05", PyFormat.Float(1e-5f));
        Assert.Equal("inf", PyFormat.Float(float.PositiveInfinity));
        Assert.Equal("True", PyFormat.Bool(true));
        Assert.Equal("(10,)", PyFormat.Tuple([10]));
        Assert.Equal("(2, 5)", PyFormat.Tuple([2, 5]));
    }
}
