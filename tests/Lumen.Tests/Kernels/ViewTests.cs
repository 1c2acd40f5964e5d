using Lumen.Kernels;
using Lumen.Tests.NN.Conv;
using Xunit;

namespace Lumen.Tests.Kernels;

/// <summary>The kernel operand view: its contiguity rule (PyTorch's, size-1 dimensions free), per-sample slices that
/// allocate nothing, checks that name the operand and the geometry, and kernels reading an operand at an offset.</summary>
public class ViewTests
{
    [Fact]
    public void A_row_major_view_is_contiguous_and_a_transposed_one_is_not()
    {
        var a = new float[24];
        Assert.True(View<float>.Contiguous(a, 0, 2, 3, 4).IsContiguous);
        Assert.False(new View<float>(a, 0, new[] { 3, 2 }, new[] { 1, 3 }).IsContiguous);
        // A size-1 dimension may carry any stride (as torch.Tensor.is_contiguous).
        Assert.True(new View<float>(a, 0, new[] { 2, 1, 4 }, new[] { 4, 99, 1 }).IsContiguous);
        var ex = Assert.Throws<ArgumentException>(() => new View<float>(a, 0, new[] { 3, 2 }, new[] { 1, 3 }).Span.Length);
        Assert.Contains("strides (1, 3)", ex.Message);
    }

    [Fact]
    public void Slice_steps_to_sample_n_with_one_dimension_fewer_and_allocates_nothing()
    {
        var a = Enumerable.Range(0, 2 * 3 * 4).Select(i => (float)i).ToArray();
        var v = View<float>.Contiguous(a, 0, 2, 3, 4);
        var s1 = v.Slice(1);
        Assert.Equal(2, s1.Rank);
        Assert.Equal(new[] { 3, 4 }, s1.Shape);
        Assert.Equal(12, s1.Offset);
        Assert.Equal(a[12..24], s1.Span.ToArray());
        Assert.Equal(a[20..24], s1.Slice(2).Span.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Slice(2));

        _ = v.Slice(1).Slice(2).Span;   // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        float sum = 0;
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++) sum += v.Slice(n).Slice(c).Span[0];
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0 + 4 + 8 + 12 + 16 + 20, sum);
    }

    [Fact]
    public void ChannelRows_reads_batch_channels_and_positions_from_the_shape()
    {
        var v = View<float>.Contiguous(new float[2 * 3 * 5 * 7], 0, 2, 3, 5, 7);
        Assert.Equal((2, 3, 35), v.ChannelRows("test"));
        Assert.Equal((4, 6, 1), View<float>.Contiguous(new float[24], 0, 4, 6).ChannelRows("test"));
        var ex = Assert.Throws<ArgumentException>(() => View<float>.Of(new float[5]).ChannelRows("batch_norm: input"));
        Assert.StartsWith("batch_norm: input: expected (N, C, ...)", ex.Message);
    }

    [Fact]
    public void A_convolution_operand_of_the_wrong_size_is_named_in_the_error()
    {
        var geo = ConvDirectTests.Square(2, 2, 3, 4, 8, 3, 1, 1);
        var x = new float[2 * 3 * 64];
        var w = new float[4 * 3 * 9];
        var y = new float[2 * 4 * 64];
        var ex = Assert.Throws<ArgumentException>(() =>
            ConvKernels.Forward(geo, NaiveConv.V(x), NaiveConv.V(w, 1), default, NaiveConv.V(y)));
        Assert.Contains("convolution forward: weight: expected 108 elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => ConvKernels.Forward(geo, NaiveConv.V(x), NaiveConv.V(w), default, NaiveConv.V(y, 8)));
        Assert.Contains("convolution forward: output", ex.Message);
    }

    /// <summary>Every operand read and written through a non-zero offset gives the bits of the same call at offset 0,
    /// on the planner's default algorithm and on forced per-sample and batched im2col.</summary>
    [Fact]
    public void Convolution_over_views_at_an_offset_gives_the_same_bits_as_at_offset_zero()
    {
        var r = new Random(7);
        var geo = ConvDirectTests.Square(2, 3, 4, 6, 12, 3, 1, 1);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        int nx = 3 * 4 * 144, nw = 6 * 4 * 9, ny = 3 * 6 * 144;
        var x = Rand(nx); var w = Rand(nw); var b = Rand(6); var gy = Rand(ny);
        float[] Shifted(float[] a, int k) => new float[k].Concat(a).ToArray();
        foreach (var options in new[] { default, new ConvPlanOptions(Strategy: ConvStrategy.PerSample), new ConvPlanOptions(Strategy: ConvStrategy.Batched) })
        {
            var y0 = new float[ny]; var gx0 = new float[nx]; var gw0 = new float[nw]; var gb0 = new float[6];
            ConvKernels.Forward(geo, NaiveConv.V(x), NaiveConv.V(w), NaiveConv.V(b), NaiveConv.V(y0), options);
            ConvKernels.Backward(geo, NaiveConv.V(x), NaiveConv.V(w), NaiveConv.V(gy), NaiveConv.V(gx0), NaiveConv.V(gw0), NaiveConv.V(gb0), options);

            var y1 = new float[ny + 5]; var gx1 = new float[nx + 2]; var gw1 = new float[nw + 3]; var gb1 = new float[6 + 4];
            ConvKernels.Forward(geo, NaiveConv.V(Shifted(x, 3), 3), NaiveConv.V(Shifted(w, 7), 7), NaiveConv.V(Shifted(b, 1), 1), NaiveConv.V(y1, 5), options);
            ConvKernels.Backward(geo, NaiveConv.V(Shifted(x, 3), 3), NaiveConv.V(Shifted(w, 7), 7), NaiveConv.V(Shifted(gy, 9), 9),
                                 NaiveConv.V(gx1, 2), NaiveConv.V(gw1, 3), NaiveConv.V(gb1, 4), options);
            Assert.Equal(y0, y1[5..]);
            Assert.Equal(gx0, gx1[2..]);
            Assert.Equal(gw0, gw1[3..]);
            Assert.Equal(gb0, gb1[4..]);
        }
    }
}
