using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>The public ways to a tensor's memory that code outside the library (Lumen.Vision's datasets, Lumen.Training's
/// metrics) uses instead of internals: zero-copy <c>Torch.FromArray</c> and the strided <c>Tensor.CopyTo</c>.</summary>
public class TensorMemoryTests
{
    [Fact]
    public void FromArray_uint8_shares_memory_both_ways_like_from_numpy()
    {
        var pixels = new byte[2 * 3 * 2];
        var t = Torch.FromArray(pixels, 2, 3, 2);
        Assert.Equal(DType.UInt8, t.DType);
        Assert.Equal(new Shape(2, 3, 2), t.Shape);
        pixels[7] = 200;                       // the array's write is seen by the tensor...
        Assert.Equal((byte)200, t.View(-1)[7].Item<byte>());
        t.AsSpan<byte>()[3] = 9;               // ...and the tensor's by the array
        Assert.Equal(9, pixels[3]);
    }

    [Fact]
    public void FromArray_int64_and_bool_share_memory()
    {
        var labels = new long[] { 3, 1, 4 };
        var l = Torch.FromArray(labels, 3);
        labels[1] = -7;
        Assert.Equal(new long[] { 3, -7, 4 }, l.ToArray<long>());

        var mask = new bool[4];
        var m = Torch.FromArray(mask, 2, 2);
        mask[2] = true;
        Assert.Equal(new[] { false, false, true, false }, m.ToArray<bool>());
        Assert.Equal(DType.Bool, m.DType);
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)]
    public void FromArray_refuses_a_shape_that_does_not_cover_the_array(int dtype)
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => dtype switch
        {
            0 => Torch.FromArray(new float[6], 4, 2),
            1 => Torch.FromArray(new long[6], 4, 2),
            2 => Torch.FromArray(new byte[6], 4, 2),
            _ => Torch.FromArray(new bool[6], 4, 2),
        });
        Assert.Contains("6 values", ex.Message);
        Assert.Contains("[4, 2]", ex.Message);
    }

    /// <summary>Every view of tests/Fixtures/gen_tensor_memory.py in every dtype: CopyTo gives PyTorch's
    /// <c>view.contiguous()</c> order without a Contiguous() copy.</summary>
    [Theory]
    [InlineData("transpose")] [InlineData("permute")] [InlineData("slice_step")]
    [InlineData("narrow_offset")] [InlineData("expand")] [InlineData("select_column")]
    public void CopyTo_of_a_strided_view_gives_PyTorchs_element_order(string view)
    {
        foreach (var dtype in new[] { "float32", "int64", "uint8", "bool" })
        {
            var c = Fixtures.Case("tensor_memory", $"{view}_{dtype}");
            var v = View(view, c.Tensor("base"));
            var expected = c.Tensor("out");
            Assert.Equal(expected.Shape, v.Shape);
            switch (dtype)
            {
                case "float32": Check<float>(v, expected); break;
                case "int64": Check<long>(v, expected); break;
                case "uint8": Check<byte>(v, expected); break;
                default: Check<bool>(v, expected); break;
            }
        }

        static void Check<T>(Tensor v, Tensor expected) where T : unmanaged
        {
            var dst = new T[v.Numel() + 2];   // a longer destination keeps its tail
            v.CopyTo<T>(dst);
            Assert.Equal(expected.ToArray<T>(), dst[..v.Numel()]);
            Assert.Equal(default, dst[^1]);
        }
    }

    private static Tensor View(string name, Tensor b) => name switch
    {
        "transpose" => b.View(3, 4).T(),
        "permute" => b.View(2, 3, 2).Permute(2, 0, 1),
        "slice_step" => b.View(3, 4).Slice(0, 1).Slice(1, step: 2),
        "narrow_offset" => b.View(3, 4).Narrow(1, 1, 2),
        "expand" => b.View(3, 4).Slice(1, 0, 1).Expand(3, 5),
        _ => b.View(3, 4).Select(1, 3),
    };

    [Fact]
    public void CopyTo_refuses_a_short_destination_and_another_element_type()
    {
        var t = Torch.Arange(0, 6).View(2, 3).T();
        var shortEx = Assert.Throws<ArgumentException>(() => t.CopyTo<float>(new float[5]));
        Assert.Contains("holds 5 elements", shortEx.Message);
        Assert.Contains("[3, 2]", shortEx.Message);
        var typeEx = Assert.Throws<ArgumentException>(() => t.CopyTo<long>(new long[6]));
        Assert.Contains("float32", typeEx.Message);
    }
}
