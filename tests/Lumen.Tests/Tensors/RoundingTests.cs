using System.Text.Json;
using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>
/// round (half to even, with decimals), floor, ceil and trunc against tests/Fixtures/data/rounding.json (gen_rounding.py,
/// PyTorch 1.13): outputs bit for bit (signed zeros, halves, NaN, ±∞, x·10ᵈ overflowing), grad_fn names, zero gradients,
/// integer tensors passing through as copies.
/// </summary>
public class RoundingTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Ops = new()
    {
        ["round"] = x => Torch.Round(x), ["floor"] = x => Torch.Floor(x), ["ceil"] = x => Torch.Ceil(x), ["trunc"] = x => Torch.Trunc(x),
        ["round_int64"] = x => x.Round(), ["floor_int64"] = x => x.Floor(), ["ceil_int64"] = x => x.Ceil(), ["trunc_int64"] = x => x.Trunc(),
        ["round_decimals_1"] = x => x.Round(decimals: 1), ["round_decimals_2"] = x => Torch.Round(x, decimals: 2),
        ["round_decimals_3"] = x => x.Round(3), ["round_decimals_minus1"] = x => x.Round(-1), ["round_decimals_minus2"] = x => x.Round(-2),
        ["round_inplace"] = x => (x * 1).Round_(), ["floor_inplace"] = x => (x * 1).Floor_(),
        ["ceil_inplace"] = x => (x * 1).Ceil_(), ["trunc_inplace"] = x => (x * 1).Trunc_(),
        ["round_decimals_2_inplace"] = x => (x * 1).Round_(decimals: 2),
    };

    public static IEnumerable<object[]> CaseNames() => Ops.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Output_grad_fn_and_zero_gradient_match_PyTorch_bit_for_bit(string name)
    {
        var c = Fixtures.Case("rounding", name);
        var x = c.Tensor("x");
        if (x.DType == DType.Float32) x.RequiresGrad = true;
        var y = Ops[name](x);
        var expected = c.Tensor("out");
        Assert.Equal(expected.DType, y.DType);
        Assert.Equal(expected.Shape, y.Shape);
        if (y.DType == DType.Float32)
        {
            var e = expected.ToArray<float>(); var a = y.ToArray<float>(); var xs = x.ToArray<float>();
            for (int i = 0; i < e.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]) || (float.IsNaN(e[i]) && float.IsNaN(a[i])),
                    $"{name}({xs[i]:R}) = {a[i]:R}, PyTorch {e[i]:R}");
        }
        else Assert.Equal(expected.ToArray<long>(), y.ToArray<long>());

        var gradFn = c.Raw("grad_fn");
        Assert.Equal(gradFn.ValueKind == JsonValueKind.Null ? null : gradFn.GetString(), y.GradFn?.Name);
        if (!c.Has("g")) return;
        y.Backward(c.Tensor("g"));
        TensorAssert.Equal(c.Tensor("grad_x"), x.Grad!, $"{name} gradient");
    }

    [Fact]
    public void Every_fixture_case_has_a_Lumen_twin()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "rounding.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(doc.RootElement.EnumerateObject().Select(p => p.Name).OrderBy(n => n), Ops.Keys.OrderBy(n => n));
    }

    [Fact]
    public void Integer_tensors_come_back_as_a_new_tensor_with_their_dtype()
    {
        var i = Torch.Tensor(new long[] { 3, -4 });
        var r = i.Floor();
        Assert.Equal(DType.Int64, r.DType);
        r.Fill_(7);
        Assert.Equal(new long[] { 3, -4 }, i.ToArray<long>());   // a copy, as torch.floor gives
        Assert.Same(i, i.Round_());
    }

    [Fact]
    public void Bool_tensors_and_integer_decimals_are_rejected_as_in_PyTorch()
    {
        var b = Torch.Tensor(new[] { true, false });
        var e = Assert.Throws<NotSupportedException>(() => b.Floor());
        Assert.Contains("torch.bool", e.Message);
        var e2 = Assert.Throws<NotSupportedException>(() => Torch.Tensor(new long[] { 1 }).Round(decimals: 1));
        Assert.Contains("int64", e2.Message);
    }

    [Fact]
    public void Gradient_is_zero_by_finite_differences_away_from_the_steps()
    {
        // Inputs a quarter away from every integer and half: central differences with ε = 1e-3 see a flat function.
        var x = Torch.Tensor(new[] { 0.25f, -1.25f, 2.75f, -3.75f, 10.25f, 0.2f });
        GradCheck.Assert(a => a[0].Round(), x);
        GradCheck.Assert(a => a[0].Floor() + a[0].Ceil() + a[0].Trunc(), x);
        GradCheck.Assert(a => a[0].Round(decimals: -1), x);
    }
}
