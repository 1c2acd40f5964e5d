using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

public class MatmulTests
{
    private static Tensor R(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var d = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(rng.NextDouble() * 2 - 1);
        return Torch.Tensor(d, shape);
    }

    /// <summary>The view each fixture case applies to its leaves before the product (mirrors gen_matmul.py).</summary>
    private static (Func<Tensor, Tensor, Tensor> Op, Func<Tensor, Tensor> A, Func<Tensor, Tensor> B) Setup(string name)
    {
        Func<Tensor, Tensor> id = x => x;
        Func<Tensor, Tensor, Tensor> matmul = (x, y) => x.Matmul(y);
        return name switch
        {
            "transposed_lhs" => (matmul, x => x.T(), id),
            "transposed_rhs" => (matmul, id, y => y.T()),
            "transposed_both_batched" => (matmul, x => x.Transpose(1, 2), y => y.Transpose(1, 2)),
            "permuted_batch_lhs" => (matmul, x => x.Permute(1, 0, 2), id),
            "expanded_rhs" => (matmul, id, y => y.Unsqueeze(-1).Expand(6, 3)),
            "mm" => ((x, y) => x.Mm(y), id, id),
            "bmm" => ((x, y) => x.Bmm(y), id, id),
            "mv" => ((x, y) => x.Mv(y), id, id),
            "dot" => ((x, y) => x.Dot(y), id, id),
            _ => (matmul, id, id),
        };
    }

    public static IEnumerable<object[]> Cases() => new[]
    {
        "dot_1d_1d", "mm_2d_2d", "mm_odd_sizes", "vec_mat_1d_2d", "mat_vec_2d_1d", "batched_3d_2d", "batched_3d_3d",
        "mat_batched_2d_3d", "row_batched_2d_3d", "vec_batched_1d_3d", "batched_vec_3d_1d", "broadcast_batch_4d_3d",
        "broadcast_batch_3d_size1", "transposed_lhs", "transposed_rhs", "transposed_both_batched", "permuted_batch_lhs",
        "expanded_rhs", "mm", "bmm", "mv", "dot",
    }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Products_match_PyTorch_forward_backward_and_grad_fn(string name)
    {
        var c = Fixtures.Case("matmul", name);
        var (op, va, vb) = Setup(name);
        var a = c.Tensor("a").RequiresGrad_();
        var b = c.Tensor("b").RequiresGrad_();
        var outp = op(va(a), vb(b));
        TensorAssert.Close(c.Tensor("out"), outp, 1e-5, name + " out");
        Assert.Equal(c.Str("grad_fn"), outp.GradFn!.Name);
        outp.Mul(c.Tensor("grad_out")).Sum().Backward();
        TensorAssert.Close(c.Tensor("grad_a"), a.Grad!, 1e-5, name + " grad a");
        TensorAssert.Close(c.Tensor("grad_b"), b.Grad!, 1e-5, name + " grad b");
    }

    public static IEnumerable<object[]> GradCheckShapes() => new[]
    {
        new object[] { new[] { 4 }, new[] { 4 } },
        new object[] { new[] { 3, 4 }, new[] { 4, 5 } },
        new object[] { new[] { 4 }, new[] { 4, 3 } },
        new object[] { new[] { 3, 4 }, new[] { 4 } },
        new object[] { new[] { 2, 3, 4 }, new[] { 4, 2 } },
        new object[] { new[] { 3, 4 }, new[] { 2, 4, 2 } },
        new object[] { new[] { 4 }, new[] { 2, 4, 3 } },
        new object[] { new[] { 2, 1, 3, 4 }, new[] { 3, 4, 2 } },
        new object[] { new[] { 2, 3, 4 }, new[] { 4 } },
    };

    [Theory]
    [MemberData(nameof(GradCheckShapes))]
    public void Matmul_passes_gradcheck(int[] aShape, int[] bShape) =>
        GradCheck.Assert(x => x[0].Matmul(x[1]), R(1, aShape), R(2, bShape));

    [Fact]
    public void Mm_bmm_mv_dot_and_transposed_operands_pass_gradcheck()
    {
        GradCheck.Assert(x => x[0].Mm(x[1]), R(3, 3, 5), R(4, 5, 2));
        GradCheck.Assert(x => x[0].Bmm(x[1]), R(5, 2, 3, 4), R(6, 2, 4, 3));
        GradCheck.Assert(x => x[0].Mv(x[1]), R(7, 3, 4), R(8, 4));
        GradCheck.Assert(x => x[0].Dot(x[1]), R(9, 6), R(10, 6));
        GradCheck.Assert(x => x[0].T().Matmul(x[1].Transpose(1, 2)), R(11, 4, 3), R(12, 2, 5, 4));
    }

    [Fact]
    public void Large_products_of_transposed_views_agree_with_contiguous_copies()
    {
        // Big enough for the packed kernel and both threads; the views go to the kernel as transposes, the copies not.
        var a = R(13, 150, 90); var b = R(14, 130, 150);
        var viaViews = a.T().Matmul(b.T());
        var viaCopies = a.T().Contiguous().Matmul(b.T().Contiguous());
        TensorAssert.Equal(viaCopies, viaViews);
    }

    [Fact]
    public void Inner_size_mismatch_names_the_op_and_both_shapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Torch.Ones(2, 3).Matmul(Torch.Ones(4, 5)));
        Assert.Equal("matmul: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4).", ex.Message);
        Assert.Contains("mm: shapes [2, 3] and [4, 5]", Assert.Throws<ShapeMismatchException>(() => Torch.Ones(2, 3).Mm(Torch.Ones(4, 5))).Message);
        Assert.Contains("dot: shapes [3] and [4]", Assert.Throws<ShapeMismatchException>(() => Torch.Ones(3).Dot(Torch.Ones(4))).Message);
    }

    [Fact]
    public void Bad_ranks_and_batches_are_rejected_with_both_shapes()
    {
        Assert.Contains("[2, 2, 3] and [3, 3, 4]", Assert.Throws<ShapeMismatchException>(() => Torch.Ones(2, 2, 3).Matmul(Torch.Ones(3, 3, 4))).Message);
        Assert.Contains("bmm", Assert.Throws<ShapeMismatchException>(() => Torch.Ones(2, 2, 3).Bmm(Torch.Ones(3, 3, 4))).Message);
        Assert.Contains("bmm", Assert.Throws<ShapeMismatchException>(() => Torch.Ones(2, 3).Bmm(Torch.Ones(2, 3, 4))).Message);
        Assert.Contains("mm", Assert.Throws<ShapeMismatchException>(() => Torch.Ones(2, 2, 3).Mm(Torch.Ones(3, 4))).Message);
        Assert.Contains("at least 1-D", Assert.Throws<ArgumentException>(() => Torch.Scalar(1f).Matmul(Torch.Ones(3))).Message);
    }

    [Fact]
    public void Empty_inner_dimension_gives_zeros_and_empty_batches_give_empty_results()
    {
        // (Torch.Zeros, not Ones: Full() cannot fill zero-size tensors yet, see the report.)
        TensorAssert.Values(new float[6], Torch.Zeros(2, 0).Matmul(Torch.Zeros(0, 3)));
        Assert.Equal(new Shape(5, 0, 4), Torch.Zeros(5, 0, 3).Matmul(Torch.Ones(3, 4)).Shape);
        Assert.Equal(new Shape(0, 2, 4), Torch.Zeros(0, 2, 3).Matmul(Torch.Ones(3, 4)).Shape);
    }

    [Fact]
    public void Small_integer_products_are_exact()
    {
        // [[1, 2], [3, 4]]·[[5, 6], [7, 8]] = [[19, 22], [43, 50]]
        var a = Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 } });
        var b = Torch.Tensor(new float[,] { { 5, 6 }, { 7, 8 } });
        TensorAssert.Values(new float[] { 19, 22, 43, 50 }, a.Matmul(b), 0);
    }
}
